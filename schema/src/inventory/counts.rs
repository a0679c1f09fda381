//! Stock counts: open a count at a location, record what is on the shelves,
//! post it. Posting appends a count movement per line at the moment it was
//! counted; on-hand restarts from there and the variance is kept.

use super::ledger::{self, NewMovement};
use super::{COUNT, MovementKind, READ};
use crate::audit::service::{Change, record_change};
use crate::quantity::Quantity;
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CountStatus {
    Open,
    Posted,
    Cancelled,
}

impl CountStatus {
    fn parse(raw: &str) -> AppResult<Self> {
        Ok(match raw {
            "open" => Self::Open,
            "posted" => Self::Posted,
            "cancelled" => Self::Cancelled,
            other => return Err(AppError::internal(format!("unknown count status {other}"))),
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountLine {
    pub stock_item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub counted: Quantity,
    pub counted_at: DateTime<Utc>,
    /// What the ledger said at `countedAt`: live while open, fixed when posted.
    pub expected: Quantity,
    /// `counted - expected`: positive means more was found than expected.
    pub variance: Quantity,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockCount {
    pub id: Uuid,
    pub location_id: Uuid,
    pub status: CountStatus,
    pub note: Option<String>,
    pub started_by: Option<Uuid>,
    pub started_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub lines: Vec<CountLine>,
}

#[derive(FromQueryResult)]
struct CountRow {
    id: Uuid,
    location_id: Uuid,
    status: String,
    note: Option<String>,
    started_by: Option<Uuid>,
    started_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct LineRow {
    count_id: Uuid,
    stock_item_id: Uuid,
    sku: String,
    name: String,
    counted_milli: i64,
    counted_at: DateTime<Utc>,
    expected_milli: Option<i64>,
}

async fn load(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> AppResult<StockCount> {
    if lock {
        tx.execute_raw(sql(
            "SELECT 1 FROM stock_counts WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
            [tenant.as_uuid().into(), id.into()],
        ))
        .await?;
    }
    load_many(tx, tenant, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("stock count"))
}

/// Counts by id with their lines, newest first, in two statements (plus the
/// ledger's figure for each line of a count still open).
async fn load_many(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    ids: &[Uuid],
) -> AppResult<Vec<StockCount>> {
    let rows = CountRow::find_by_statement(sql(
        "SELECT id, location_id, status, note, started_by, started_at, closed_at FROM stock_counts
         WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id DESC",
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(tx)
    .await?;
    let line_rows = LineRow::find_by_statement(sql(
        "SELECT l.count_id, l.stock_item_id, i.sku, i.name, l.counted_milli, l.counted_at, l.expected_milli
         FROM stock_count_lines l JOIN stock_items i ON i.tenant_id = l.tenant_id AND i.id = l.stock_item_id
         WHERE l.tenant_id = $1 AND l.count_id = ANY($2) ORDER BY i.name",
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(tx)
    .await?;
    let mut counts = Vec::with_capacity(rows.len());
    for row in rows {
        let mut lines = Vec::new();
        for l in line_rows.iter().filter(|l| l.count_id == row.id) {
            let expected = match l.expected_milli {
                Some(e) => Quantity::from_milli(e),
                None => {
                    ledger::on_hand_as_of(
                        tx,
                        tenant,
                        l.stock_item_id,
                        row.location_id,
                        Some(l.counted_at),
                    )
                    .await?
                }
            };
            lines.push(CountLine {
                variance: Quantity::from_milli(l.counted_milli - expected.milli()),
                stock_item_id: l.stock_item_id,
                sku: l.sku.clone(),
                name: l.name.clone(),
                counted: Quantity::from_milli(l.counted_milli),
                counted_at: l.counted_at,
                expected,
            });
        }
        counts.push(StockCount {
            status: CountStatus::parse(&row.status)?,
            id: row.id,
            location_id: row.location_id,
            note: row.note,
            started_by: row.started_by,
            started_at: row.started_at,
            closed_at: row.closed_at,
            lines,
        });
    }
    Ok(counts)
}

fn must_be_open(count: &StockCount) -> AppResult<()> {
    if count.status != CountStatus::Open {
        return Err(AppError::conflict(format!(
            "the count is {}",
            match count.status {
                CountStatus::Posted => "already posted",
                _ => "cancelled",
            }
        )));
    }
    Ok(())
}

async fn audit(
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    tenant: TenantId,
    action: &'static str,
    count: &StockCount,
) -> AppResult<()> {
    record_change(
        tx,
        ctx,
        tenant,
        Change {
            action,
            entity: "stock_count",
            id: count.id,
            before: None,
            after: Some(serde_json::to_value(count)?),
            event: Some(serde_json::json!({
                "countId": count.id,
                "locationId": count.location_id,
                "status": count.status,
                "lines": count.lines.len(),
            })),
            version: 1,
        },
    )
    .await
}

pub async fn start(
    db: &Db,
    ctx: &RequestContext,
    location: Uuid,
    note: Option<&str>,
) -> AppResult<StockCount> {
    let tenant = ctx.require(COUNT)?;
    let note = ledger::check_reason(note)
        .map_err(|_| AppError::invalid_field("note", "must be at most 500 characters"))?;
    let tx = db.tenant_tx(tenant).await?;
    crate::locations::service::referenced(&tx, tenant, "locationId", location.into()).await?;
    let id = Uuid::now_v7();
    tx.execute_raw(sql(
        "INSERT INTO stock_counts (tenant_id, id, location_id, note, started_by) VALUES ($1, $2, $3, $4, $5)",
        [
            tenant.as_uuid().into(),
            id.into(),
            location.into(),
            note.into(),
            ctx.user_id().map(|u| u.as_uuid()).into(),
        ],
    ))
    .await?;
    let count = load(&tx, tenant, id, false).await?;
    audit(&tx, ctx, tenant, "inventory.count.started", &count).await?;
    tx.commit().await?;
    Ok(count)
}

/// Records (or corrects) what was counted of one item.
pub async fn record_line(
    db: &Db,
    ctx: &RequestContext,
    count_id: Uuid,
    item: Uuid,
    counted: Quantity,
    counted_at: Option<DateTime<Utc>>,
) -> AppResult<StockCount> {
    let tenant = ctx.require(COUNT)?;
    if counted.milli() < 0 {
        return Err(AppError::invalid_field("counted", "must be 0 or more"));
    }
    let counted_at = ledger::check_occurred_at(counted_at)
        .map_err(|e| AppError::invalid_field("countedAt", e.message()))?;
    let tx = db.tenant_tx(tenant).await?;
    let count = load(&tx, tenant, count_id, true).await?;
    must_be_open(&count)?;
    // The line is addressed by count and stock item (a REST path), so an
    // unknown item is a missing line, not a bad field.
    super::items::find(&tx, tenant, item).await?;
    tx.execute_raw(sql(
        "INSERT INTO stock_count_lines (tenant_id, count_id, stock_item_id, counted_milli, counted_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, count_id, stock_item_id)
         DO UPDATE SET counted_milli = EXCLUDED.counted_milli, counted_at = EXCLUDED.counted_at",
        [
            tenant.as_uuid().into(),
            count_id.into(),
            item.into(),
            counted.milli().into(),
            counted_at.into(),
        ],
    ))
    .await?;
    let count = load(&tx, tenant, count_id, false).await?;
    tx.commit().await?;
    Ok(count)
}

/// Posts the count: each line becomes a count movement, on-hand restarts
/// from what was counted, and the expected figure and variance are frozen.
pub async fn post(db: &Db, ctx: &RequestContext, count_id: Uuid) -> AppResult<StockCount> {
    let tenant = ctx.require(COUNT)?;
    let tx = db.tenant_tx(tenant).await?;
    let count = load(&tx, tenant, count_id, true).await?;
    must_be_open(&count)?;
    if count.lines.is_empty() {
        return Err(AppError::validation(
            "record at least one counted item before posting",
        ));
    }
    let actor = ctx.user_id().map(|u| u.as_uuid());
    for line in &count.lines {
        let applied = ledger::append(
            &tx,
            tenant,
            actor,
            NewMovement {
                stock_item_id: line.stock_item_id,
                location_id: count.location_id,
                kind: MovementKind::CountCorrection,
                quantity: line.counted,
                occurred_at: line.counted_at,
                reason: count.note.clone(),
                source: Some(("stock_count", count.id)),
            },
        )
        .await?;
        let expected = line.counted.milli() - applied.movement.quantity.milli();
        tx.execute_raw(sql(
            "UPDATE stock_count_lines SET expected_milli = $4 WHERE tenant_id = $1 AND count_id = $2 AND stock_item_id = $3",
            [tenant.as_uuid().into(), count_id.into(), line.stock_item_id.into(), expected.into()],
        ))
        .await?;
    }
    tx.execute_raw(sql(
        "UPDATE stock_counts SET status = 'posted', closed_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), count_id.into()],
    ))
    .await?;
    let count = load(&tx, tenant, count_id, false).await?;
    audit(&tx, ctx, tenant, "inventory.count.posted", &count).await?;
    tx.commit().await?;
    Ok(count)
}

pub async fn cancel(db: &Db, ctx: &RequestContext, count_id: Uuid) -> AppResult<StockCount> {
    let tenant = ctx.require(COUNT)?;
    let tx = db.tenant_tx(tenant).await?;
    let count = load(&tx, tenant, count_id, true).await?;
    must_be_open(&count)?;
    tx.execute_raw(sql(
        "UPDATE stock_counts SET status = 'cancelled', closed_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), count_id.into()],
    ))
    .await?;
    let count = load(&tx, tenant, count_id, false).await?;
    audit(&tx, ctx, tenant, "inventory.count.cancelled", &count).await?;
    tx.commit().await?;
    Ok(count)
}

pub async fn get(db: &Db, ctx: &RequestContext, count_id: Uuid) -> AppResult<StockCount> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let count = load(&tx, tenant, count_id, false).await?;
    tx.commit().await?;
    Ok(count)
}

/// Counts, newest first, optionally of one location or status.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    location: Option<Uuid>,
    status: Option<CountStatus>,
) -> AppResult<Vec<StockCount>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let status = status.map(|s| match s {
        CountStatus::Open => "open",
        CountStatus::Posted => "posted",
        CountStatus::Cancelled => "cancelled",
    });
    let ids: Vec<Uuid> = tx
        .query_all_raw(sql(
            "SELECT id FROM stock_counts WHERE tenant_id = $1 AND ($2::uuid IS NULL OR location_id = $2)
               AND ($3::text IS NULL OR status = $3) ORDER BY id DESC LIMIT 100",
            [tenant.as_uuid().into(), location.into(), status.into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<Uuid>("", "id"))
        .collect::<Result<_, _>>()?;
    let counts = load_many(&tx, tenant, &ids).await?;
    tx.commit().await?;
    Ok(counts)
}
