//! What the point of sale does to the kitchen: `sendTicket` fires its new
//! lines (routed now, the stations frozen on the items), and a line or a
//! ticket voided after firing is marked voided on every station that had it.

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

/// Fires `lines` of `ticket` to the stations their rules name; returns the
/// kitchen items made (none for lines nothing routes).
pub(crate) async fn fire(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: &Ticket,
    lines: &[TicketLine],
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
    let categories: HashMap<Uuid, Uuid> = menu_items::Entity::find()
        .select_only()
        .column(menu_items::Column::Id)
        .column(menu_items::Column::CategoryId)
        .filter(menu_items::Column::TenantId.eq(tenant))
        .filter(menu_items::Column::Id.is_in(item_ids))
        .into_tuple::<(Uuid, Uuid)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let head = TicketHead {
        id: ticket.id,
        location_id: ticket.location_id,
        number: ticket.number,
        label: ticket.label.clone(),
        dining_option: ticket.dining_option,
    };
    let mut fired = Vec::new();
    for line in lines {
        let item = line.menu_item_id.as_uuid();
        let route = LineRoute {
            item,
            category: categories.get(&item).copied(),
            modifiers: line
                .modifiers
                .iter()
                .map(|m| m.modifier_id.as_uuid())
                .collect(),
        };
        for routed in routing::resolve(&rules, &routes, &route, ticket.dining_option) {
            fired.push(store::Fired {
                id: KitchenItemId::new(),
                location: ticket.location_id,
                station: routed.station,
                head: &head,
                line,
                then_expo: routed.then_expo,
                at,
            });
        }
    }
    let items = store::insert_items(conn, tenant, &fired).await?;
    if !items.is_empty() {
        announce(conn, tenant, "kitchen.items.fired", &head, &items).await?;
    }
    Ok(items)
}

/// Marks voided the live work of `lines` on every station that has it.
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
    let items = store::apply(
        conn,
        tenant,
        &ids,
        store::Move::To(KitchenStatus::Voided),
        at,
    )
    .await?;
    announce(conn, tenant, "kitchen.items.voided", &head, &items).await
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
