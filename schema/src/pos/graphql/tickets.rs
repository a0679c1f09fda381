//! Tickets over GraphQL: reading them (with their relations prefetched for
//! a whole page), and every ticket command.

use crate::gql::{cached, connection, page, rc, svc, unshare};
use crate::loaders::{LinesByTicket, MenuItemById, PaymentsByTicket, RefundsByTicket};
use crate::menu::items::Item;
use crate::pos::payments::{Payment, Refund};
use crate::pos::relations::{self, Wanted};
use crate::pos::tickets::{
    self, DiscountInput, FireCourse, LinePatch, LineVoid, MergeTickets, MoveTicket, NewLine,
    NewTicket, SendTicket, SplitTicket, Ticket, TicketFilter, TicketLine, TicketPatch, TicketSplit,
    TicketStatus, TicketVersion, TicketVoid,
};
use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, InputObject, Object};
use chrono::NaiveDate;
use kernel::{LineId, LocationId, MenuItemId, TicketId};

#[ComplexObject]
impl Ticket {
    /// Lines in the order they were added, voided ones included.
    async fn lines(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TicketLine>> {
        Ok(cached::<LinesByTicket>(ctx)?
            .load_one(self.id)
            .await
            .map_err(unshare)?
            .unwrap_or_default())
    }

    async fn payments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Payment>> {
        Ok(cached::<PaymentsByTicket>(ctx)?
            .load_one(self.id)
            .await
            .map_err(unshare)?
            .unwrap_or_default())
    }

    async fn refunds(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Refund>> {
        Ok(cached::<RefundsByTicket>(ctx)?
            .load_one(self.id)
            .await
            .map_err(unshare)?
            .unwrap_or_default())
    }
}

#[ComplexObject]
impl TicketLine {
    /// The menu item as it is now (the line keeps the name and price it was sold at).
    async fn menu_item(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Item>> {
        Ok(cached::<MenuItemById>(ctx)?
            .load_one(self.menu_item_id)
            .await
            .map_err(unshare)?)
    }
}

/// Loads the relations a ticket list asks for, for the whole page at once,
/// into the request's loaders: one statement per relation however long the
/// page, rather than batches that depend on how fast the resolvers run.
async fn prefetch(ctx: &Context<'_>, ids: &[TicketId]) -> async_graphql::Result<()> {
    let ahead = ctx.look_ahead();
    let wants = |relation: &str| {
        let node = ahead.field("nodes").field(relation);
        let edge = ahead.field("edges").field("node").field(relation);
        (
            node.exists() || edge.exists(),
            node.field("menuItem").exists() || edge.field("menuItem").exists(),
        )
    };
    if ids.is_empty() {
        return Ok(());
    }
    let db = &svc(ctx)?.db;
    let tenant = rc(ctx)?.require(crate::pos::READ)?;
    let (lines, items) = wants("lines");
    let wanted = Wanted {
        lines,
        payments: wants("payments").0,
        refunds: wants("refunds").0,
    };
    let found = relations::load(db, tenant, ids, wanted).await?;
    if items {
        let mut item_ids: Vec<MenuItemId> = found
            .lines
            .values()
            .flatten()
            .map(|l| l.menu_item_id)
            .collect();
        item_ids.sort_unstable();
        item_ids.dedup();
        let items = crate::menu::items::items_by_ids(db, tenant, &item_ids).await?;
        cached::<MenuItemById>(ctx)?
            .feed_many(items.into_iter().map(|i| (i.id, i)))
            .await;
    }
    if wanted.lines {
        cached::<LinesByTicket>(ctx)?.feed_many(found.lines).await;
    }
    if wanted.payments {
        cached::<PaymentsByTicket>(ctx)?
            .feed_many(found.payments)
            .await;
    }
    if wanted.refunds {
        cached::<RefundsByTicket>(ctx)?
            .feed_many(found.refunds)
            .await;
    }
    Ok(())
}

#[derive(InputObject)]
pub struct AddTicketLineInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub line: NewLine,
}

#[derive(InputObject)]
pub struct UpdateTicketLineInput {
    pub ticket_id: TicketId,
    pub line_id: LineId,
    #[graphql(flatten)]
    pub patch: LinePatch,
}

#[derive(InputObject)]
pub struct VoidTicketLineInput {
    pub ticket_id: TicketId,
    pub line_id: LineId,
    #[graphql(flatten)]
    pub void: LineVoid,
}

#[derive(InputObject)]
pub struct SetDiscountInput {
    pub ticket_id: TicketId,
    /// A line; the whole ticket when left out.
    pub line_id: Option<LineId>,
    #[graphql(flatten)]
    pub discount: DiscountInput,
}

#[derive(InputObject)]
pub struct UpdateTicketInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub patch: TicketPatch,
}

#[derive(InputObject)]
pub struct TicketIdInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub version: TicketVersion,
}

#[derive(InputObject)]
pub struct SendTicketInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub send: SendTicket,
}

#[derive(InputObject)]
pub struct SplitTicketInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub split: SplitTicket,
}

#[derive(InputObject)]
pub struct MergeTicketsInput {
    /// The ticket that takes the lines.
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub merge: MergeTickets,
}

#[derive(InputObject)]
pub struct MoveTicketInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub to: MoveTicket,
}

#[derive(InputObject)]
pub struct FireCourseInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub fire: FireCourse,
}

#[derive(InputObject)]
pub struct VoidTicketInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub void: TicketVoid,
}

#[derive(Default)]
pub struct TicketsQuery;

#[Object]
impl TicketsQuery {
    async fn ticket(&self, ctx: &Context<'_>, id: TicketId) -> async_graphql::Result<Ticket> {
        Ok(tickets::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Tickets, oldest first, by location, status or business day.
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
        status: Option<TicketStatus>,
        business_day: Option<NaiveDate>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Ticket>> {
        let filter = TicketFilter {
            location_id,
            status,
            business_day,
        };
        let result = tickets::list(&svc(ctx)?.db, rc(ctx)?, filter, page(first, after)?).await?;
        let ids: Vec<TicketId> = result.items.iter().map(|t| t.id).collect();
        prefetch(ctx, &ids).await?;
        Ok(connection(result, |t| t.id.as_uuid()))
    }
}

#[derive(Default)]
pub struct TicketsMutation;

#[Object]
impl TicketsMutation {
    async fn open_ticket(
        &self,
        ctx: &Context<'_>,
        input: NewTicket,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::open(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn add_ticket_line(
        &self,
        ctx: &Context<'_>,
        input: AddTicketLineInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::add_line(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.line).await?)
    }

    /// Changes a line the kitchen has not seen.
    async fn update_ticket_line(
        &self,
        ctx: &Context<'_>,
        input: UpdateTicketLineInput,
    ) -> async_graphql::Result<Ticket> {
        let (db, rc) = (&svc(ctx)?.db, rc(ctx)?);
        Ok(tickets::update_line(db, rc, input.ticket_id, input.line_id, input.patch).await?)
    }

    async fn void_ticket_line(
        &self,
        ctx: &Context<'_>,
        input: VoidTicketLineInput,
    ) -> async_graphql::Result<Ticket> {
        let (db, rc) = (&svc(ctx)?.db, rc(ctx)?);
        Ok(tickets::void_line(db, rc, input.ticket_id, input.line_id, input.void).await?)
    }

    /// A line or ticket discount; needs `pos.ticket.discount`.
    async fn set_ticket_discount(
        &self,
        ctx: &Context<'_>,
        input: SetDiscountInput,
    ) -> async_graphql::Result<Ticket> {
        let (db, rc) = (&svc(ctx)?.db, rc(ctx)?);
        Ok(tickets::set_discount(db, rc, input.ticket_id, input.line_id, input.discount).await?)
    }

    async fn update_ticket(
        &self,
        ctx: &Context<'_>,
        input: UpdateTicketInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::update(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.patch).await?)
    }

    /// Sends new lines to the kitchen (`pos.ticket.sent`): course 1 fires,
    /// later courses wait for the one before them unless timed otherwise.
    async fn send_ticket(
        &self,
        ctx: &Context<'_>,
        input: SendTicketInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::send(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.send).await?)
    }

    /// Takes some lines (or seats) to a new ticket; their kitchen work
    /// follows, never fired again.
    async fn split_ticket(
        &self,
        ctx: &Context<'_>,
        input: SplitTicketInput,
    ) -> async_graphql::Result<TicketSplit> {
        Ok(tickets::split(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.split).await?)
    }

    /// Moves every line of another ticket onto this one; that one ends
    /// `MERGED`.
    async fn merge_tickets(
        &self,
        ctx: &Context<'_>,
        input: MergeTicketsInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::merge(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.merge).await?)
    }

    /// Moves a ticket to another table; the kitchen's screens follow.
    async fn move_ticket(
        &self,
        ctx: &Context<'_>,
        input: MoveTicketInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::move_to(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.to).await?)
    }

    /// Fires a held course now, whatever it waits for.
    async fn fire_course(
        &self,
        ctx: &Context<'_>,
        input: FireCourseInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::fire_course(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.fire).await?)
    }

    /// Voids an unpaid ticket; needs `pos.ticket.void`.
    async fn void_ticket(
        &self,
        ctx: &Context<'_>,
        input: VoidTicketInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::void(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.void).await?)
    }
}
