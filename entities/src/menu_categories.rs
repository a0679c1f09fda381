use sea_orm::entity::prelude::*;

table! {
    "menu_categories",
    key { tenant_id: Uuid, id: Uuid },
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
