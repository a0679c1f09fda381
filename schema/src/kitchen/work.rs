//! A screen's moves: start or ready one item, bump or recall a ticket.
//! Illegal moves are `CONFLICT`; a bump or recall sent twice with the same
//! idempotency key acts once. Bumping at expo hands a ticket out once every
//! item it waits for is ready; recalling there brings it back on every
//! station that had it. A bump that finishes a course fires the next one.

use super::fire::announce;
use super::store::{self, Move};
use super::{BUMP, ItemMove, KitchenItem, KitchenStatus, TicketMove, stations};
use crate::command::Unit;
use crate::idempotency::{self, Key};
use chrono::Duration;
use kernel::{AppError, AppResult, Db, KitchenItemId, RequestContext};
use serde_json::json;

/// How long after a bump a ticket can be recalled.
pub const RECALL_MINUTES: i64 = 30;

fn illegal(item: &KitchenItem, to: &str) -> AppError {
    AppError::conflict(format!("a {:?} item cannot be {to}", item.status).to_lowercase())
        .with_details(json!({ "itemId": item.id, "status": item.status }))
}

async fn move_item(
    db: &Db,
    ctx: &RequestContext,
    input: ItemMove,
    to: KitchenStatus,
) -> AppResult<KitchenItem> {
    let unit = Unit::begin(db, ctx, BUMP).await?;
    let tenant = unit.tenant;
    let (head, _, item) = store::item_locked(&*unit, tenant, input.item_id)
        .await?
        .ok_or_else(|| AppError::not_found("kitchen item"))?;
    if input.expected_version.is_some_and(|v| v != item.version) {
        return Err(AppError::conflict("the item changed since you read it")
            .with_details(json!({ "version": item.version })));
    }
    let allowed = match to {
        KitchenStatus::Started => {
            matches!(item.status, KitchenStatus::Fired | KitchenStatus::Recalled)
        }
        KitchenStatus::Ready => matches!(
            item.status,
            KitchenStatus::Fired | KitchenStatus::Started | KitchenStatus::Recalled
        ),
        _ => false,
    };
    if !allowed {
        let verb = if to == KitchenStatus::Started {
            "started"
        } else {
            "made ready"
        };
        return Err(illegal(&item, verb));
    }
    let changed = store::apply(&*unit, tenant, &[item.id], Move::To(to), unit.now()).await?;
    let event = if to == KitchenStatus::Started {
        "kitchen.item.started"
    } else {
        "kitchen.item.ready"
    };
    announce(&*unit, tenant, event, &head, &changed).await?;
    let after = changed
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("kitchen item vanished"))?;
    unit.commit(after).await
}

/// Someone started cooking it.
pub async fn start(db: &Db, ctx: &RequestContext, input: ItemMove) -> AppResult<KitchenItem> {
    move_item(db, ctx, input, KitchenStatus::Started).await
}

/// It is done at its station.
pub async fn ready(db: &Db, ctx: &RequestContext, input: ItemMove) -> AppResult<KitchenItem> {
    move_item(db, ctx, input, KitchenStatus::Ready).await
}

/// A ticket move's idempotency key: the same key on the same station and
/// ticket acts once.
fn key(operation: &'static str, input: &TicketMove) -> AppResult<Option<Key>> {
    Key::optional(
        operation,
        input.idempotency_key.as_deref(),
        &json!({ "stationId": input.station_id, "ticketId": input.ticket_id }),
    )
}

/// The station, the ticket's kitchen items (locked) and its head.
async fn scene(
    unit: &Unit<'_>,
    input: &TicketMove,
) -> AppResult<(super::Station, store::Rows, super::TicketHead)> {
    let station = stations::find(&**unit, unit.tenant, input.station_id).await?;
    let all = store::ticket_items_locked(&**unit, unit.tenant, input.ticket_id, None).await?;
    let head = all
        .first()
        .map(|(head, _, _)| head.clone())
        .ok_or_else(|| AppError::not_found("kitchen ticket"))?;
    Ok((station, all, head))
}

/// Bumps a ticket off a station: its live items there are done. At expo,
/// the ticket is handed out, which needs every item expo waits for ready.
pub async fn bump(db: &Db, ctx: &RequestContext, input: TicketMove) -> AppResult<Vec<KitchenItem>> {
    let unit = Unit::begin(db, ctx, BUMP).await?;
    let tenant = unit.tenant;
    let key = key("kitchen.bump", &input)?;
    let result = idempotency::once(&unit, tenant, key.as_ref(), async || {
        let (station, all, head) = scene(&unit, &input).await?;
        let now = unit.now();
        let own: Vec<KitchenItemId> = all
            .iter()
            .filter(|(_, _, i)| i.station_id == station.id && i.status.live())
            .map(|(_, _, i)| i.id)
            .collect();
        // Voids on this screen nobody has acknowledged yet go with the bump.
        let voids: Vec<KitchenItemId> = all
            .iter()
            .filter(|(_, _, i)| i.station_id == station.id)
            .filter(|(_, _, i)| i.status == KitchenStatus::Voided && i.bumped_at.is_none())
            .map(|(_, _, i)| i.id)
            .collect();
        let mut changed = Vec::new();
        if station.is_expo {
            let waiting: Vec<&KitchenItem> = all
                .iter()
                .map(|(_, _, i)| i)
                // Held work (a later course) is not expected yet.
                .filter(|i| i.then_expo && i.expo_bumped_at.is_none())
                .filter(|i| i.status != KitchenStatus::Held)
                .collect();
            let not_ready: Vec<_> = waiting
                .iter()
                .filter(|i| {
                    !matches!(
                        i.status,
                        KitchenStatus::Ready | KitchenStatus::Bumped | KitchenStatus::Voided
                    )
                })
                .map(|i| json!({ "itemId": i.id, "stationId": i.station_id, "status": i.status }))
                .collect();
            if !not_ready.is_empty() {
                return Err(
                    AppError::conflict("expo waits for items that are not ready")
                        .with_details(json!({ "waiting": not_ready })),
                );
            }
            if waiting.is_empty() && own.is_empty() {
                return Err(AppError::conflict("nothing of this ticket is on expo"));
            }
            let handed: Vec<KitchenItemId> = waiting.iter().map(|i| i.id).collect();
            changed.extend(store::apply(&*unit, tenant, &handed, Move::ExpoBumped, now).await?);
        } else if own.is_empty() && voids.is_empty() {
            return Err(AppError::conflict(
                "nothing of this ticket is live on the station",
            ));
        }
        changed.extend(
            store::apply(&*unit, tenant, &own, Move::To(KitchenStatus::Bumped), now).await?,
        );
        changed.extend(store::apply(&*unit, tenant, &voids, Move::Acknowledged, now).await?);
        announce(&*unit, tenant, "kitchen.ticket.bumped", &head, &changed).await?;
        // The course done, the next one fires.
        super::pacing::advance(&*unit, tenant, head.id, now).await?;
        Ok(changed)
    })
    .await?;
    unit.commit(result).await
}

/// Brings a bumped ticket back on a station, within [`RECALL_MINUTES`] of
/// its bump; at expo, on every station that had it.
pub async fn recall(
    db: &Db,
    ctx: &RequestContext,
    input: TicketMove,
) -> AppResult<Vec<KitchenItem>> {
    let unit = Unit::begin(db, ctx, BUMP).await?;
    let tenant = unit.tenant;
    let key = key("kitchen.recall", &input)?;
    let result = idempotency::once(&unit, tenant, key.as_ref(), async || {
        let (station, all, head) = scene(&unit, &input).await?;
        let now = unit.now();
        let since = now - Duration::minutes(RECALL_MINUTES);
        let recent = |i: &&&KitchenItem| {
            i.status == KitchenStatus::Bumped && i.bumped_at.is_some_and(|b| b >= since)
        };
        let items: Vec<&KitchenItem> = all.iter().map(|(_, _, i)| i).collect();
        let bumped: Vec<KitchenItemId> = items
            .iter()
            .filter(|i| station.is_expo || i.station_id == station.id)
            .filter(|i| !station.is_expo || i.station_id == station.id || i.then_expo)
            .filter(recent)
            .map(|i| i.id)
            .collect();
        let handed: Vec<KitchenItemId> = if station.is_expo {
            items
                .iter()
                .filter(|i| i.expo_bumped_at.is_some_and(|b| b >= since))
                .map(|i| i.id)
                .collect()
        } else {
            Vec::new()
        };
        if bumped.is_empty() && handed.is_empty() {
            return Err(AppError::conflict(format!(
                "nothing of this ticket was bumped here in the last {RECALL_MINUTES} minutes"
            )));
        }
        let mut changed = store::apply(
            &*unit,
            tenant,
            &bumped,
            Move::To(KitchenStatus::Recalled),
            now,
        )
        .await?;
        changed.extend(store::apply(&*unit, tenant, &handed, Move::ExpoRecalled, now).await?);
        announce(&*unit, tenant, "kitchen.ticket.recalled", &head, &changed).await?;
        Ok(changed)
    })
    .await?;
    unit.commit(result).await
}
