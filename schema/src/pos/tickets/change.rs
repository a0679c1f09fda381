//! The steps every ticket change shares: lock the ticket against the version
//! the caller saw, reprice it after its lines or header moved, and describe
//! the change for the audit trail and the `pos.ticket.*` event.

use super::store::{self, TicketUpdate};
use super::{AppliedDiscount, LineStatus, Ticket, TicketLine, TicketStatus};
use crate::audit::service::Change;
use crate::pos::pricing::{self, LineIn};
use chrono::{DateTime, Utc};
use kernel::{AppError, AppResult, LineId, TenantId, TicketId};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

/// The ticket, locked; `NOT_FOUND` when there is none.
pub(crate) async fn lock(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: TicketId,
) -> AppResult<Ticket> {
    store::find_for_update(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("ticket"))
}

/// Locks an open ticket for a change made against `expected` (if given).
pub(crate) async fn begin_change(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: TicketId,
    expected: Option<i64>,
) -> AppResult<Ticket> {
    let ticket = lock(conn, tenant, id).await?;
    if let Some(expected) = expected
        && expected != ticket.version
    {
        return Err(
            AppError::conflict("the ticket changed since you read it").with_details(
                json!({ "expectedVersion": expected, "currentVersion": ticket.version }),
            ),
        );
    }
    if ticket.status != TicketStatus::Open {
        return Err(
            AppError::conflict(format!("the ticket is {}", ticket.status.as_str()))
                .with_details(json!({ "status": ticket.status })),
        );
    }
    Ok(ticket)
}

/// Recomputes every line and the ticket's totals, writes them with the
/// header as `ticket` now has it, bumps the version, and returns the ticket
/// as it now is. The total never falls below what was paid.
pub(crate) async fn reprice(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: &Ticket,
    at: DateTime<Utc>,
) -> AppResult<Ticket> {
    let lines: Vec<TicketLine> = store::lines_of(conn, tenant, &[ticket.id])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active)
        .collect();
    let inputs: Vec<LineIn> = lines
        .iter()
        .map(|l| LineIn {
            quantity: i64::from(l.quantity),
            unit_minor: l.unit_with_modifiers(),
            tax_rate_bp: i64::from(l.tax_rate_bp),
            discount: l.discount.as_ref().map(AppliedDiscount::rule),
        })
        .collect();
    let totals = pricing::price(
        &inputs,
        ticket.discount.as_ref().map(AppliedDiscount::rule),
        i64::from(ticket.service_charge_bp),
    );
    if totals.total < ticket.paid_minor {
        return Err(AppError::conflict(
            "the ticket would come to less than has been paid; refund first",
        )
        .with_details(json!({ "paidMinor": ticket.paid_minor, "newTotalMinor": totals.total })));
    }
    if !lines.is_empty() {
        let ids: Vec<LineId> = lines.iter().map(|l| l.id).collect();
        store::write_line_amounts(conn, tenant, &ids, &totals.lines).await?;
    }
    let update = TicketUpdate::Repriced {
        ticket,
        totals: &totals,
    };
    store::update(conn, tenant, ticket.id, update, at).await
}

/// What every `pos.ticket.*` event carries, so a screen can redraw a
/// ticket's header without fetching it.
fn summary(ticket: &Ticket) -> Value {
    json!({
        "ticketId": ticket.id,
        "locationId": ticket.location_id,
        "number": ticket.number,
        "businessDay": ticket.business_day,
        "label": ticket.label,
        "status": ticket.status,
        "version": ticket.version,
        "currency": ticket.currency,
        "totalMinor": ticket.total_minor,
        "paidMinor": ticket.paid_minor,
        "tipMinor": ticket.tip_minor,
        "balanceMinor": ticket.balance_minor,
    })
}

/// `action` on `ticket`: the audit row keeps `detail`; the event is the
/// summary plus `detail`.
pub(crate) fn ticket_event(action: &'static str, ticket: &Ticket, detail: Value) -> Change {
    let mut event = summary(ticket);
    if let (Some(fields), Value::Object(extra)) = (event.as_object_mut(), &detail) {
        fields.extend(extra.clone());
    }
    Change::new(action, "pos_ticket", ticket.id)
        .with_after(detail)
        .with_event(event)
        .with_version(ticket.version)
}
