use sea_orm::entity::prelude::*;

table! {
    "stock_levels",
    key { tenant_id: Uuid, stock_item_id: Uuid, location_id: Uuid },
    pub on_hand_milli: i64,
    pub reorder_point_milli: Option<i64>,
    pub last_count_at: Option<DateTimeUtc>,
    pub last_count_id: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}
