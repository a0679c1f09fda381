//! Stock counts: a count at a location, its lines, and the inputs that start
//! one and record what is on the shelves.

mod commands;
pub(crate) mod store;

pub use commands::{cancel, get, list, post, record_line, start};

use crate::quantity::Quantity;
use crate::text::Note;
use chrono::{DateTime, Utc};
use entities::stock_counts::CountStatus as StatusColumn;
use kernel::{CountId, LocationId, StockItemId, UserId};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CountStatus {
    Open,
    Posted,
    Cancelled,
}

impl From<StatusColumn> for CountStatus {
    fn from(status: StatusColumn) -> Self {
        match status {
            StatusColumn::Open => Self::Open,
            StatusColumn::Posted => Self::Posted,
            StatusColumn::Cancelled => Self::Cancelled,
        }
    }
}

impl From<CountStatus> for StatusColumn {
    fn from(status: CountStatus) -> Self {
        match status {
            CountStatus::Open => Self::Open,
            CountStatus::Posted => Self::Posted,
            CountStatus::Cancelled => Self::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountLine {
    pub stock_item_id: StockItemId,
    pub sku: String,
    pub name: String,
    pub counted: Quantity,
    pub counted_at: DateTime<Utc>,
    /// What the ledger said at `countedAt`: live while open, fixed when posted.
    pub expected: Quantity,
    /// `counted - expected`: positive means more was found than expected.
    pub variance: Quantity,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockCount {
    pub id: CountId,
    pub location_id: LocationId,
    pub status: CountStatus,
    pub note: Option<String>,
    pub started_by: Option<UserId>,
    pub started_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub lines: Vec<CountLine>,
}

/// A count to open at a location.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "StartStockCountInput")]
#[schema(as = CountBody)]
#[serde(rename_all = "camelCase")]
pub struct NewCount {
    pub location_id: LocationId,
    /// Up to 500 characters.
    pub note: Option<Note>,
}

/// What was counted of one item.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CountedLineInput")]
#[schema(as = CountLineBody)]
#[serde(rename_all = "camelCase")]
pub struct CountedLine {
    /// What is on the shelf, 0 or more.
    #[schema(value_type = crate::quantity::QuantityInput)]
    pub counted: Quantity,
    /// When it was counted; now when left out.
    pub counted_at: Option<DateTime<Utc>>,
}
