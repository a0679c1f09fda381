//! What the point of sale does to the kitchen: `sendTicket` sends its new
//! lines (routed now, the stations frozen on the items; fired, or held by
//! course and pacing), and a line or a ticket voided after sending is marked
//! voided on every station that had it.

use super::pacing::{self, CourseTiming, Sending};
use super::routing::{self, LineRoute, Rule, StationRoute};
use super::{KitchenItem, KitchenStatus, TicketHead, store};
use crate::pos::tickets::{Ticket, TicketLine};
use chrono::{DateTime, Utc};
use entities::menu_items;
use jobs::outbox::{self, NewEvent};
use kernel::{AppResult, KitchenItemId, TenantId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// How a send paces its courses.
pub(crate) struct Pacing<'a> {
    pub timings: &'a [CourseTiming],
    pub by_prep_time: bool,
}

/// Sends `lines` of `ticket` to the stations their rules name, fired or
/// held; returns the kitchen items made (none for lines nothing routes).
pub(crate) async fn fire(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: &Ticket,
    lines: &[TicketLine],
    pacing: Pacing<'_>,
    at: DateTime<Utc>,
) -> AppResult<Vec<KitchenItem>> {
    let stations = store::stations_of(conn, tenant, Some(ticket.location_id)).await?;
    if stations.is_empty() || lines.is_empty() {
        return Ok(Vec::new());
    }
    let rules: Vec<Rule> = store::routes_of(conn, tenant, Some(ticket.location_id))
        .await?
        .into_iter()
        .flat_map(|r| {
            r.station_ids.into_iter().map(move |station| Rule {
                target: r.target,
                target_id: r.target_id,
                dining_option: r.dining_option,
                station,
            })
        })
        .collect();
    let routes: Vec<StationRoute> = stations
        .iter()
        .map(|s| StationRoute {
            id: s.id,
            is_expo: s.is_expo,
            expo_mode: s.expo_mode,
            active: s.active,
        })
        .collect();
    let item_ids: Vec<Uuid> = lines.iter().map(|l| l.menu_item_id.as_uuid()).collect();
    let menu: HashMap<Uuid, (Uuid, Option<i32>)> = menu_items::Entity::find()
        .select_only()
        .column(menu_items::Column::Id)
        .column(menu_items::Column::CategoryId)
        .column(menu_items::Column::PrepSecs)
        .filter(menu_items::Column::TenantId.eq(tenant))
        .filter(menu_items::Column::Id.is_in(item_ids))
        .into_tuple::<(Uuid, Uuid, Option<i32>)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, category, prep)| (id, (category, prep)))
        .collect();
    let head = TicketHead {
        id: ticket.id,
        location_id: ticket.location_id,
        number: ticket.number,
        label: ticket.label.clone(),
        dining_option: ticket.dining_option,
    };
    let mut sent = Vec::new();
    for line in lines {
        let item = line.menu_item_id.as_uuid();
        let (category, prep) = menu.get(&item).copied().unzip();
        let route = LineRoute {
            item,
            category,
            modifiers: line
                .modifiers
                .iter()
                .map(|m| m.modifier_id.as_uuid())
                .collect(),
        };
        for routed in routing::resolve(&rules, &routes, &route, ticket.dining_option) {
            let target = stations
                .iter()
                .find(|s| s.id == routed.station)
                .map_or(600, |s| s.prep_target_secs);
            sent.push(store::Sent {
                id: KitchenItemId::new(),
                location: ticket.location_id,
                station: routed.station,
                head: &head,
                line,
                then_expo: routed.then_expo,
                prep_secs: prep.flatten().unwrap_or(target),
                paced: pacing.by_prep_time,
                placement: pacing::Placement::Fire,
                at,
            });
        }
    }
    if sent.is_empty() {
        return Ok(Vec::new());
    }
    let existing = store::ticket_items_locked(conn, tenant, ticket.id, None).await?;
    let courses = pacing::courses_of(&existing.iter().map(|(_, _, i)| i).collect::<Vec<_>>());
    let sending: Vec<Sending> = sent
        .iter()
        .map(|s| Sending {
            course: s.line.course,
            prep_secs: s.prep_secs,
        })
        .collect();
    let placed = pacing::place(&courses, &sending, pacing.timings, pacing.by_prep_time, at);
    for (s, placement) in sent.iter_mut().zip(placed) {
        s.placement = placement;
    }
    let items = store::insert_items(conn, tenant, &sent).await?;
    announce(conn, tenant, "kitchen.items.fired", &head, &items).await?;
    Ok(items)
}

/// Marks voided the live and held work of `lines` on every station that
/// has it; work voided while held never shows. The next course fires when
/// the void leaves nothing before it.
pub(crate) async fn void_lines(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    lines: &[Uuid],
    at: DateTime<Utc>,
) -> AppResult<()> {
    let live = store::live_items_of_lines(conn, tenant, lines).await?;
    let Some((head, _, _)) = live.first() else {
        return Ok(());
    };
    let head = head.clone();
    let ids: Vec<KitchenItemId> = live.iter().map(|(_, _, i)| i.id).collect();
    let held: Vec<KitchenItemId> = live
        .iter()
        .filter(|(_, _, i)| i.status == KitchenStatus::Held)
        .map(|(_, _, i)| i.id)
        .collect();
    let mut items = store::apply(
        conn,
        tenant,
        &ids,
        store::Move::To(KitchenStatus::Voided),
        at,
    )
    .await?;
    if !held.is_empty() {
        let seen = store::apply(conn, tenant, &held, store::Move::Acknowledged, at).await?;
        items.retain(|i| !held.contains(&i.id));
        items.extend(seen);
    }
    announce(conn, tenant, "kitchen.items.voided", &head, &items).await?;
    pacing::advance(conn, tenant, head.id, at).await?;
    Ok(())
}

/// The kitchen's side of a split, a merge or a move: the work of `lines`
/// (every line of a moved ticket) now belongs to `to`, under its number and
/// label, in whatever state it is; screens redraw.
pub(crate) async fn regroup(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    lines: &[Uuid],
    to: &Ticket,
) -> AppResult<()> {
    let head = TicketHead {
        id: to.id,
        location_id: to.location_id,
        number: to.number,
        label: to.label.clone(),
        dining_option: to.dining_option,
    };
    let items = store::retarget(conn, tenant, lines, &head).await?;
    if !items.is_empty() {
        announce(conn, tenant, "kitchen.ticket.regrouped", &head, &items).await?;
    }
    Ok(())
}

/// One event for a change of a ticket's kitchen items: screens refresh the
/// stations it names.
pub(super) async fn announce(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    event_type: &'static str,
    head: &TicketHead,
    items: &[KitchenItem],
) -> AppResult<()> {
    let mut stations: Vec<_> = items.iter().map(|i| i.station_id).collect();
    stations.sort();
    stations.dedup();
    outbox::record(
        conn,
        Some(tenant),
        NewEvent::new(
            event_type,
            head.id,
            json!({
                "ticketId": head.id, "number": head.number, "locationId": head.location_id,
                "stationIds": stations,
                "items": items.iter().map(|i| json!({
                    "id": i.id, "stationId": i.station_id, "lineId": i.line_id,
                    "name": i.name, "quantity": i.quantity, "status": i.status,
                })).collect::<Vec<_>>(),
            }),
        ),
    )
    .await?;
    Ok(())
}
