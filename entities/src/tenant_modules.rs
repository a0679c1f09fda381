use sea_orm::entity::prelude::*;

table! {
    "tenant_modules",
    key { tenant_id: Uuid, module_key: String },
    pub enabled: bool,
    pub overridden: bool,
    pub updated_at: DateTimeUtc,
}
