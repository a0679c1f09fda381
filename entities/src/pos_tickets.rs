use sea_orm::entity::prelude::*;

table! {
    "pos_tickets",
    key { tenant_id: Uuid, id: Uuid },
    pub location_id: Uuid,
    pub business_day: Date,
    pub number: i32,
    pub label: Option<String>,
    pub status: TicketStatus,
    pub currency: Option<String>,
    pub discount_kind: Option<DiscountKind>,
    pub discount_value: Option<i64>,
    pub discount_reason: Option<String>,
    pub service_charge_bp: i32,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub tax_minor: i64,
    pub service_charge_minor: i64,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub tip_minor: i64,
    pub refunded_minor: i64,
    pub opened_by: Option<Uuid>,
    pub opened_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub settled_at: Option<DateTimeUtc>,
    pub voided_at: Option<DateTimeUtc>,
    pub void_reason: Option<String>,
    pub version: i64,
    pub updated_at: DateTimeUtc,
    pub dining_option: DiningOption,
    pub merged_into: Option<Uuid>,
}

text_enum! {
    /// Eaten here, taken away or delivered (`pos_tickets.dining_option`);
    /// kitchen routing may depend on it.
    DiningOption {
        DineIn = "dine_in",
        Takeout = "takeout",
        Delivery = "delivery",
    }
}

text_enum! {
    /// A ticket's state (`pos_tickets.status`).
    TicketStatus {
        Open = "open",
        Settled = "settled",
        Voided = "voided",
        Merged = "merged",
    }
}

text_enum! {
    /// How a discount is expressed (`pos_tickets.discount_kind`, `pos_ticket_lines.discount_kind`).
    DiscountKind {
        Percent = "percent",
        Amount = "amount",
    }
}
