use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "pos_ticket_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A ticket line's state (`pos_ticket_lines.status`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    #[sea_orm(string_value = "active")]
    Active,
    #[sea_orm(string_value = "voided")]
    Voided,
}
