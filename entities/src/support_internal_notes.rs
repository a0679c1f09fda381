use sea_orm::entity::prelude::*;

table! {
    "support_internal_notes",
    key { id: Uuid },
    pub tenant_id: Uuid,
    pub ticket_id: Uuid,
    pub author_operator_id: Uuid,
    pub body: String,
    pub created_at: DateTimeUtc,
}
