//! A ticket's life: opened (numbered for its business day), relabelled or
//! given a service charge, sent to the kitchen, voided. Settling is a
//! payment matter (`payments/settle.rs`).

use super::change::{begin_change, reprice, ticket_event};
use super::store::{self, Opening, TicketUpdate};
use super::{
    FireCourse, LineStatus, NewTicket, SendTicket, Ticket, TicketLine, TicketPatch, TicketVoid,
};
use crate::command::Unit;
use crate::pos::{VOID, WRITE, check_text};
use async_graphql::MaybeUndefined;
use kernel::{AppError, AppResult, Currency, Db, LineId, LocationId, RequestContext, TicketId};
use serde_json::{Value, json};

pub(super) fn check_label(label: Option<&str>) -> AppResult<Option<String>> {
    let value = label.map(str::trim).filter(|s| !s.is_empty());
    if value.is_some_and(|v| v.chars().count() > 100) {
        return Err(AppError::invalid_field(
            "label",
            "must be at most 100 characters",
        ));
    }
    Ok(value.map(str::to_owned))
}

fn check_service(bp: i32) -> AppResult<i32> {
    if !(0..=10_000).contains(&bp) {
        return Err(AppError::invalid_field(
            "serviceChargeBp",
            "must be between 0 and 10000 basis points",
        ));
    }
    Ok(bp)
}

/// What a new ticket starts with.
pub(super) struct Header {
    pub location: LocationId,
    pub label: Option<String>,
    pub currency: Option<String>,
    pub service_charge_bp: i32,
    pub dining_option: super::DiningOption,
}

/// Numbers and inserts a new ticket at an open location, within the plan's
/// tickets a month (an opening or a split).
pub(super) async fn open_row(unit: &Unit<'_>, header: Header) -> AppResult<Ticket> {
    let location =
        crate::locations::service::referenced(&**unit, unit.tenant, "locationId", header.location)
            .await?;
    if !location.active {
        return Err(AppError::invalid_field(
            "locationId",
            "the location is closed",
        ));
    }
    crate::billing::entitlements::check(
        &**unit,
        unit.tenant,
        crate::billing::entitlements::Limit::MonthlyTickets,
        unit.now(),
    )
    .await?;
    store::open(
        &**unit,
        Opening {
            tenant: unit.tenant,
            id: TicketId::new(),
            location: header.location,
            timezone: &location.timezone,
            label: header.label,
            currency: header.currency,
            service_charge_bp: header.service_charge_bp,
            dining_option: header.dining_option,
            opened_by: unit.ctx.user_id(),
            at: unit.now(),
        },
    )
    .await
}

pub async fn open(db: &Db, ctx: &RequestContext, input: NewTicket) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let label = check_label(input.label.as_deref())?;
    let service = check_service(input.service_charge_bp)?;
    let currency = input
        .currency
        .as_deref()
        .map(|c| Currency::parse("currency", c))
        .transpose()?;
    let ticket = open_row(
        &unit,
        Header {
            location: input.location_id,
            label,
            currency: currency.map(|c| c.as_str().to_owned()),
            service_charge_bp: service,
            dining_option: input.dining_option.unwrap_or(super::DiningOption::DineIn),
        },
    )
    .await?;
    unit.commit_with(
        ticket_event("pos.ticket.opened", &ticket, json!({})),
        ticket,
    )
    .await
}

/// Relabels the ticket or changes its service charge.
pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: TicketId,
    patch: TicketPatch,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let label = match &patch.label {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(l) => Some(check_label(Some(l))?),
    };
    let service = patch.service_charge_bp.map(check_service).transpose()?;
    let mut ticket = begin_change(&*unit, unit.tenant, id, patch.expected_version).await?;
    let relabelled = label.as_ref().is_some_and(|l| *l != ticket.label);
    if let Some(label) = label {
        ticket.label = label;
    }
    if let Some(s) = service {
        ticket.service_charge_bp = s;
    }
    if let Some(d) = patch.dining_option {
        ticket.dining_option = d;
    }
    let after = reprice(&*unit, unit.tenant, &ticket, unit.now()).await?;
    if relabelled {
        // The kitchen's screens show the new table.
        super::regroup::kitchen_follows(&*unit, unit.tenant, &after).await?;
    }
    unit.commit_with(
        ticket_event("pos.ticket.updated", &after, json!({ "change": "details" })),
        after,
    )
    .await
}

/// Sends the lines the kitchen has not seen yet (`pos.ticket.sent`), their
/// courses held or fired as `input` says.
pub async fn send(
    db: &Db,
    ctx: &RequestContext,
    id: TicketId,
    input: SendTicket,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    crate::kitchen::pacing::check_timings(&input.courses, unit.now())?;
    begin_change(&*unit, unit.tenant, id, input.expected_version).await?;
    let fresh: Vec<TicketLine> = store::lines_of(&*unit, unit.tenant, &[id])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active && l.sent_at.is_none())
        .collect();
    if fresh.is_empty() {
        return Err(AppError::conflict("nothing new to send to the kitchen"));
    }
    let ids: Vec<LineId> = fresh.iter().map(|l| l.id).collect();
    store::mark_sent(&*unit, unit.tenant, &ids, unit.now()).await?;
    let after = store::update(&*unit, unit.tenant, id, TicketUpdate::Sent, unit.now()).await?;
    // Routed now, frozen on the kitchen items.
    let pacing = crate::kitchen::fire::Pacing {
        timings: &input.courses,
        by_prep_time: input.fire_by_prep_time,
    };
    crate::kitchen::fire::fire(&*unit, unit.tenant, &after, &fresh, pacing, unit.now()).await?;
    let kitchen: Vec<Value> = fresh
        .iter()
        .map(|l| {
            json!({
                "lineId": l.id, "menuItemId": l.menu_item_id, "name": l.name, "variant": l.variant_name,
                "quantity": l.quantity, "modifiers": l.modifiers.iter().map(|m| &m.name).collect::<Vec<_>>(),
                "note": l.note, "course": l.course,
            })
        })
        .collect();
    unit.commit_with(
        ticket_event("pos.ticket.sent", &after, json!({ "lines": kitchen })),
        after,
    )
    .await
}

/// Fires what the kitchen holds of one course of the ticket, whatever it
/// waits for (the server calls the mains).
pub async fn fire_course(
    db: &Db,
    ctx: &RequestContext,
    id: TicketId,
    input: FireCourse,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let course = super::check_course(input.course)?;
    let ticket = super::lock(&*unit, unit.tenant, id).await?;
    let fired =
        crate::kitchen::pacing::fire_course(&*unit, unit.tenant, id, course, unit.now()).await?;
    let event = ticket_event(
        "pos.ticket.course_fired",
        &ticket,
        json!({ "course": course, "items": fired.len() }),
    );
    unit.commit_with(event, ticket).await
}

/// Voids an unpaid ticket. Needs `pos.ticket.void` and a reason.
pub async fn void(
    db: &Db,
    ctx: &RequestContext,
    id: TicketId,
    input: TicketVoid,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, VOID).await?;
    let reason = check_text("reason", Some(input.reason.as_str()), true)?;
    let ticket = begin_change(&*unit, unit.tenant, id, input.expected_version).await?;
    if ticket.paid_minor > 0 {
        return Err(AppError::conflict(
            "the ticket has payments; settle and refund it instead",
        ));
    }
    let update = TicketUpdate::Voided {
        reason: reason.clone(),
    };
    let after = store::update(&*unit, unit.tenant, id, update, unit.now()).await?;
    let lines: Vec<uuid::Uuid> = store::lines_of(&*unit, unit.tenant, &[id])
        .await?
        .iter()
        .filter(|l| l.sent_at.is_some())
        .map(|l| l.id.as_uuid())
        .collect();
    crate::kitchen::fire::void_lines(&*unit, unit.tenant, &lines, unit.now()).await?;
    unit.commit_with(
        ticket_event("pos.ticket.voided", &after, json!({ "reason": reason })),
        after,
    )
    .await
}
