//! Stock items (what is counted: beans, milk, bottles): the item and the
//! inputs that create and change one, defined once for GraphQL, REST and
//! OpenAPI.

mod commands;
pub(crate) mod store;

pub use super::StockUnit;
pub use super::levels::StockLevel;
pub use super::levels::commands::{levels, set_reorder_point};
pub use commands::{create, get, list, update};
pub(crate) use commands::{find, referenced};

use crate::text::{LongName, Sku};
use async_graphql::MaybeUndefined;
use chrono::{DateTime, Utc};
use kernel::{MenuItemId, StockItemId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockItem {
    pub id: StockItemId,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    /// Set for retail goods: selling this menu item uses one of this stock item.
    pub menu_item_id: Option<MenuItemId>,
    pub active: bool,
    /// Bumped by every change; pass it back to update against what you saw.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entities::stock_items::Model> for StockItem {
    fn from(m: entities::stock_items::Model) -> Self {
        Self {
            id: m.id.into(),
            sku: m.sku,
            name: m.name,
            unit: m.unit.into(),
            menu_item_id: m.menu_item_id.map(Into::into),
            active: m.active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new stock item.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateStockItemInput")]
#[schema(as = StockItemBody)]
#[serde(rename_all = "camelCase")]
pub struct NewStockItem {
    /// 1 to 64 letters, digits, dashes, dots or underscores; unique in the business.
    pub sku: Sku,
    pub name: LongName,
    pub unit: StockUnit,
    /// For retail goods: the menu item that sells one of this.
    pub menu_item_id: Option<MenuItemId>,
}

/// Leave a field out to keep it; `expectedVersion` guards against lost updates.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "StockItemPatchInput")]
#[schema(as = StockItemPatchBody)]
#[serde(rename_all = "camelCase")]
pub struct StockItemPatch {
    /// The version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub name: Option<LongName>,
    /// A menu item id links it; `null` unlinks it.
    #[serde(default)]
    #[schema(value_type = Option<uuid::Uuid>, nullable)]
    pub menu_item_id: MaybeUndefined<MenuItemId>,
    pub active: Option<bool>,
}
