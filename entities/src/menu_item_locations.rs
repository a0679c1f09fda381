use sea_orm::entity::prelude::*;

table! {
    "menu_item_locations",
    key { tenant_id: Uuid, item_id: Uuid, location_id: Uuid },
    pub sold_out: bool,
    pub updated_at: DateTimeUtc,
}
