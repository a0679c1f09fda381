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
}

text_enum! {
    /// Whether a platform operator may sign in (`superadmins.status`).
    SuperadminStatus {
        Active = "active",
        Deactivated = "deactivated",
    }
}
