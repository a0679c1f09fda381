//! The POS over GraphQL: thin objects over the commands, one file per
//! aggregate (`tickets.rs`, `payments.rs`, `receipts.rs`, `shifts.rs`),
//! merged here in the order the schema has always listed them, and the
//! ticket subscription.

mod payments;
mod receipts;
mod shifts;
mod tickets;

use super::tickets::TicketStatus;
use crate::events::graphql::watch;
use crate::gql::rc;
use async_graphql::{Context, MergedObject, SimpleObject, Subscription};
use futures_util::Stream;
use kernel::{LocationId, TicketId};
use serde::Deserialize;

#[derive(MergedObject, Default)]
pub struct PosQuery(
    tickets::TicketsQuery,
    payments::PaymentsQuery,
    receipts::ReceiptsQuery,
    shifts::ShiftsQuery,
);

#[derive(MergedObject, Default)]
pub struct PosMutation(
    tickets::TicketsMutation,
    payments::PaymentsMutation,
    receipts::ReceiptsMutation,
    shifts::ShiftsMutation,
);

/// A ticket changed (`pos.ticket.*`): enough to redraw its header; fetch the
/// ticket for its lines.
#[derive(Debug, Clone, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct TicketChange {
    #[serde(default)]
    pub sequence: i64,
    /// `pos.ticket.opened`, `.updated`, `.sent`, `.paid`, `.settled`, `.voided` or `.refunded`.
    pub event_type: String,
    pub ticket_id: TicketId,
    pub location_id: LocationId,
    pub number: i32,
    pub label: Option<String>,
    pub status: TicketStatus,
    pub version: i64,
    pub currency: Option<String>,
    pub total_minor: i64,
    pub paid_minor: i64,
    pub tip_minor: i64,
    pub balance_minor: i64,
}

#[derive(Default)]
pub struct PosSubscription;

#[Subscription]
impl PosSubscription {
    /// Ticket changes at a location or of one ticket: first those after
    /// `after` (a sequence), then live ones.
    async fn ticket_changed(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
        ticket_id: Option<TicketId>,
        after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<TicketChange>>> {
        rc(ctx)?.require(super::READ)?;
        watch(ctx, "pos.ticket.", after, move |change: &TicketChange| {
            location_id.is_none_or(|l| l == change.location_id)
                && ticket_id.is_none_or(|t| t == change.ticket_id)
        })
        .await
    }
}
