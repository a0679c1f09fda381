use sea_orm::entity::prelude::*;

table! {
    "modifiers",
    key { tenant_id: Uuid, id: Uuid },
    pub group_id: Uuid,
    pub name: String,
    pub price_delta_minor: i64,
    pub sort_order: i32,
}
