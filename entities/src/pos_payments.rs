use sea_orm::entity::prelude::*;

table! {
    "pos_payments",
    key { tenant_id: Uuid, id: Uuid },
    pub ticket_id: Uuid,
    pub shift_id: Option<Uuid>,
    pub method: PaymentMethod,
    pub amount_minor: i64,
    pub tip_minor: i64,
    pub tendered_minor: Option<i64>,
    pub change_minor: i64,
    pub currency: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub provider_ref: Option<String>,
    pub refunded_minor: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

text_enum! {
    /// How a payment was made (`pos_payments.method`).
    PaymentMethod {
        Cash = "cash",
        Card = "card",
    }
}
