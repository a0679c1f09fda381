//! What a screen shows: a station's live tickets, oldest first, with their
//! age and aging colour by the request's clock; expo's tickets with
//! whether everything it waits for is ready. One statement per screen.

use super::store::{self, Rows};
use super::{Aging, KitchenStatus, KitchenTicket, READ, Station, StationScreen, stations};
use crate::command::Unit;
use chrono::{DateTime, Utc};
use kernel::{AppResult, Db, RequestContext, StationId};

/// The screen of one station (expo's when it is the expo).
pub async fn screen(db: &Db, ctx: &RequestContext, id: StationId) -> AppResult<StationScreen> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let station = stations::find(&*unit, unit.tenant, id).await?;
    let expo_of = station.is_expo.then_some(station.location_id);
    let rows = store::screen_items(&*unit, unit.tenant, station.id, expo_of).await?;
    let tickets = group(&station, rows, unit.now());
    unit.commit(StationScreen { station, tickets }).await
}

fn aging(station: &Station, age: i64) -> Aging {
    if age >= i64::from(station.late_after_secs) {
        Aging::Late
    } else if age >= i64::from(station.warn_after_secs) {
        Aging::Warn
    } else {
        Aging::Ok
    }
}

/// Groups items by ticket, in the order their oldest item was fired; held
/// work shows under the ticket it belongs to, and a ticket with only held
/// work here is not on the screen yet.
fn group(station: &Station, rows: Rows, now: DateTime<Utc>) -> Vec<KitchenTicket> {
    let mut tickets: Vec<KitchenTicket> = Vec::new();
    for (head, _, item) in rows {
        let fired_at = item.fired_at.unwrap_or(item.sent_at);
        let at = tickets.iter().position(|t| t.ticket_id == head.id);
        let ticket = match at {
            Some(i) => &mut tickets[i],
            None => {
                tickets.push(KitchenTicket {
                    ticket_id: head.id,
                    number: head.number,
                    label: head.label.clone(),
                    dining_option: head.dining_option,
                    fired_at,
                    age_secs: 0,
                    aging: Aging::Ok,
                    ready: false,
                    items: Vec::new(),
                    held: Vec::new(),
                });
                let last = tickets.len() - 1;
                &mut tickets[last]
            }
        };
        if item.status == KitchenStatus::Held {
            ticket.held.push(item);
        } else {
            ticket.fired_at = ticket.fired_at.min(fired_at);
            ticket.items.push(item);
        }
    }
    tickets.retain(|t| !t.items.is_empty());
    for ticket in &mut tickets {
        if let Some(first) = ticket.items.iter().filter_map(|i| i.fired_at).min() {
            ticket.fired_at = first;
        }
        ticket.age_secs = (now - ticket.fired_at).num_seconds().max(0);
        ticket.aging = aging(station, ticket.age_secs);
        ticket.ready = ticket
            .items
            .iter()
            .filter(|i| i.status != KitchenStatus::Voided)
            .all(|i| matches!(i.status, KitchenStatus::Ready | KitchenStatus::Bumped));
    }
    tickets
}
