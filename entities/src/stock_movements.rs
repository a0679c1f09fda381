use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_movements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    pub kind: MovementKind,
    pub quantity_milli: i64,
    pub counted_milli: Option<i64>,
    pub occurred_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    pub reason: Option<String>,
    pub source_type: Option<String>,
    pub source_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Why stock moved (`stock_movements.kind`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    #[sea_orm(string_value = "received")]
    Received,
    #[sea_orm(string_value = "sale")]
    Sale,
    #[sea_orm(string_value = "waste")]
    Waste,
    #[sea_orm(string_value = "count_correction")]
    CountCorrection,
    #[sea_orm(string_value = "transfer_out")]
    TransferOut,
    #[sea_orm(string_value = "transfer_in")]
    TransferIn,
    #[sea_orm(string_value = "refund_return")]
    RefundReturn,
}
