use sea_orm::entity::prelude::*;

table! {
    "billing_plans",
    key { id: Uuid },
    pub code: String,
    pub name: String,
    pub description: String,
    pub current_version: i32,
    pub archived_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
