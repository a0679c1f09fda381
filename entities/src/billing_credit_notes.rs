use sea_orm::entity::prelude::*;

table! {
    "billing_credit_notes",
    key { tenant_id: Uuid, id: Uuid },
    pub invoice_id: Uuid,
    pub number: String,
    pub amount_minor: i64,
    pub reason: String,
    pub created_at: DateTimeUtc,
}
