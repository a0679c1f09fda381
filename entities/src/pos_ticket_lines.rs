use sea_orm::entity::prelude::*;

table! {
    "pos_ticket_lines",
    key { tenant_id: Uuid, id: Uuid },
    pub ticket_id: Uuid,
    pub position: i32,
    pub menu_item_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub sku: String,
    pub name: String,
    pub variant_name: Option<String>,
    pub quantity: i32,
    pub unit_price_minor: i64,
    pub modifiers: Json,
    pub tax_rate_bp: i32,
    pub note: Option<String>,
    pub discount_kind: Option<super::pos_tickets::DiscountKind>,
    pub discount_value: Option<i64>,
    pub discount_reason: Option<String>,
    pub status: LineStatus,
    pub void_reason: Option<String>,
    pub gross_minor: i64,
    pub discount_minor: i64,
    pub net_minor: i64,
    pub tax_minor: i64,
    pub returned: i32,
    pub sent_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub course: i32,
    pub seat: Option<i32>,
}

text_enum! {
    /// A ticket line's state (`pos_ticket_lines.status`).
    LineStatus {
        Active = "active",
        Voided = "voided",
    }
}
