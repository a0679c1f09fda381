//! Inventory: stock items, an append-only ledger of movements per item and
//! location, the levels it keeps, counts, transfers, reorder points and the
//! recipes that turn sales into consumption.
//!
//! On-hand is always the last count plus the movements after it, in the
//! order the terminals saw them (`occurred_at`), so a sale recorded late
//! still lands where it happened. `stock_levels` caches that figure and is
//! updated under a row lock in the transaction that appends the movement.

pub mod consumer;
pub mod counts;
pub mod graphql;
pub mod items;
pub mod ledger;
pub mod recipes;
pub mod transfers;

use serde::{Deserialize, Serialize};

pub(crate) const READ: &str = "inventory.stock.read";
pub(crate) const ITEM_WRITE: &str = "inventory.item.write";
pub(crate) const ADJUST: &str = "inventory.stock.adjust";
pub(crate) const COUNT: &str = "inventory.count.manage";
pub(crate) const TRANSFER: &str = "inventory.transfer.manage";
pub(crate) const RECIPE: &str = "inventory.recipe.write";

/// The unit a stock item is counted in. Quantities are decimals of it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum StockUnit {
    Each,
    G,
    Kg,
    Ml,
    L,
}

impl StockUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Each => "each",
            Self::G => "g",
            Self::Kg => "kg",
            Self::Ml => "ml",
            Self::L => "l",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "each" => Self::Each,
            "g" => Self::G,
            "kg" => Self::Kg,
            "ml" => Self::Ml,
            "l" => Self::L,
            _ => return None,
        })
    }
}

/// Why stock moved. The sign of a movement follows from its kind.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MovementKind {
    Received,
    Sale,
    Waste,
    CountCorrection,
    TransferOut,
    TransferIn,
    RefundReturn,
}

impl MovementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Sale => "sale",
            Self::Waste => "waste",
            Self::CountCorrection => "count_correction",
            Self::TransferOut => "transfer_out",
            Self::TransferIn => "transfer_in",
            Self::RefundReturn => "refund_return",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "received" => Self::Received,
            "sale" => Self::Sale,
            "waste" => Self::Waste,
            "count_correction" => Self::CountCorrection,
            "transfer_out" => Self::TransferOut,
            "transfer_in" => Self::TransferIn,
            "refund_return" => Self::RefundReturn,
            _ => return None,
        })
    }

    /// Whether the movement takes stock away.
    pub fn decreases(self) -> bool {
        matches!(self, Self::Sale | Self::Waste | Self::TransferOut)
    }
}
