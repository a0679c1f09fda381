use sea_orm::entity::prelude::*;

table! {
    "billing_invoice_lines",
    key { tenant_id: Uuid, id: Uuid },
    pub invoice_id: Uuid,
    pub position: i32,
    pub kind: InvoiceLineKind,
    pub description: String,
    pub amount_minor: i64,
    pub period_start: Option<DateTimeUtc>,
    pub period_end: Option<DateTimeUtc>,
}

text_enum! {
    /// What an invoice line bills.
    InvoiceLineKind {
        Plan = "plan",
        Proration = "proration",
        Credit = "credit",
    }
}
