use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pos_tickets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A ticket's state (`pos_tickets.status`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    #[sea_orm(string_value = "open")]
    Open,
    #[sea_orm(string_value = "settled")]
    Settled,
    #[sea_orm(string_value = "voided")]
    Voided,
}

/// How a discount is expressed (`pos_tickets.discount_kind`, `pos_ticket_lines.discount_kind`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    #[sea_orm(string_value = "percent")]
    Percent,
    #[sea_orm(string_value = "amount")]
    Amount,
}
