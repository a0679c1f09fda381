use sea_orm::entity::prelude::*;

table! {
    "superadmins",
    key { id: Uuid },
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub status: SuperadminStatus,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub mfa_enabled: bool,
    pub mfa_secret_enc: Option<Vec<u8>>,
    pub mfa_pending_secret_enc: Option<Vec<u8>>,
    pub mfa_recovery_hashes: Vec<String>,
    pub mfa_last_step: Option<i64>,
}

text_enum! {
    /// Whether a platform operator may sign in (`superadmins.status`).
    SuperadminStatus {
        Active = "active",
        Deactivated = "deactivated",
    }
}
