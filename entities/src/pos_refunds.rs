use sea_orm::entity::prelude::*;

table! {
    "pos_refunds",
    key { tenant_id: Uuid, id: Uuid },
    pub ticket_id: Uuid,
    pub payment_id: Uuid,
    pub shift_id: Option<Uuid>,
    pub amount_minor: i64,
    pub reason: String,
    pub restock: bool,
    pub lines: Json,
    pub provider_ref: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}
