use sea_orm::entity::prelude::*;

table! {
    "idempotency_keys",
    key { tenant_id: Uuid, operation: String, key: String },
    pub request_hash: String,
    pub response: Option<Json>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}
