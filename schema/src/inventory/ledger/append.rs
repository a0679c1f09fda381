//! The one function that appends to the ledger and keeps `stock_levels` in
//! step with it, under the level's row lock.

use super::{Movement, NewMovement, StockAdjustment, store};
use crate::inventory::MovementKind;
use crate::inventory::levels::{commands::level_in, store as levels};
use crate::quantity::Quantity;
use chrono::{DateTime, Utc};
use jobs::outbox::{self, NewEvent};
use kernel::{AppError, AppResult, MovementId, TenantId, UserId};
use sea_orm::DatabaseTransaction;
use serde_json::json;

/// Appends `m` and moves the level under a row lock, then tells subscribers
/// (`inventory.stock.adjusted`) and, when the level falls to its reorder
/// point, raises `inventory.stock.low`.
pub(crate) async fn append(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    actor: Option<UserId>,
    now: DateTime<Utc>,
    m: NewMovement,
) -> AppResult<StockAdjustment> {
    let (item, location) = (m.stock_item_id, m.location_id);
    let level = levels::lock(tx, tenant, item, location, now).await?;

    let id = MovementId::new();
    let is_count = m.kind == MovementKind::CountCorrection;
    let delta = if is_count {
        m.quantity.milli()
            - store::on_hand_as_of(tx, tenant, item, location, Some(m.occurred_at))
                .await?
                .milli()
    } else if m.kind.decreases() {
        -m.quantity.milli()
    } else {
        m.quantity.milli()
    };
    let after_last_count = match (level.last_count_at, level.last_count_id) {
        (Some(at), Some(count_id)) => (m.occurred_at, id.as_uuid()) > (at, count_id),
        _ => true,
    };
    if !is_count && delta == 0 {
        return Err(AppError::invalid_field("quantity", "must not be zero"));
    }
    let movement = store::insert(
        tx,
        tenant,
        &Movement {
            id,
            stock_item_id: item,
            location_id: location,
            kind: m.kind,
            quantity: Quantity::from_milli(delta),
            counted: is_count.then_some(m.quantity),
            occurred_at: m.occurred_at,
            recorded_at: now,
            reason: m.reason,
            source_type: m.source.map(|s| s.0.to_owned()),
            source_id: m.source.map(|s| s.1),
            actor_id: actor,
        },
    )
    .await?;

    let before = level.on_hand_milli;
    if after_last_count {
        if is_count {
            // Movements the terminals saw after the count still apply.
            let restart = levels::Restart {
                item,
                location,
                counted: m.quantity,
                counted_at: m.occurred_at,
                count_movement: id,
                at: now,
            };
            levels::restart_from_count(tx, tenant, restart).await?;
        } else {
            levels::add(tx, tenant, item, location, delta, now).await?;
        }
    }
    let level = level_in(tx, tenant, item, location).await?;
    let data = json!({
        "movementId": id,
        "stockItemId": item,
        "sku": level.sku,
        "name": level.name,
        "unit": level.unit,
        "locationId": location,
        "kind": movement.kind,
        "quantity": movement.quantity,
        "previousOnHand": Quantity::from_milli(before),
        "onHand": level.on_hand,
        "reorderPoint": level.reorder_point,
        "low": level.low,
        "occurredAt": m.occurred_at,
        "sourceType": movement.source_type,
        "sourceId": movement.source_id,
    });
    outbox::record(
        tx,
        Some(tenant),
        NewEvent::new("inventory.stock.adjusted", item.as_uuid(), data.clone()),
    )
    .await?;
    if let Some(point) = level.reorder_point
        && before > point.milli()
        && level.on_hand <= point
    {
        outbox::record(
            tx,
            Some(tenant),
            NewEvent::new("inventory.stock.low", item.as_uuid(), data),
        )
        .await?;
    }
    Ok(StockAdjustment { movement, level })
}
