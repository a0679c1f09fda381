use sea_orm::entity::prelude::*;

table! {
    "impersonations",
    key { tenant_id: Uuid, id: Uuid },
    pub operator_id: Uuid,
    pub user_id: Uuid,
    pub reason: String,
    pub started_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
}
