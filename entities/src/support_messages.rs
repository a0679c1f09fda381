use sea_orm::entity::prelude::*;

table! {
    "support_messages",
    key { tenant_id: Uuid, id: Uuid },
    pub ticket_id: Uuid,
    pub author_user_id: Option<Uuid>,
    pub author_operator_id: Option<Uuid>,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTimeUtc,
}
