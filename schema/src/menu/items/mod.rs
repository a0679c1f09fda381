//! A menu item with its variants, and the inputs that make and change one,
//! each defined once and deriving what GraphQL, REST (serde) and OpenAPI
//! need.

mod children;
mod create;
mod delete;
mod read;
pub(super) mod store;
mod update;

pub use create::create_item;
pub use delete::delete_item;
pub use read::{get_item, groups_of, items_by_ids, list_items, variants_of};
pub use update::update_item;

use crate::text::{CurrencyCode, Description, LongName, Name, Sku};
use chrono::{DateTime, Utc};
use kernel::{CategoryId, MenuItemId, ModifierGroupId, VariantId};
use serde::{Deserialize, Serialize};

/// Something the business sells. Prices are minor units of `currency`; tax
/// is in basis points (2000 = 20 %).
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: MenuItemId,
    pub category_id: CategoryId,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub tax_rate_bp: i32,
    pub active: bool,
    pub sold_out: bool,
    /// Seconds it takes to make, for firing a ticket's items to finish
    /// together; the kitchen station's target when `null`.
    pub prep_secs: Option<i32>,
    /// Bumped by every change; pass it back to update against what you saw.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entities::menu_items::Model> for Item {
    fn from(m: entities::menu_items::Model) -> Self {
        Self {
            id: m.id.into(),
            category_id: m.category_id.into(),
            sku: m.sku,
            name: m.name,
            description: m.description,
            price_minor: m.price_minor,
            currency: m.currency,
            tax_rate_bp: m.tax_rate_bp,
            active: m.active,
            sold_out: m.sold_out,
            prep_secs: m.prep_secs,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    pub id: VariantId,
    #[graphql(skip)]
    #[serde(skip)]
    pub item_id: MenuItemId,
    pub name: String,
    pub price_delta_minor: i64,
    pub sort_order: i32,
}

impl From<entities::menu_item_variants::Model> for Variant {
    fn from(m: entities::menu_item_variants::Model) -> Self {
        Self {
            id: m.id.into(),
            item_id: m.item_id.into(),
            name: m.name,
            price_delta_minor: m.price_delta_minor,
            sort_order: m.sort_order,
        }
    }
}

// REST documents this and `modifiers::NewModifier` as one schema,
// `PriceDeltaBody`, as it always has; GraphQL keeps its two input types.
/// A variant of an item (a size, a flavour).
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "VariantInput")]
#[schema(as = PriceDeltaBody)]
#[serde(rename_all = "camelCase")]
pub struct NewVariant {
    /// Unique in the item, whatever the case.
    pub name: Name,
    /// Minor units added to the item's price.
    #[serde(default)]
    #[graphql(default)]
    pub price_delta_minor: i64,
}

/// A new menu item.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateMenuItemInput")]
#[schema(as = ItemBody)]
#[serde(rename_all = "camelCase")]
pub struct NewItem {
    pub category_id: CategoryId,
    /// Unique in the business among items not deleted.
    pub sku: Sku,
    pub name: LongName,
    pub description: Option<Description>,
    /// Minor units (cents) of `currency`.
    pub price_minor: i64,
    /// ISO 4217, e.g. EUR.
    pub currency: CurrencyCode,
    /// Basis points: 2000 = 20 %.
    pub tax_rate_bp: i32,
    /// Seconds it takes to make (1 to 86400); the station's target when left out.
    pub prep_secs: Option<i32>,
    /// In display order.
    #[serde(default)]
    #[graphql(default)]
    pub variants: Vec<NewVariant>,
    /// In display order.
    #[serde(default)]
    #[graphql(default)]
    pub modifier_group_ids: Vec<ModifierGroupId>,
}

/// Leave a field out to keep it; `expectedVersion` guards against lost updates.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "MenuItemPatchInput")]
#[schema(as = ItemPatchBody)]
#[serde(rename_all = "camelCase")]
pub struct ItemPatch {
    /// The version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub category_id: Option<CategoryId>,
    pub name: Option<LongName>,
    pub description: Option<Description>,
    pub price_minor: Option<i64>,
    pub tax_rate_bp: Option<i32>,
    /// Seconds it takes to make (1 to 86400).
    pub prep_secs: Option<i32>,
    pub active: Option<bool>,
    /// Replaces the variants when given.
    pub variants: Option<Vec<NewVariant>>,
    /// Replaces the modifier groups when given.
    pub modifier_group_ids: Option<Vec<ModifierGroupId>>,
}
