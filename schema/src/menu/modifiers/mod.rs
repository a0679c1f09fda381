//! Modifier groups ("Milk", "Extras") and their modifiers, and the input
//! that makes a group, defined once for GraphQL, REST (serde) and OpenAPI.

mod commands;
pub(super) mod store;

pub use commands::{create_modifier_group, list_modifier_groups};

use crate::text::Name;
use kernel::{ModifierGroupId, ModifierId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Modifier {
    pub id: ModifierId,
    #[graphql(skip)]
    #[serde(skip)]
    pub group_id: ModifierGroupId,
    pub name: String,
    pub price_delta_minor: i64,
    pub sort_order: i32,
}

impl From<entities::modifiers::Model> for Modifier {
    fn from(m: entities::modifiers::Model) -> Self {
        Self {
            id: m.id.into(),
            group_id: m.group_id.into(),
            name: m.name,
            price_delta_minor: m.price_delta_minor,
            sort_order: m.sort_order,
        }
    }
}

/// A choice offered with items ("Milk", "Extras"): between `minSelect` and
/// `maxSelect` of its modifiers.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct ModifierGroup {
    pub id: ModifierGroupId,
    pub name: String,
    pub min_select: i32,
    pub max_select: i32,
    pub modifiers: Vec<Modifier>,
}

// REST documents this and `items::NewVariant` as one schema, `PriceDeltaBody`,
// as it always has; GraphQL keeps its two input types.
/// A modifier of a new group.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ModifierInput")]
#[schema(as = PriceDeltaBody)]
#[serde(rename_all = "camelCase")]
pub struct NewModifier {
    pub name: Name,
    /// Minor units added to the item's price.
    #[serde(default)]
    #[graphql(default)]
    pub price_delta_minor: i64,
}

/// A new modifier group with its modifiers, in display order.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateModifierGroupInput")]
#[schema(as = ModifierGroupBody)]
#[serde(rename_all = "camelCase")]
pub struct NewModifierGroup {
    pub name: Name,
    /// 0 or more, at most the number of modifiers.
    pub min_select: i32,
    /// At least 1 and at least `minSelect`.
    pub max_select: i32,
    /// 1 to 100 modifiers.
    pub modifiers: Vec<NewModifier>,
}
