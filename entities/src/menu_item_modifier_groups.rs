use sea_orm::entity::prelude::*;

table! {
    "menu_item_modifier_groups",
    key { tenant_id: Uuid, item_id: Uuid, group_id: Uuid },
    pub sort_order: i32,
}
