//! Recipes: which stock items, and how much of each, selling a menu item
//! (or choosing a modifier, such as oat milk) consumes. A retail item with
//! no recipe consumes one of the stock item linked to it.

mod commands;
pub(crate) mod store;

pub use commands::{consumption, get, set};

use super::StockUnit;
use crate::quantity::Quantity;
use kernel::{MenuItemId, ModifierId, StockItemId};
use serde::{Deserialize, Serialize};

/// What a recipe belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipeOf {
    MenuItem(MenuItemId),
    Modifier(ModifierId),
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipeComponent {
    pub stock_item_id: StockItemId,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    /// Consumed per one sold.
    pub quantity: Quantity,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recipe {
    pub menu_item_id: Option<MenuItemId>,
    pub modifier_id: Option<ModifierId>,
    pub components: Vec<RecipeComponent>,
}

// Over REST a component has the shape of a transfer's line, and so shares
// its OpenAPI name.
/// One component of a recipe: a stock item and how much of it one sale uses.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RecipeComponentInput")]
#[schema(as = QuantityLineBody)]
#[serde(rename_all = "camelCase")]
pub struct NewComponent {
    pub stock_item_id: StockItemId,
    /// Consumed per one sold; more than zero.
    #[schema(value_type = crate::quantity::QuantityInput)]
    pub quantity: Quantity,
}

/// A recipe's new components.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RecipeComponentsInput")]
#[schema(as = RecipeBody)]
#[serde(rename_all = "camelCase")]
pub struct RecipeComponents {
    /// Replaces the recipe (quantities consumed per one sold); an empty list clears it.
    pub components: Vec<NewComponent>,
}

/// One sold line, as the stock consumer sees it.
#[derive(Debug, Clone)]
pub struct Sold {
    pub menu_item_id: MenuItemId,
    pub modifier_ids: Vec<ModifierId>,
    pub quantity: i64,
}
