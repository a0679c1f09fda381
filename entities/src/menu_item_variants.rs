use sea_orm::entity::prelude::*;

table! {
    "menu_item_variants",
    key { tenant_id: Uuid, id: Uuid },
    pub item_id: Uuid,
    pub name: String,
    pub price_delta_minor: i64,
    pub sort_order: i32,
}
