use sea_orm::entity::prelude::*;

table! {
    "locations",
    key { tenant_id: Uuid, id: Uuid },
    pub name: String,
    pub timezone: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
