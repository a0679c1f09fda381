use sea_orm::entity::prelude::*;

table! {
    "modifier_groups",
    key { tenant_id: Uuid, id: Uuid },
    pub name: String,
    pub min_select: i32,
    pub max_select: i32,
    pub created_at: DateTimeUtc,
}
