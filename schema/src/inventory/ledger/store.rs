//! Every statement on `stock_movements`: the insert (the ledger is
//! append-only: nothing here updates or deletes), the history, and on-hand
//! recomputed from the ledger alone.

use super::Movement;
use crate::quantity::Quantity;
use crate::store_support;
use chrono::{DateTime, Utc};
use entities::stock_movements::{ActiveModel, Column, Entity};
use kernel::db::sql;
use kernel::{AppError, AppResult, LocationId, StockItemId, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryTrait,
};
use uuid::Uuid;

pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    m: &Movement,
) -> AppResult<Movement> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(m.id.as_uuid()),
        stock_item_id: Set(m.stock_item_id.as_uuid()),
        location_id: Set(m.location_id.as_uuid()),
        kind: Set(m.kind.into()),
        quantity_milli: Set(m.quantity.milli()),
        counted_milli: Set(m.counted.map(Quantity::milli)),
        occurred_at: Set(m.occurred_at),
        recorded_at: Set(m.recorded_at),
        reason: Set(m.reason.clone()),
        source_type: Set(m.source_type.clone()),
        source_id: Set(m.source_id),
        actor_id: Set(m.actor_id.map(|a| a.as_uuid())),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// One keyset page of the ledger by id, optionally of one item or location.
pub(crate) async fn page(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: Option<StockItemId>,
    location: Option<LocationId>,
    after: Option<Uuid>,
    limit: u64,
) -> AppResult<Vec<Movement>> {
    let query = Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .apply_if(item, |q, item| q.filter(Column::StockItemId.eq(item)))
        .apply_if(location, |q, loc| q.filter(Column::LocationId.eq(loc)));
    store_support::page(conn, query, Column::Id, after, limit).await
}

/// On-hand from the ledger alone: the last count up to `as_of` (all time
/// when `None`) plus the other movements after it.
pub(crate) async fn on_hand_as_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: StockItemId,
    location: LocationId,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<Quantity> {
    #[derive(FromQueryResult)]
    struct OnHand {
        on_hand: i64,
    }
    let row = OnHand::find_by_statement(sql(
        "WITH scope AS (
           SELECT id, kind, quantity_milli, counted_milli, occurred_at FROM stock_movements
           WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3
             AND ($4::timestamptz IS NULL OR occurred_at <= $4)
         ), last_count AS (
           SELECT id, occurred_at, counted_milli FROM scope WHERE kind = 'count_correction'
           ORDER BY occurred_at DESC, id DESC LIMIT 1
         )
         SELECT (COALESCE((SELECT counted_milli FROM last_count), 0)
               + COALESCE((SELECT sum(s.quantity_milli) FROM scope s
                           WHERE s.kind <> 'count_correction'
                             AND (NOT EXISTS (SELECT 1 FROM last_count)
                                  OR (s.occurred_at, s.id) > (SELECT occurred_at, id FROM last_count))), 0)
               )::bigint AS on_hand",
        [
            tenant.as_uuid().into(),
            item.as_uuid().into(),
            location.as_uuid().into(),
            as_of.into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::internal("on-hand query returned nothing"))?;
    Ok(Quantity::from_milli(row.on_hand))
}
