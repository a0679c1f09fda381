use sea_orm::entity::prelude::*;

table! {
    "api_keys",
    key { tenant_id: Uuid, id: Uuid },
    pub name: String,
    pub prefix: String,
    pub secret_hash: Vec<u8>,
    pub permissions: Vec<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}
