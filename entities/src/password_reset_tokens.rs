use sea_orm::entity::prelude::*;

table! {
    "password_reset_tokens",
    key { id: Uuid },
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    pub token_hash: Vec<u8>,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}
