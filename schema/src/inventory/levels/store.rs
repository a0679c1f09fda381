//! Every statement on `stock_levels`. The writes are the ledger's: they run
//! under the row lock [`lock`] takes, in the transaction that appends the
//! movement, so the cached figure never drifts from the ledger.

use super::StockLevel;
use crate::quantity::Quantity;
use crate::store_support::upsert;
use chrono::{DateTime, Utc};
use entities::stock_items::StockUnit;
use entities::stock_levels::{ActiveModel, Column};
use kernel::db::sql;
use kernel::{AppError, AppResult, LocationId, MovementId, StockItemId, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

#[derive(FromQueryResult)]
struct LevelRow {
    stock_item_id: Uuid,
    sku: String,
    name: String,
    unit: StockUnit,
    location_id: Uuid,
    on_hand_milli: i64,
    reorder_point_milli: Option<i64>,
    last_count_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

impl From<LevelRow> for StockLevel {
    fn from(r: LevelRow) -> Self {
        let on_hand = Quantity::from_milli(r.on_hand_milli);
        let reorder_point = r.reorder_point_milli.map(Quantity::from_milli);
        Self {
            stock_item_id: r.stock_item_id.into(),
            sku: r.sku,
            name: r.name,
            unit: r.unit.into(),
            location_id: r.location_id.into(),
            on_hand,
            reorder_point,
            low: reorder_point.is_some_and(|p| on_hand <= p),
            last_counted_at: r.last_count_at,
            updated_at: r.updated_at,
        }
    }
}

/// Which levels to read. An item given by id is read even when inactive.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LevelFilter {
    pub location: Option<LocationId>,
    pub item: Option<StockItemId>,
    pub low_only: bool,
}

/// Every (item, location) pair the filter keeps, with no row yet read as
/// zero, by item name then location name.
pub(crate) async fn levels(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    filter: LevelFilter,
) -> AppResult<Vec<StockLevel>> {
    Ok(LevelRow::find_by_statement(sql(
        "SELECT i.id AS stock_item_id, i.sku, i.name, i.unit, loc.id AS location_id,
           COALESCE(l.on_hand_milli, 0) AS on_hand_milli, l.reorder_point_milli, l.last_count_at, l.updated_at
         FROM stock_items i
         JOIN locations loc ON loc.tenant_id = i.tenant_id
         LEFT JOIN stock_levels l
           ON l.tenant_id = i.tenant_id AND l.stock_item_id = i.id AND l.location_id = loc.id
         WHERE i.tenant_id = $1 AND ($2::uuid IS NULL OR loc.id = $2)
           AND ($3::uuid IS NULL OR i.id = $3) AND (i.active OR $3 IS NOT NULL)
           AND (NOT $4 OR l.on_hand_milli <= l.reorder_point_milli)
         ORDER BY i.name, i.id, loc.name",
        [
            tenant.as_uuid().into(),
            filter.location.map(|l| l.as_uuid()).into(),
            filter.item.map(|i| i.as_uuid()).into(),
            filter.low_only.into(),
        ],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(StockLevel::from)
    .collect())
}

/// The level of `item` at `location` (zero when nothing moved yet); `None`
/// when either does not exist.
pub(crate) async fn level(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: StockItemId,
    location: LocationId,
) -> AppResult<Option<StockLevel>> {
    let filter = LevelFilter {
        location: Some(location),
        item: Some(item),
        low_only: false,
    };
    Ok(levels(conn, tenant, filter).await?.into_iter().next())
}

/// Sets (or with `None` clears) the reorder point, making the row if needed.
pub(crate) async fn upsert_reorder_point(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: StockItemId,
    location: LocationId,
    point: Option<Quantity>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let level = ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        stock_item_id: Set(item.as_uuid()),
        location_id: Set(location.as_uuid()),
        reorder_point_milli: Set(point.map(Quantity::milli)),
        updated_at: Set(at),
        ..Default::default()
    };
    upsert(conn, level, [Column::ReorderPointMilli, Column::UpdatedAt]).await
}

/// The cached figure and the count it restarted from, as [`lock`] reads it.
#[derive(FromQueryResult)]
pub(crate) struct Locked {
    pub on_hand_milli: i64,
    pub last_count_at: Option<DateTime<Utc>>,
    pub last_count_id: Option<Uuid>,
}

/// Makes the level row if it is missing, then locks it (`FOR UPDATE`) until
/// the transaction ends: movements of one item at one location queue here.
pub(crate) async fn lock(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: StockItemId,
    location: LocationId,
    at: DateTime<Utc>,
) -> AppResult<Locked> {
    let key: [sea_orm::Value; 3] = [
        tenant.as_uuid().into(),
        item.as_uuid().into(),
        location.as_uuid().into(),
    ];
    conn.execute_raw(sql(
        "INSERT INTO stock_levels (tenant_id, stock_item_id, location_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        [key[0].clone(), key[1].clone(), key[2].clone(), at.into()],
    ))
    .await?;
    Locked::find_by_statement(sql(
        "SELECT on_hand_milli, last_count_at, last_count_id FROM stock_levels
         WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3 FOR UPDATE",
        key,
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::internal("stock level vanished"))
}

/// Moves the locked level by `delta`.
pub(crate) async fn add(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: StockItemId,
    location: LocationId,
    delta: i64,
    at: DateTime<Utc>,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE stock_levels SET on_hand_milli = on_hand_milli + $4, updated_at = $5
         WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3",
        [
            tenant.as_uuid().into(),
            item.as_uuid().into(),
            location.as_uuid().into(),
            delta.into(),
            at.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// A count that is now the latest: the locked level restarts from what was
/// counted plus the movements the terminals saw after it.
pub(crate) struct Restart {
    pub item: StockItemId,
    pub location: LocationId,
    pub counted: Quantity,
    pub counted_at: DateTime<Utc>,
    pub count_movement: MovementId,
    pub at: DateTime<Utc>,
}

pub(crate) async fn restart_from_count(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    r: Restart,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE stock_levels SET on_hand_milli = $4 + COALESCE((
             SELECT sum(quantity_milli) FROM stock_movements
             WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3
               AND kind <> 'count_correction' AND (occurred_at, id) > ($5, $6)), 0),
           last_count_at = $5, last_count_id = $6, updated_at = $7
         WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3",
        [
            tenant.as_uuid().into(),
            r.item.as_uuid().into(),
            r.location.as_uuid().into(),
            r.counted.milli().into(),
            r.counted_at.into(),
            r.count_movement.as_uuid().into(),
            r.at.into(),
        ],
    ))
    .await?;
    Ok(())
}
