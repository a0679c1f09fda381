//! Open a count at a location, record what is on the shelves, post it (or
//! cancel it). Posting appends a count movement per line at the moment it
//! was counted; on-hand restarts from there and the variance is kept.

use super::store::{self, LineRow};
use super::{CountLine, CountStatus, CountedLine, NewCount, StockCount};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::inventory::ledger::{self, NewMovement};
use crate::inventory::{COUNT, MovementKind, READ, items};
use crate::quantity::Quantity;
use crate::store_support::{find, find_locked};
use entities::stock_counts::{Entity, Model};
use kernel::{AppError, AppResult, CountId, Db, LocationId, RequestContext, StockItemId, TenantId};
use sea_orm::ConnectionTrait;

/// Counts with their lines, in the order given (plus the ledger's figure
/// for each line of a count still open).
async fn hydrate(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<Model>,
) -> AppResult<Vec<StockCount>> {
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let line_rows = store::lines_of(conn, tenant, &ids).await?;
    let mut counts = Vec::with_capacity(rows.len());
    for row in rows {
        let location = LocationId::from(row.location_id);
        let mut lines = Vec::new();
        for l in line_rows.iter().filter(|l| l.count_id == row.id) {
            lines.push(line(conn, tenant, location, l).await?);
        }
        counts.push(StockCount {
            id: row.id.into(),
            location_id: location,
            status: row.status.into(),
            note: row.note,
            started_by: row.started_by.map(Into::into),
            started_at: row.started_at,
            closed_at: row.closed_at,
            lines,
        });
    }
    Ok(counts)
}

async fn line(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    location: LocationId,
    l: &LineRow,
) -> AppResult<CountLine> {
    let item = StockItemId::from(l.stock_item_id);
    let expected = match l.expected_milli {
        Some(e) => Quantity::from_milli(e),
        None => ledger::on_hand_as_of(conn, tenant, item, location, Some(l.counted_at)).await?,
    };
    Ok(CountLine {
        variance: Quantity::from_milli(l.counted_milli - expected.milli()),
        stock_item_id: item,
        sku: l.sku.clone(),
        name: l.name.clone(),
        counted: Quantity::from_milli(l.counted_milli),
        counted_at: l.counted_at,
        expected,
    })
}

async fn one(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    row: Option<Model>,
) -> AppResult<StockCount> {
    let row = row.ok_or_else(|| AppError::not_found("stock count"))?;
    hydrate(conn, tenant, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("stock count"))
}

async fn load(conn: &impl ConnectionTrait, tenant: TenantId, id: CountId) -> AppResult<StockCount> {
    one(conn, tenant, find::<Entity, _>(conn, tenant, id).await?).await
}

/// The count, locked until the transaction ends, and still open.
async fn open_locked(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: CountId,
) -> AppResult<StockCount> {
    let count = one(
        conn,
        tenant,
        find_locked::<Entity, _>(conn, tenant, id).await?,
    )
    .await?;
    if count.status != CountStatus::Open {
        return Err(AppError::conflict(format!(
            "the count is {}",
            match count.status {
                CountStatus::Posted => "already posted",
                _ => "cancelled",
            }
        )));
    }
    Ok(count)
}

fn change(action: &'static str, count: &StockCount) -> AppResult<Change> {
    Ok(
        Change::created(action, "stock_count", count.id, count)?.with_event(serde_json::json!({
            "countId": count.id,
            "locationId": count.location_id,
            "status": count.status,
            "lines": count.lines.len(),
        })),
    )
}

pub async fn start(db: &Db, ctx: &RequestContext, input: NewCount) -> AppResult<StockCount> {
    let unit = Unit::begin(db, ctx, COUNT).await?;
    let note = ledger::check_reason(input.note.as_deref())
        .map_err(|_| AppError::invalid_field("note", "must be at most 500 characters"))?;
    crate::locations::service::referenced(&*unit, unit.tenant, "locationId", input.location_id)
        .await?;
    let row = store::insert(
        &*unit,
        unit.tenant,
        store::Insert {
            id: CountId::new(),
            location: input.location_id,
            note: note.as_deref(),
            started_by: ctx.user_id(),
            at: unit.now(),
        },
    )
    .await?;
    let count = one(&*unit, unit.tenant, Some(row)).await?;
    unit.commit_with(change("inventory.count.started", &count)?, count)
        .await
}

/// Records (or corrects) what was counted of one item.
pub async fn record_line(
    db: &Db,
    ctx: &RequestContext,
    count_id: CountId,
    item: StockItemId,
    input: CountedLine,
) -> AppResult<StockCount> {
    let unit = Unit::begin(db, ctx, COUNT).await?;
    if input.counted.milli() < 0 {
        return Err(AppError::invalid_field("counted", "must be 0 or more"));
    }
    let counted_at = ledger::check_occurred_at(input.counted_at, unit.now())
        .map_err(|e| AppError::invalid_field("countedAt", e.message()))?;
    open_locked(&*unit, unit.tenant, count_id).await?;
    // The line is addressed by count and stock item (a REST path), so an
    // unknown item is a missing line, not a bad field.
    items::find(&*unit, unit.tenant, item).await?;
    store::upsert_line(
        &*unit,
        unit.tenant,
        count_id,
        item,
        input.counted,
        counted_at,
    )
    .await?;
    let count = load(&*unit, unit.tenant, count_id).await?;
    unit.commit(count).await
}

/// Posts the count: each line becomes a count movement, on-hand restarts
/// from what was counted, and the expected figure and variance are frozen.
pub async fn post(db: &Db, ctx: &RequestContext, count_id: CountId) -> AppResult<StockCount> {
    let unit = Unit::begin(db, ctx, COUNT).await?;
    let count = open_locked(&*unit, unit.tenant, count_id).await?;
    if count.lines.is_empty() {
        return Err(AppError::validation(
            "record at least one counted item before posting",
        ));
    }
    for line in &count.lines {
        let applied = ledger::append(
            &unit,
            unit.tenant,
            ctx.user_id(),
            unit.now(),
            NewMovement {
                stock_item_id: line.stock_item_id,
                location_id: count.location_id,
                kind: MovementKind::CountCorrection,
                quantity: line.counted,
                occurred_at: line.counted_at,
                reason: count.note.clone(),
                source: Some(("stock_count", count.id.as_uuid())),
            },
        )
        .await?;
        let expected =
            Quantity::from_milli(line.counted.milli() - applied.movement.quantity.milli());
        store::set_expected(&*unit, unit.tenant, count_id, line.stock_item_id, expected).await?;
    }
    let row = store::close(
        &*unit,
        unit.tenant,
        count_id,
        CountStatus::Posted.into(),
        unit.now(),
    )
    .await?;
    let count = one(&*unit, unit.tenant, Some(row)).await?;
    unit.commit_with(change("inventory.count.posted", &count)?, count)
        .await
}

pub async fn cancel(db: &Db, ctx: &RequestContext, count_id: CountId) -> AppResult<StockCount> {
    let unit = Unit::begin(db, ctx, COUNT).await?;
    open_locked(&*unit, unit.tenant, count_id).await?;
    let row = store::close(
        &*unit,
        unit.tenant,
        count_id,
        CountStatus::Cancelled.into(),
        unit.now(),
    )
    .await?;
    let count = one(&*unit, unit.tenant, Some(row)).await?;
    unit.commit_with(change("inventory.count.cancelled", &count)?, count)
        .await
}

pub async fn get(db: &Db, ctx: &RequestContext, count_id: CountId) -> AppResult<StockCount> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let count = load(&*unit, unit.tenant, count_id).await?;
    unit.commit(count).await
}

/// The 100 newest counts, optionally of one location or status.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    location: Option<LocationId>,
    status: Option<CountStatus>,
) -> AppResult<Vec<StockCount>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::newest(&*unit, unit.tenant, location, status.map(Into::into)).await?;
    let counts = hydrate(&*unit, unit.tenant, rows).await?;
    unit.commit(counts).await
}
