//! Every statement on `stock_transfers` and `stock_transfer_lines`.

use super::NewTransferLine;
use crate::inventory::items::store::item_of;
use chrono::{DateTime, Utc};
use entities::stock_items as items;
use entities::stock_transfer_lines as lines;
use entities::stock_transfers::{ActiveModel, Column, Entity, Model, TransferStatus};
use kernel::{AppResult, LocationId, TenantId, TransferId, UserId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;

/// The 100 newest transfers, optionally by status, or from or to a location.
pub(crate) async fn newest(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    status: Option<TransferStatus>,
    location: Option<LocationId>,
) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .apply_if(status, |q, s| q.filter(Column::Status.eq(s)))
        .apply_if(location, |q, l| {
            q.filter(
                Condition::any()
                    .add(Column::FromLocationId.eq(l))
                    .add(Column::ToLocationId.eq(l)),
            )
        })
        .order_by_desc(Column::Id)
        .limit(100)
        .all(conn)
        .await?)
}

pub(crate) struct Insert<'a> {
    pub id: TransferId,
    pub from: LocationId,
    pub to: LocationId,
    pub note: Option<&'a str>,
    pub created_by: Option<UserId>,
    pub at: DateTime<Utc>,
}

/// The transfer and its lines, in transit.
pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    row: Insert<'_>,
    new_lines: &[NewTransferLine],
) -> AppResult<Model> {
    let transfer = Entity::insert(ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        from_location_id: Set(row.from.as_uuid()),
        to_location_id: Set(row.to.as_uuid()),
        status: Set(TransferStatus::InTransit),
        note: Set(row.note.map(str::to_owned)),
        created_by: Set(row.created_by.map(|u| u.as_uuid())),
        sent_at: Set(row.at),
        closed_at: Set(None),
    })
    .exec_with_returning(conn)
    .await?;
    lines::Entity::insert_many(new_lines.iter().map(|l| lines::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        transfer_id: Set(row.id.as_uuid()),
        stock_item_id: Set(l.stock_item_id.as_uuid()),
        quantity_milli: Set(l.quantity.milli()),
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(transfer)
}

/// Receives or cancels the transfer at `at`.
pub(crate) async fn close(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: TransferId,
    status: TransferStatus,
    at: DateTime<Utc>,
) -> AppResult<Model> {
    Ok(ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        from_location_id: NotSet,
        to_location_id: NotSet,
        status: Set(status),
        note: NotSet,
        created_by: NotSet,
        sent_at: NotSet,
        closed_at: Set(Some(at)),
    }
    .update(conn)
    .await?)
}

/// A line with its item's SKU and name.
#[derive(FromQueryResult)]
pub(crate) struct LineRow {
    pub transfer_id: Uuid,
    pub stock_item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub quantity_milli: i64,
}

/// The lines of these transfers, by item name.
pub(crate) async fn lines_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    transfers: &[Uuid],
) -> AppResult<Vec<LineRow>> {
    Ok(lines::Entity::find()
        .select_only()
        .columns([
            lines::Column::TransferId,
            lines::Column::StockItemId,
            lines::Column::QuantityMilli,
        ])
        .columns([items::Column::Sku, items::Column::Name])
        .join(
            JoinType::InnerJoin,
            item_of::<lines::Entity>(lines::Column::TenantId, lines::Column::StockItemId),
        )
        .filter(lines::Column::TenantId.eq(tenant))
        .filter(lines::Column::TransferId.is_in(transfers.iter().copied()))
        .order_by_asc(items::Column::Name)
        .into_model::<LineRow>()
        .all(conn)
        .await?)
}
