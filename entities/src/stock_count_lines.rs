use sea_orm::entity::prelude::*;

table! {
    "stock_count_lines",
    key { tenant_id: Uuid, count_id: Uuid, stock_item_id: Uuid },
    pub counted_milli: i64,
    pub counted_at: DateTimeUtc,
    pub expected_milli: Option<i64>,
}
