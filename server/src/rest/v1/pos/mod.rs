//! `/v1/pos`: tickets, payments, refunds, receipts and shifts, over the
//! same point-of-sale services as GraphQL.
//!
//! Every answer that is a ticket carries its lines, payments and refunds
//! (three queries for a whole page, never one per ticket). Money is in minor
//! units of the ticket's currency. Payments and refunds need an
//! `Idempotency-Key` header, so a terminal may retry them safely.

mod payments;
mod receipts;
mod shifts;
mod tickets;

use crate::state::AppState;
use kernel::TicketId;
use kernel::{AppError, AppResult, RequestContext};
use schema::pos::payments::{Payment, Refund};
use schema::pos::relations::{self, Wanted};
use schema::pos::tickets::{Ticket, TicketLine};
use serde::Serialize;
use utoipa::ToSchema;

/// A ticket with its lines, payments and refunds.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Ticket)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub lines: Vec<TicketLine>,
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
}

/// Adds lines, payments and refunds to tickets: three queries for the lot,
/// through the same loader as GraphQL's prefetch.
async fn views(
    state: &AppState,
    ctx: &RequestContext,
    tickets: Vec<Ticket>,
) -> AppResult<Vec<TicketView>> {
    let tenant = ctx.require_tenant()?;
    let ids: Vec<TicketId> = tickets.iter().map(|t| t.id).collect();
    let mut found = relations::load(&state.services.db, tenant, &ids, Wanted::ALL).await?;
    Ok(tickets
        .into_iter()
        .map(|ticket| TicketView {
            lines: found.lines.remove(&ticket.id).unwrap_or_default(),
            payments: found.payments.remove(&ticket.id).unwrap_or_default(),
            refunds: found.refunds.remove(&ticket.id).unwrap_or_default(),
            ticket,
        })
        .collect())
}

async fn view(state: &AppState, ctx: &RequestContext, ticket: Ticket) -> AppResult<TicketView> {
    views(state, ctx, vec![ticket])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("ticket view vanished"))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(tickets::router())
        .merge(payments::router())
        .merge(receipts::router())
        .merge(shifts::router())
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    tickets::list_tickets,
    tickets::open_ticket,
    tickets::get_ticket,
    tickets::update_ticket,
    tickets::add_ticket_line,
    tickets::update_ticket_line,
    tickets::void_ticket_line,
    tickets::set_ticket_discount,
    tickets::set_ticket_line_discount,
    tickets::send_ticket,
    tickets::fire_course,
    tickets::split_ticket,
    tickets::merge_tickets,
    tickets::move_ticket,
    tickets::void_ticket,
    payments::take_ticket_payment,
    payments::settle_ticket,
    payments::get_payment,
    payments::refund_payment,
    receipts::get_ticket_receipt,
    receipts::get_ticket_receipt_text,
    receipts::get_ticket_receipt_html,
    receipts::reprint_ticket_receipt,
    receipts::email_ticket_receipt,
    shifts::list_shifts,
    shifts::open_shift,
    shifts::get_shift,
    shifts::move_shift_cash,
    shifts::close_shift,
    shifts::get_shift_report
))]
pub struct Api;
