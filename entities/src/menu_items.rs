use sea_orm::entity::prelude::*;

table! {
    "menu_items",
    key { tenant_id: Uuid, id: Uuid },
    pub category_id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub tax_rate_bp: i32,
    pub active: bool,
    pub sold_out: bool,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub prep_secs: Option<i32>,
}
