//! Tickets regrouped at the table: split some lines (or some seats) onto a
//! new ticket, merge one ticket into another, move a ticket to another
//! table. Lines move whole, with what the kitchen has of them: nothing is
//! fired again and nothing is lost; screens show the work under its new
//! ticket. Tickets with payments are not regrouped (settle or refund
//! first), so no payment ever points at lines that left.

use super::change::{begin_change, lock, reprice, ticket_event};
use super::lifecycle::{Header, check_label, open_row};
use super::store;
use super::{LineStatus, MergeTickets, MoveTicket, SplitTicket, Ticket, TicketLine};
use crate::command::Unit;
use crate::pos::WRITE;
use kernel::{AppError, AppResult, Db, LineId, RequestContext, TicketId};
use serde_json::json;
use uuid::Uuid;

/// The ticket's kitchen work shows under its label as it now is.
pub(super) async fn kitchen_follows(
    conn: &impl sea_orm::ConnectionTrait,
    tenant: kernel::TenantId,
    ticket: &Ticket,
) -> AppResult<()> {
    let lines: Vec<Uuid> = store::lines_of(conn, tenant, &[ticket.id])
        .await?
        .iter()
        .map(|l| l.id.as_uuid())
        .collect();
    crate::kitchen::fire::regroup(conn, tenant, &lines, ticket).await
}

/// Both halves of a split.
#[derive(Debug, Clone, serde::Serialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct TicketSplit {
    /// The ticket split, with the lines it kept.
    pub source: Ticket,
    /// The new ticket, with the lines it took.
    pub created: Ticket,
}

fn unpaid(ticket: &Ticket) -> AppResult<()> {
    if ticket.paid_minor > 0 {
        return Err(
            AppError::conflict("the ticket has payments; settle or refund it first")
                .with_details(json!({ "ticketId": ticket.id, "paidMinor": ticket.paid_minor })),
        );
    }
    Ok(())
}

fn uuids(lines: &[LineId]) -> Vec<Uuid> {
    lines.iter().map(|l| l.as_uuid()).collect()
}

/// Takes lines (by id, or every line of some seats) to a new ticket at the
/// same location: the guests who pay apart.
pub async fn split(
    db: &Db,
    ctx: &RequestContext,
    id: TicketId,
    input: SplitTicket,
) -> AppResult<TicketSplit> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    if input.line_ids.is_empty() == input.seats.is_empty() {
        return Err(AppError::invalid_field(
            "lineIds",
            "give the lines to split off, or the seats, not both",
        ));
    }
    let label = check_label(input.label.as_deref())?;
    let ticket = begin_change(&*unit, unit.tenant, id, input.expected_version).await?;
    unpaid(&ticket)?;
    let lines: Vec<TicketLine> = store::lines_of(&*unit, unit.tenant, &[id])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active)
        .collect();
    for wanted in &input.line_ids {
        if !lines.iter().any(|l| l.id == *wanted) {
            return Err(
                AppError::invalid_field("lineIds", "not an active line of this ticket")
                    .with_details(json!({ "lineId": wanted })),
            );
        }
    }
    let taken: Vec<LineId> = lines
        .iter()
        .filter(|l| {
            input.line_ids.contains(&l.id) || l.seat.is_some_and(|s| input.seats.contains(&s))
        })
        .map(|l| l.id)
        .collect();
    if taken.is_empty() {
        return Err(AppError::invalid_field(
            "seats",
            "no active line is at those seats",
        ));
    }
    if taken.len() == lines.len() {
        return Err(AppError::invalid_field(
            "lineIds",
            "leave at least one line; to move the whole ticket, use moveTicket",
        ));
    }
    let opened = open_row(
        &unit,
        Header {
            location: ticket.location_id,
            label: label.or_else(|| ticket.label.clone()),
            currency: ticket.currency.clone(),
            service_charge_bp: ticket.service_charge_bp,
            dining_option: ticket.dining_option,
        },
    )
    .await?;
    store::move_lines(&*unit, unit.tenant, &taken, opened.id).await?;
    if taken
        .iter()
        .any(|l| lines.iter().any(|x| x.id == *l && x.sent_at.is_some()))
    {
        store::update(
            &*unit,
            unit.tenant,
            opened.id,
            store::TicketUpdate::Sent,
            unit.now(),
        )
        .await?;
    }
    let created = reprice(&*unit, unit.tenant, &opened, unit.now()).await?;
    let source = reprice(&*unit, unit.tenant, &ticket, unit.now()).await?;
    crate::kitchen::fire::regroup(&*unit, unit.tenant, &uuids(&taken), &created).await?;
    unit.record(ticket_event(
        "pos.ticket.opened",
        &created,
        json!({ "splitFrom": source.id }),
    ))
    .await?;
    let event = ticket_event(
        "pos.ticket.split",
        &source,
        json!({ "into": created.id, "number": created.number, "lineIds": taken }),
    );
    unit.commit_with(event, TicketSplit { source, created })
        .await
}

/// Moves every line of `input.sourceTicketId` onto this ticket; the source
/// stays, `MERGED`, pointing here.
pub async fn merge(
    db: &Db,
    ctx: &RequestContext,
    id: TicketId,
    input: MergeTickets,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    if input.source_ticket_id == id {
        return Err(AppError::invalid_field(
            "sourceTicketId",
            "a ticket cannot be merged into itself",
        ));
    }
    // Locked in one order, so two merges the other way round cannot deadlock.
    let (first, second) = if id < input.source_ticket_id {
        (id, input.source_ticket_id)
    } else {
        (input.source_ticket_id, id)
    };
    // Both found before either is judged: another business's ticket is
    // NOT_FOUND whatever state this one is in.
    let a = lock(&*unit, unit.tenant, first).await?;
    let b = lock(&*unit, unit.tenant, second).await?;
    let (target, source) = if a.id == id { (a, b) } else { (b, a) };
    let target = begin_change(&*unit, unit.tenant, target.id, input.expected_version).await?;
    let source = begin_change(&*unit, unit.tenant, source.id, None).await?;
    unpaid(&target)?;
    unpaid(&source)?;
    if source.location_id != target.location_id {
        return Err(AppError::invalid_field(
            "sourceTicketId",
            "the tickets are at different locations",
        ));
    }
    let mut target = target;
    match (&target.currency, &source.currency) {
        (Some(a), Some(b)) if a != b => {
            return Err(AppError::invalid_field(
                "sourceTicketId",
                format!("the tickets are in {a} and {b}"),
            ));
        }
        (None, Some(c)) => target.currency = Some(c.clone()),
        _ => {}
    }
    let lines: Vec<LineId> = store::lines_of(&*unit, unit.tenant, &[source.id])
        .await?
        .iter()
        .map(|l| l.id)
        .collect();
    store::move_lines(&*unit, unit.tenant, &lines, target.id).await?;
    if source.sent_at.is_some() {
        store::update(
            &*unit,
            unit.tenant,
            target.id,
            store::TicketUpdate::Sent,
            unit.now(),
        )
        .await?;
    }
    let after = reprice(&*unit, unit.tenant, &target, unit.now()).await?;
    let emptied = reprice(&*unit, unit.tenant, &source, unit.now()).await?;
    let merged = store::update(
        &*unit,
        unit.tenant,
        emptied.id,
        store::TicketUpdate::Merged { into: after.id },
        unit.now(),
    )
    .await?;
    crate::kitchen::fire::regroup(&*unit, unit.tenant, &uuids(&lines), &after).await?;
    unit.record(ticket_event(
        "pos.ticket.merged",
        &merged,
        json!({ "into": after.id, "number": after.number }),
    ))
    .await?;
    let event = ticket_event(
        "pos.ticket.updated",
        &after,
        json!({ "change": "merged", "from": merged.id, "lineIds": lines }),
    );
    unit.commit_with(event, after).await
}

/// Moves a ticket to another table (its label); its kitchen work follows.
pub async fn move_to(
    db: &Db,
    ctx: &RequestContext,
    id: TicketId,
    input: MoveTicket,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let label = check_label(Some(input.label.as_str()))?;
    let mut ticket = begin_change(&*unit, unit.tenant, id, input.expected_version).await?;
    let from = ticket.label.clone();
    ticket.label = label;
    let after = reprice(&*unit, unit.tenant, &ticket, unit.now()).await?;
    kitchen_follows(&*unit, unit.tenant, &after).await?;
    let event = ticket_event(
        "pos.ticket.moved",
        &after,
        json!({ "from": from, "to": after.label }),
    );
    unit.commit_with(event, after).await
}
