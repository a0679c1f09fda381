use super::payments::{
    self, Payment, PaymentMethod, PaymentRequest, PaymentResult, Refund, RefundLine, RefundRequest,
    RefundResult,
};
use super::receipts::{self, Receipt};
use super::relations::{self, Wanted};
use super::shifts::{self, CashMovement, CashMovementKind, Shift, ShiftReport, ShiftStatus};
use super::tickets::{
    self, DiscountInput, LinePatch, NewLine, NewTicket, Ticket, TicketFilter, TicketLine,
    TicketStatus,
};
use crate::events::graphql::watch;
use crate::gql::{cached, connection, page, rc, svc, unshare};
use crate::loaders::{LinesByTicket, MenuItemById, PaymentsByTicket, RefundsByTicket};
use crate::menu::items::Item;
use crate::text::{CurrencyCode, EmailAddress, IdempotencyKey, Label, Note, Reason, Token};
use async_graphql::connection::Connection;
use async_graphql::{
    ComplexObject, Context, InputObject, MaybeUndefined, Object, SimpleObject, Subscription,
};
use chrono::NaiveDate;
use futures_util::Stream;
use serde::Deserialize;
use uuid::Uuid;

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
            .load_one(kernel::MenuItemId::from(self.menu_item_id))
            .await
            .map_err(unshare)?)
    }
}

/// Loads the relations a ticket list asks for, for the whole page at once,
/// into the request's loaders: one statement per relation however long the
/// page, rather than batches that depend on how fast the resolvers run.
async fn prefetch(ctx: &Context<'_>, ids: &[Uuid]) -> async_graphql::Result<()> {
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
    let tenant = rc(ctx)?.require(super::READ)?;
    let (lines, items) = wants("lines");
    let wanted = Wanted {
        lines,
        payments: wants("payments").0,
        refunds: wants("refunds").0,
    };
    let found = relations::load(db, tenant, ids, wanted).await?;
    if items {
        let mut item_ids: Vec<kernel::MenuItemId> = found
            .lines
            .values()
            .flatten()
            .map(|l| l.menu_item_id.into())
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
pub struct OpenTicketInput {
    pub location_id: Uuid,
    /// A table, a name, a buzzer number.
    pub label: Option<Label>,
    /// ISO 4217; taken from the first item when left out.
    pub currency: Option<CurrencyCode>,
    /// Basis points of the net subtotal: 1250 = 12.5 %.
    #[graphql(default)]
    pub service_charge_bp: i32,
}

#[derive(InputObject)]
pub struct AddTicketLineInput {
    pub ticket_id: Uuid,
    /// The version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub menu_item_id: Uuid,
    pub variant_id: Option<Uuid>,
    #[graphql(default)]
    pub modifier_ids: Vec<Uuid>,
    #[graphql(default = 1)]
    pub quantity: i32,
    pub note: Option<Note>,
}

#[derive(InputObject)]
pub struct UpdateTicketLineInput {
    pub ticket_id: Uuid,
    pub line_id: Uuid,
    pub expected_version: Option<i64>,
    pub quantity: Option<i32>,
    pub note: Option<Note>,
    /// Replaces the modifiers when given.
    pub modifier_ids: Option<Vec<Uuid>>,
}

#[derive(InputObject)]
pub struct VoidTicketLineInput {
    pub ticket_id: Uuid,
    pub line_id: Uuid,
    pub expected_version: Option<i64>,
    /// Required once the kitchen has the line.
    pub reason: Option<Reason>,
}

#[derive(InputObject)]
pub struct SetDiscountInput {
    pub ticket_id: Uuid,
    /// A line; the whole ticket when left out.
    pub line_id: Option<Uuid>,
    pub expected_version: Option<i64>,
    /// Basis points off: 1000 = 10 %. Give this or `amountMinor`; neither removes the discount.
    pub percent_bp: Option<i64>,
    pub amount_minor: Option<i64>,
    pub reason: Option<Reason>,
}

#[derive(InputObject)]
pub struct UpdateTicketInput {
    pub ticket_id: Uuid,
    pub expected_version: Option<i64>,
    /// `null` clears it.
    pub label: MaybeUndefined<Label>,
    pub service_charge_bp: Option<i32>,
}

#[derive(InputObject)]
pub struct TicketIdInput {
    pub ticket_id: Uuid,
    pub expected_version: Option<i64>,
}

#[derive(InputObject)]
pub struct VoidTicketInput {
    pub ticket_id: Uuid,
    pub expected_version: Option<i64>,
    pub reason: Reason,
}

#[derive(InputObject)]
pub struct TakePaymentInput {
    pub ticket_id: Uuid,
    pub method: PaymentMethod,
    /// Against the ticket; the balance when left out.
    pub amount_minor: Option<i64>,
    #[graphql(default)]
    pub tip_minor: i64,
    /// Cash handed over; change is what exceeds amount and tip.
    pub tendered_minor: Option<i64>,
    /// Sandbox tokens: `tok_visa`, `tok_mastercard`, `tok_amex` approve; `tok_declined` and `tok_insufficient_funds` decline.
    pub card_token: Option<Token>,
    /// One per payment attempt: a retry with it returns the first result.
    pub idempotency_key: IdempotencyKey,
}

#[derive(InputObject)]
pub struct SettleTicketInput {
    pub ticket_id: Uuid,
    pub idempotency_key: Option<IdempotencyKey>,
}

#[derive(InputObject)]
pub struct RefundLineInput {
    pub line_id: Uuid,
    pub quantity: i32,
}

#[derive(InputObject)]
pub struct RefundPaymentInput {
    pub payment_id: Uuid,
    /// The rest of the payment (tip included) when left out.
    pub amount_minor: Option<i64>,
    pub reason: Reason,
    /// Put the goods back into stock.
    #[graphql(default)]
    pub restock: bool,
    /// What goes back; every line not yet returned when left out.
    pub lines: Option<Vec<RefundLineInput>>,
    pub idempotency_key: IdempotencyKey,
}

#[derive(InputObject)]
pub struct EmailReceiptInput {
    pub ticket_id: Uuid,
    pub email: EmailAddress,
}

#[derive(InputObject)]
pub struct OpenShiftInput {
    pub location_id: Uuid,
    pub opening_float_minor: i64,
    pub currency: CurrencyCode,
}

#[derive(InputObject)]
pub struct MoveCashInput {
    pub shift_id: Uuid,
    pub kind: CashMovementKind,
    pub amount_minor: i64,
    pub reason: Reason,
}

#[derive(InputObject)]
pub struct CloseShiftInput {
    pub shift_id: Uuid,
    pub counted_cash_minor: i64,
    pub note: Option<Note>,
}

#[derive(SimpleObject)]
pub struct EmailReceiptPayload {
    pub queued: bool,
}

#[derive(Default)]
pub struct PosQuery;

#[Object]
impl PosQuery {
    async fn ticket(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Ticket> {
        Ok(tickets::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Tickets, oldest first, by location, status or business day.
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        location_id: Option<Uuid>,
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
        let ids: Vec<Uuid> = result.items.iter().map(|t| t.id).collect();
        prefetch(ctx, &ids).await?;
        Ok(connection(result, |t| t.id))
    }

    async fn payment(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Payment> {
        Ok(payments::get_payment(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// The receipt: structured, and as text and HTML.
    async fn receipt(&self, ctx: &Context<'_>, ticket_id: Uuid) -> async_graphql::Result<Receipt> {
        Ok(receipts::get(&svc(ctx)?.db, rc(ctx)?, ticket_id).await?)
    }

    async fn shift(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Shift> {
        Ok(shifts::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// The 100 newest shifts.
    async fn shifts(
        &self,
        ctx: &Context<'_>,
        location_id: Option<Uuid>,
        status: Option<ShiftStatus>,
    ) -> async_graphql::Result<Vec<Shift>> {
        Ok(shifts::list(&svc(ctx)?.db, rc(ctx)?, location_id, status).await?)
    }

    /// The X report of an open shift or the Z report of a closed one.
    async fn shift_report(
        &self,
        ctx: &Context<'_>,
        shift_id: Uuid,
    ) -> async_graphql::Result<ShiftReport> {
        Ok(shifts::report(&svc(ctx)?.db, rc(ctx)?, shift_id).await?)
    }
}

#[derive(Default)]
pub struct PosMutation;

#[Object]
impl PosMutation {
    async fn open_ticket(
        &self,
        ctx: &Context<'_>,
        input: OpenTicketInput,
    ) -> async_graphql::Result<Ticket> {
        let input = NewTicket {
            location_id: input.location_id,
            label: input.label.map(Into::into),
            currency: input.currency.map(Into::into),
            service_charge_bp: input.service_charge_bp,
        };
        Ok(tickets::open(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn add_ticket_line(
        &self,
        ctx: &Context<'_>,
        input: AddTicketLineInput,
    ) -> async_graphql::Result<Ticket> {
        let line = NewLine {
            menu_item_id: input.menu_item_id,
            variant_id: input.variant_id,
            modifier_ids: input.modifier_ids,
            quantity: input.quantity,
            note: input.note.map(Into::into),
        };
        Ok(tickets::add_line(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.expected_version,
            line,
        )
        .await?)
    }

    /// Changes a line the kitchen has not seen.
    async fn update_ticket_line(
        &self,
        ctx: &Context<'_>,
        input: UpdateTicketLineInput,
    ) -> async_graphql::Result<Ticket> {
        let patch = LinePatch {
            quantity: input.quantity,
            note: input.note.map(Into::into),
            modifier_ids: input.modifier_ids,
        };
        Ok(tickets::update_line(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.line_id,
            input.expected_version,
            patch,
        )
        .await?)
    }

    async fn void_ticket_line(
        &self,
        ctx: &Context<'_>,
        input: VoidTicketLineInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::void_line(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.line_id,
            input.expected_version,
            input.reason.as_deref(),
        )
        .await?)
    }

    /// A line or ticket discount; needs `pos.ticket.discount`.
    async fn set_ticket_discount(
        &self,
        ctx: &Context<'_>,
        input: SetDiscountInput,
    ) -> async_graphql::Result<Ticket> {
        let discount = DiscountInput {
            percent_bp: input.percent_bp,
            amount_minor: input.amount_minor,
            reason: input.reason.map(Into::into),
        };
        Ok(tickets::set_discount(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.line_id,
            input.expected_version,
            discount,
        )
        .await?)
    }

    async fn update_ticket(
        &self,
        ctx: &Context<'_>,
        input: UpdateTicketInput,
    ) -> async_graphql::Result<Ticket> {
        let label = match input.label {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(l) => Some(Some(l.into())),
        };
        Ok(tickets::update(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.expected_version,
            label,
            input.service_charge_bp,
        )
        .await?)
    }

    /// Sends new lines to the kitchen (`pos.ticket.sent`).
    async fn send_ticket(
        &self,
        ctx: &Context<'_>,
        input: TicketIdInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::send(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.expected_version,
        )
        .await?)
    }

    /// Voids an unpaid ticket; needs `pos.ticket.void`.
    async fn void_ticket(
        &self,
        ctx: &Context<'_>,
        input: VoidTicketInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(tickets::void(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.expected_version,
            Some(&input.reason),
        )
        .await?)
    }

    /// Takes a cash or card payment, in full or in part.
    async fn take_payment(
        &self,
        ctx: &Context<'_>,
        input: TakePaymentInput,
    ) -> async_graphql::Result<PaymentResult> {
        let request = PaymentRequest {
            ticket_id: input.ticket_id,
            method: input.method,
            amount_minor: input.amount_minor,
            tip_minor: input.tip_minor,
            tendered_minor: input.tendered_minor,
            card_token: input.card_token.map(Into::into),
        };
        Ok(payments::take(&svc(ctx)?.db, rc(ctx)?, request, &input.idempotency_key).await?)
    }

    /// Settles a fully paid ticket (`pos.ticket.settled`).
    async fn settle_ticket(
        &self,
        ctx: &Context<'_>,
        input: SettleTicketInput,
    ) -> async_graphql::Result<Ticket> {
        Ok(payments::settle(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.ticket_id,
            input.idempotency_key.as_deref(),
        )
        .await?)
    }

    /// Refunds a payment to its tender; needs `pos.payment.refund`.
    async fn refund_payment(
        &self,
        ctx: &Context<'_>,
        input: RefundPaymentInput,
    ) -> async_graphql::Result<RefundResult> {
        let request = RefundRequest {
            payment_id: input.payment_id,
            amount_minor: input.amount_minor,
            reason: input.reason.into(),
            restock: input.restock,
            lines: input.lines.map(|lines| {
                lines
                    .into_iter()
                    .map(|l| RefundLine {
                        line_id: l.line_id,
                        quantity: l.quantity,
                    })
                    .collect()
            }),
        };
        Ok(payments::refund(&svc(ctx)?.db, rc(ctx)?, request, &input.idempotency_key).await?)
    }

    /// The receipt again, marked DUPLICATE.
    async fn reprint_receipt(
        &self,
        ctx: &Context<'_>,
        input: TicketIdInput,
    ) -> async_graphql::Result<Receipt> {
        Ok(receipts::reprint(&svc(ctx)?.db, rc(ctx)?, input.ticket_id).await?)
    }

    /// Emails the receipt (sent by the email job).
    async fn email_receipt(
        &self,
        ctx: &Context<'_>,
        input: EmailReceiptInput,
    ) -> async_graphql::Result<EmailReceiptPayload> {
        let queued =
            receipts::email(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, &input.email).await?;
        Ok(EmailReceiptPayload { queued })
    }

    async fn open_shift(
        &self,
        ctx: &Context<'_>,
        input: OpenShiftInput,
    ) -> async_graphql::Result<Shift> {
        Ok(shifts::open(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.location_id,
            input.opening_float_minor,
            &input.currency,
        )
        .await?)
    }

    /// Cash put into or taken out of the drawer.
    async fn move_cash(
        &self,
        ctx: &Context<'_>,
        input: MoveCashInput,
    ) -> async_graphql::Result<CashMovement> {
        Ok(shifts::move_cash(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.shift_id,
            input.kind,
            input.amount_minor,
            &input.reason,
        )
        .await?)
    }

    /// Closes the shift against the counted cash; returns the Z report.
    async fn close_shift(
        &self,
        ctx: &Context<'_>,
        input: CloseShiftInput,
    ) -> async_graphql::Result<ShiftReport> {
        Ok(shifts::close(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.shift_id,
            input.counted_cash_minor,
            input.note.as_deref(),
        )
        .await?)
    }
}

/// A ticket changed (`pos.ticket.*`): enough to redraw its header; fetch the
/// ticket for its lines.
#[derive(Debug, Clone, Deserialize, SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct TicketChange {
    #[serde(default)]
    pub sequence: i64,
    /// `pos.ticket.opened`, `.updated`, `.sent`, `.paid`, `.settled`, `.voided` or `.refunded`.
    pub event_type: String,
    pub ticket_id: Uuid,
    pub location_id: Uuid,
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
        location_id: Option<Uuid>,
        ticket_id: Option<Uuid>,
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
