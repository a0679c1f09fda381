//! The append-only ledger of stock movements: a movement, what [`append`]
//! takes, and the adjustment clients ask for.

mod adjust;
mod append;
pub(crate) mod store;

pub use adjust::{adjust, movements};
pub(crate) use adjust::{check_occurred_at, check_reason};
pub(crate) use append::append;
pub(crate) use store::on_hand_as_of;

use super::MovementKind;
use super::levels::StockLevel;
use crate::quantity::Quantity;
use crate::text::Reason;
use chrono::{DateTime, Utc};
use kernel::{LocationId, MovementId, StockItemId, UserId};
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

/// One line of the ledger.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Movement {
    pub id: MovementId,
    pub stock_item_id: StockItemId,
    pub location_id: LocationId,
    pub kind: MovementKind,
    /// The signed change; for a count, the variance it revealed.
    pub quantity: Quantity,
    /// For a count: what was counted. On-hand restarts from it.
    pub counted: Option<Quantity>,
    /// When it happened, as the terminal saw it.
    pub occurred_at: DateTime<Utc>,
    /// When the server recorded it.
    pub recorded_at: DateTime<Utc>,
    pub reason: Option<String>,
    /// What caused it: `pos_ticket`, `stock_count`, `stock_transfer`, `refund`.
    pub source_type: Option<String>,
    pub source_id: Option<Uuid>,
    pub actor_id: Option<UserId>,
}

impl From<entities::stock_movements::Model> for Movement {
    fn from(m: entities::stock_movements::Model) -> Self {
        Self {
            id: m.id.into(),
            stock_item_id: m.stock_item_id.into(),
            location_id: m.location_id.into(),
            kind: m.kind.into(),
            quantity: Quantity::from_milli(m.quantity_milli),
            counted: m.counted_milli.map(Quantity::from_milli),
            occurred_at: m.occurred_at,
            recorded_at: m.recorded_at,
            reason: m.reason,
            source_type: m.source_type,
            source_id: m.source_id,
            actor_id: m.actor_id.map(Into::into),
        }
    }
}

/// A movement to append. `quantity` is a magnitude (the kind gives the
/// sign); for a count it is the counted quantity.
#[derive(Debug, Clone)]
pub(crate) struct NewMovement {
    pub stock_item_id: StockItemId,
    pub location_id: LocationId,
    pub kind: MovementKind,
    pub quantity: Quantity,
    pub occurred_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub source: Option<(&'static str, Uuid)>,
}

/// A movement with the level it left.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockAdjustment {
    pub movement: Movement,
    pub level: StockLevel,
}

/// What an adjustment records; counts and transfers have their own routes.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AdjustmentKind {
    Received,
    Waste,
    Sale,
    RefundReturn,
}

impl From<AdjustmentKind> for MovementKind {
    fn from(k: AdjustmentKind) -> Self {
        match k {
            AdjustmentKind::Received => Self::Received,
            AdjustmentKind::Waste => Self::Waste,
            AdjustmentKind::Sale => Self::Sale,
            AdjustmentKind::RefundReturn => Self::RefundReturn,
        }
    }
}

/// REST takes only the kinds an adjustment may record; GraphQL takes any
/// [`MovementKind`] and [`adjust`] refuses the others.
fn adjustment_kind<'de, D: Deserializer<'de>>(d: D) -> Result<MovementKind, D::Error> {
    AdjustmentKind::deserialize(d).map(Into::into)
}

/// Stock received, wasted, sold or returned outside the POS. Its JSON is the
/// idempotency fingerprint.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "AdjustmentInput")]
#[schema(as = AdjustmentBody)]
#[serde(rename_all = "camelCase")]
pub struct Adjustment {
    pub stock_item_id: StockItemId,
    pub location_id: LocationId,
    /// RECEIVED, WASTE, SALE or REFUND_RETURN.
    #[serde(deserialize_with = "adjustment_kind")]
    #[schema(value_type = AdjustmentKind)]
    pub kind: MovementKind,
    /// How much, more than zero; the kind gives the direction.
    #[schema(value_type = crate::quantity::QuantityInput)]
    pub quantity: Quantity,
    /// When it happened on the terminal (at most 5 minutes ahead, at most a
    /// year ago); now when left out.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Up to 500 characters.
    pub reason: Option<Reason>,
}
