use sea_orm::entity::prelude::*;

table! {
    "support_attachments",
    key { tenant_id: Uuid, id: Uuid },
    pub ticket_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by_user: Option<Uuid>,
    pub uploaded_by_operator: Option<Uuid>,
    pub created_at: DateTimeUtc,
}
