//! Adjusting stock outside the POS (received, wasted, sold, returned), the
//! checks the other movement-making commands share, and the ledger's history.

use super::{Adjustment, Movement, NewMovement, StockAdjustment, append, store};
use crate::audit::service::{AuditEntry, record};
use crate::command::Unit;
use crate::idempotency::{self, Key};
use crate::inventory::{ADJUST, MovementKind, READ, items};
use crate::pagination::{Page, PageRequest};
use chrono::{DateTime, Duration, Utc};
use kernel::{AppError, AppResult, Db, LocationId, RequestContext, StockItemId};

/// Terminals' clocks drift; a little future is tolerated, more is a mistake.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// When a movement happened: `at`, or `now` when left out; not in the future
/// beyond the clock skew, nor more than a year back.
pub(crate) fn check_occurred_at(
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<DateTime<Utc>> {
    let at = at.unwrap_or(now);
    if at > now + CLOCK_SKEW {
        return Err(AppError::invalid_field("occurredAt", "is in the future"));
    }
    if at < now - Duration::days(366) {
        return Err(AppError::invalid_field(
            "occurredAt",
            "is more than a year ago",
        ));
    }
    Ok(at)
}

pub(crate) fn check_reason(reason: Option<&str>) -> AppResult<Option<String>> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > 500 => Err(AppError::invalid_field(
            "reason",
            "must be at most 500 characters",
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

/// Stock received, wasted, sold or returned outside the POS. Counts and
/// transfers have their own operations.
pub async fn adjust(
    db: &Db,
    ctx: &RequestContext,
    input: Adjustment,
    idempotency_key: Option<&str>,
) -> AppResult<StockAdjustment> {
    let unit = Unit::begin(db, ctx, ADJUST).await?;
    if !matches!(
        input.kind,
        MovementKind::Received
            | MovementKind::Waste
            | MovementKind::Sale
            | MovementKind::RefundReturn
    ) {
        return Err(AppError::invalid_field(
            "kind",
            "adjust with RECEIVED, WASTE, SALE or REFUND_RETURN; counts and transfers have their own operations",
        ));
    }
    input.quantity.positive("quantity")?;
    let occurred_at = check_occurred_at(input.occurred_at, unit.now())?;
    let reason = check_reason(input.reason.as_deref())?;
    let key = Key::optional("inventory.adjust", idempotency_key, &input)?;
    let result = idempotency::once(&unit, unit.tenant, key.as_ref(), async || {
        items::find(&*unit, unit.tenant, input.stock_item_id).await?;
        crate::locations::service::referenced(&*unit, unit.tenant, "locationId", input.location_id)
            .await?;
        let applied = append(
            &unit,
            unit.tenant,
            ctx.user_id(),
            unit.now(),
            NewMovement {
                stock_item_id: input.stock_item_id,
                location_id: input.location_id,
                kind: input.kind,
                quantity: input.quantity,
                occurred_at,
                reason: reason.clone(),
                source: None,
            },
        )
        .await?;
        // Audited, not published: `append` already sent the stock events.
        record(
            &*unit,
            ctx,
            AuditEntry {
                tenant_id: Some(unit.tenant),
                action: "inventory.stock.adjusted",
                entity_type: "stock_item",
                entity_id: Some(input.stock_item_id.to_string()),
                before: None,
                after: Some(serde_json::to_value(&applied.movement)?),
            },
        )
        .await?;
        Ok(applied)
    })
    .await?;
    unit.commit(result).await
}

pub async fn movements(
    db: &Db,
    ctx: &RequestContext,
    item: Option<StockItemId>,
    location: Option<LocationId>,
    page: PageRequest,
) -> AppResult<Page<Movement>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::page(
        &*unit,
        unit.tenant,
        item,
        location,
        page.after,
        page.first + 1,
    )
    .await?;
    let rows = unit.commit(rows).await?;
    Ok(page.finish(rows, |m| m.id.as_uuid()))
}
