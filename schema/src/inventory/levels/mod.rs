//! How much of a stock item each location holds (`stock_levels`, a cache of
//! the ledger kept under a row lock), and the reorder point that makes a
//! level low.

pub(crate) mod commands;
pub(crate) mod store;

use super::StockUnit;
use crate::quantity::Quantity;
use chrono::{DateTime, Utc};
use kernel::{LocationId, StockItemId};
use serde::{Deserialize, Serialize};

/// How much of a stock item one location holds.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    pub stock_item_id: StockItemId,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    pub location_id: LocationId,
    /// The last count plus every movement after it.
    pub on_hand: Quantity,
    /// At or below this, the level is low and an alert goes out.
    pub reorder_point: Option<Quantity>,
    pub low: bool,
    pub last_counted_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The level below which an item is low at a location. Over REST the field
/// is required (send `null` to clear it); GraphQL reads a missing value as
/// `null`.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ReorderPointInput")]
#[schema(as = ReorderPointBody)]
#[serde(rename_all = "camelCase")]
pub struct ReorderPoint {
    /// At or below this the level is low; `null` clears it.
    #[serde(deserialize_with = "Option::deserialize")]
    #[schema(value_type = Option<crate::quantity::QuantityInput>, required = true, nullable)]
    pub reorder_point: Option<Quantity>,
}
