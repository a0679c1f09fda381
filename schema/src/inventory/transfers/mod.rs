//! Transfers between locations: a transfer, its lines, and the input that
//! sends one.

mod commands;
pub(crate) mod store;

pub use commands::{cancel, get, list, receive, send};

use crate::quantity::Quantity;
use crate::text::Note;
use chrono::{DateTime, Utc};
use entities::stock_transfers::TransferStatus as StatusColumn;
use kernel::{LocationId, StockItemId, TransferId, UserId};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransferStatus {
    InTransit,
    Received,
    Cancelled,
}

impl TransferStatus {
    /// As a sentence says it.
    fn describe(self) -> &'static str {
        match self {
            Self::InTransit => "in transit",
            Self::Received => "received",
            Self::Cancelled => "cancelled",
        }
    }
}

impl From<StatusColumn> for TransferStatus {
    fn from(status: StatusColumn) -> Self {
        match status {
            StatusColumn::InTransit => Self::InTransit,
            StatusColumn::Received => Self::Received,
            StatusColumn::Cancelled => Self::Cancelled,
        }
    }
}

impl From<TransferStatus> for StatusColumn {
    fn from(status: TransferStatus) -> Self {
        match status {
            TransferStatus::InTransit => Self::InTransit,
            TransferStatus::Received => Self::Received,
            TransferStatus::Cancelled => Self::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferLine {
    pub stock_item_id: StockItemId,
    pub sku: String,
    pub name: String,
    pub quantity: Quantity,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockTransfer {
    pub id: TransferId,
    pub from_location_id: LocationId,
    pub to_location_id: LocationId,
    pub status: TransferStatus,
    pub note: Option<String>,
    pub created_by: Option<UserId>,
    pub sent_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub lines: Vec<TransferLine>,
}

/// One line of a transfer: a stock item and how much of it to send.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "TransferLineInput")]
#[schema(as = QuantityLineBody)]
#[serde(rename_all = "camelCase")]
pub struct NewTransferLine {
    pub stock_item_id: StockItemId,
    /// More than zero.
    #[schema(value_type = crate::quantity::QuantityInput)]
    pub quantity: Quantity,
}

/// Stock to send from one location to another.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SendStockTransferInput")]
#[schema(as = TransferBody)]
#[serde(rename_all = "camelCase")]
pub struct NewTransfer {
    pub from_location_id: LocationId,
    pub to_location_id: LocationId,
    /// 1 to 500 lines, each stock item once.
    pub lines: Vec<NewTransferLine>,
    /// Up to 500 characters.
    pub note: Option<Note>,
}
