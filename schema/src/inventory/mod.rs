//! Inventory: stock items, an append-only ledger of movements per item and
//! location, the levels it keeps, counts, transfers, reorder points and the
//! recipes that turn sales into consumption.
//!
//! On-hand is always the last count plus the movements after it, in the
//! order the terminals saw them (`occurred_at`), so a sale recorded late
//! still lands where it happened. `stock_levels` caches that figure and is
//! updated under a row lock in the transaction that appends the movement.
//!
//! One folder per aggregate: `mod.rs` holds its types (and the inputs both
//! transports take), `store.rs` every statement on its tables, and the
//! command files what clients ask of it.

pub mod consumer;
pub mod counts;
pub mod graphql;
pub mod items;
pub mod ledger;
pub mod levels;
pub mod recipes;
pub mod transfers;

use entities::stock_items::StockUnit as UnitColumn;
use entities::stock_movements::MovementKind as KindColumn;
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

impl From<UnitColumn> for StockUnit {
    fn from(unit: UnitColumn) -> Self {
        match unit {
            UnitColumn::Each => Self::Each,
            UnitColumn::G => Self::G,
            UnitColumn::Kg => Self::Kg,
            UnitColumn::Ml => Self::Ml,
            UnitColumn::L => Self::L,
        }
    }
}

impl From<StockUnit> for UnitColumn {
    fn from(unit: StockUnit) -> Self {
        match unit {
            StockUnit::Each => Self::Each,
            StockUnit::G => Self::G,
            StockUnit::Kg => Self::Kg,
            StockUnit::Ml => Self::Ml,
            StockUnit::L => Self::L,
        }
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
    /// Whether the movement takes stock away.
    pub fn decreases(self) -> bool {
        matches!(self, Self::Sale | Self::Waste | Self::TransferOut)
    }
}

impl From<KindColumn> for MovementKind {
    fn from(kind: KindColumn) -> Self {
        match kind {
            KindColumn::Received => Self::Received,
            KindColumn::Sale => Self::Sale,
            KindColumn::Waste => Self::Waste,
            KindColumn::CountCorrection => Self::CountCorrection,
            KindColumn::TransferOut => Self::TransferOut,
            KindColumn::TransferIn => Self::TransferIn,
            KindColumn::RefundReturn => Self::RefundReturn,
        }
    }
}

impl From<MovementKind> for KindColumn {
    fn from(kind: MovementKind) -> Self {
        match kind {
            MovementKind::Received => Self::Received,
            MovementKind::Sale => Self::Sale,
            MovementKind::Waste => Self::Waste,
            MovementKind::CountCorrection => Self::CountCorrection,
            MovementKind::TransferOut => Self::TransferOut,
            MovementKind::TransferIn => Self::TransferIn,
            MovementKind::RefundReturn => Self::RefundReturn,
        }
    }
}
