use sea_orm::entity::prelude::*;

table! {
    "recipe_components",
    key { tenant_id: Uuid, id: Uuid },
    pub menu_item_id: Option<Uuid>,
    pub modifier_id: Option<Uuid>,
    pub stock_item_id: Uuid,
    pub quantity_milli: i64,
}
