use sea_orm::entity::prelude::*;

table! {
    "sessions",
    key { id: Uuid },
    pub tenant_id: Option<Uuid>,
    pub subject_kind: SubjectKind,
    pub subject_id: Uuid,
    pub family_id: Uuid,
    pub token_hash: Vec<u8>,
    pub status: SessionStatus,
    pub expires_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

text_enum! {
    /// Whose session it is (`sessions.subject_kind`).
    SubjectKind {
        User = "user",
        Superadmin = "superadmin",
    }
}

text_enum! {
    /// A refresh token's state (`sessions.status`).
    SessionStatus {
        Active = "active",
        Rotated = "rotated",
        Revoked = "revoked",
    }
}
