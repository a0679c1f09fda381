use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_transfers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub from_location_id: Uuid,
    pub to_location_id: Uuid,
    pub status: TransferStatus,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
    pub sent_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A stock transfer's state (`stock_transfers.status`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    #[sea_orm(string_value = "in_transit")]
    InTransit,
    #[sea_orm(string_value = "received")]
    Received,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}
