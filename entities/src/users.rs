use sea_orm::entity::prelude::*;

table! {
    "users",
    key { tenant_id: Uuid, id: Uuid },
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub status: UserStatus,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub mfa_enabled: bool,
    pub mfa_secret_enc: Option<Vec<u8>>,
    pub mfa_pending_secret_enc: Option<Vec<u8>>,
    pub mfa_recovery_hashes: Vec<String>,
    pub mfa_last_step: Option<i64>,
    pub password_changed_at: Option<DateTimeUtc>,
}

text_enum! {
    /// A tenant user's account state (`users.status`).
    UserStatus {
        Invited = "invited",
        Active = "active",
        Deactivated = "deactivated",
    }
}
