use sea_orm::entity::prelude::*;

table! {
    "billing_invoices",
    key { tenant_id: Uuid, id: Uuid },
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub reason: InvoiceReason,
    pub currency: String,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_name: String,
    pub tax_rate_ppm: i32,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub amount_paid_minor: i64,
    pub credited_minor: i64,
    pub period_start: DateTimeUtc,
    pub period_end: DateTimeUtc,
    pub payment_intent_id: Option<String>,
    pub attempt_count: i32,
    pub created_at: DateTimeUtc,
    pub finalized_at: Option<DateTimeUtc>,
    pub paid_at: Option<DateTimeUtc>,
    pub voided_at: Option<DateTimeUtc>,
    pub uncollectible_at: Option<DateTimeUtc>,
    pub emailed_at: Option<DateTimeUtc>,
}

text_enum! {
    /// An invoice's state, with Stripe's names.
    InvoiceStatus {
        Draft = "draft",
        Open = "open",
        Paid = "paid",
        Void = "void",
        Uncollectible = "uncollectible",
    }
}

text_enum! {
    /// Why an invoice was made.
    InvoiceReason {
        SubscriptionCreate = "subscription_create",
        SubscriptionCycle = "subscription_cycle",
        SubscriptionUpdate = "subscription_update",
    }
}
