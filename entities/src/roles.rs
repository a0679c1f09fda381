use sea_orm::entity::prelude::*;

table! {
    "roles",
    key { tenant_id: Uuid, id: Uuid },
    pub key: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub built_in: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
