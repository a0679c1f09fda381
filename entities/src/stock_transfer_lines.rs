use sea_orm::entity::prelude::*;

table! {
    "stock_transfer_lines",
    key { tenant_id: Uuid, transfer_id: Uuid, stock_item_id: Uuid },
    pub quantity_milli: i64,
}
