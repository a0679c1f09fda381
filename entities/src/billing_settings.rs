use sea_orm::entity::prelude::*;

table! {
    "billing_settings",
    key { id: bool },
    pub tax_rate_ppm: i32,
    pub tax_name: String,
    pub invoice_prefix: String,
    pub retry_days: Vec<i32>,
    pub updated_at: DateTimeUtc,
}
