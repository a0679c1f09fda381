//! `/v1/pos`: tickets, payments, refunds, receipts and shifts, over the
//! same point-of-sale services as GraphQL.
//!
//! Every answer that is a ticket carries its lines, payments and refunds
//! (three queries for a whole page, never one per ticket). Money is in minor
//! units of the ticket's currency. Payments and refunds need an
//! `Idempotency-Key` header, so a terminal may retry them safely.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{
    Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams, idempotency_key, present,
    required_idempotency_key,
};
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use http::{HeaderMap, StatusCode, header};
use kernel::{AppError, AppResult, RequestContext};
use schema::pagination::Page;
use schema::pos::payments::{
    self, Payment, PaymentMethod, PaymentRequest, PaymentResult, Refund, RefundLine, RefundRequest,
    RefundResult,
};
use schema::pos::receipts::{self, Receipt};
use schema::pos::shifts::{self, CashMovement, CashMovementKind, Shift, ShiftReport, ShiftStatus};
use schema::pos::tickets::{
    self, DiscountInput, LinePatch, NewLine, NewTicket, Ticket, TicketFilter, TicketLine,
    TicketStatus,
};
use schema::text::{CurrencyCode, EmailAddress, Label, Note, Reason, Token};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

// ---------------------------------------------------------------- inputs

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = TicketStatus)]
pub enum TicketStatusParam {
    Open,
    Settled,
    Voided,
}

impl From<TicketStatusParam> for TicketStatus {
    fn from(s: TicketStatusParam) -> Self {
        match s {
            TicketStatusParam::Open => Self::Open,
            TicketStatusParam::Settled => Self::Settled,
            TicketStatusParam::Voided => Self::Voided,
        }
    }
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = PaymentMethod)]
pub enum PaymentMethodParam {
    Cash,
    Card,
}

impl From<PaymentMethodParam> for PaymentMethod {
    fn from(m: PaymentMethodParam) -> Self {
        match m {
            PaymentMethodParam::Cash => Self::Cash,
            PaymentMethodParam::Card => Self::Card,
        }
    }
}

/// Whether a shift's drawer is open.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = ShiftStatus)]
pub enum ShiftStatusParam {
    Open,
    Closed,
}

impl From<ShiftStatusParam> for ShiftStatus {
    fn from(s: ShiftStatusParam) -> Self {
        match s {
            ShiftStatusParam::Open => Self::Open,
            ShiftStatusParam::Closed => Self::Closed,
        }
    }
}

/// Cash put into (`IN`) or taken out of (`OUT`) the drawer.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = CashMovementKind)]
pub enum CashMovementKindParam {
    In,
    Out,
}

impl From<CashMovementKindParam> for CashMovementKind {
    fn from(k: CashMovementKindParam) -> Self {
        match k {
            CashMovementKindParam::In => Self::In,
            CashMovementKindParam::Out => Self::Out,
        }
    }
}

fn one() -> i32 {
    1
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenTicketBody {
    pub location_id: Uuid,
    /// A table, a name, a buzzer number.
    pub label: Option<Label>,
    /// ISO 4217; taken from the first item when left out.
    pub currency: Option<CurrencyCode>,
    /// Basis points of the net subtotal: 1250 = 12.5 %. 0 when left out.
    #[serde(default)]
    pub service_charge_bp: i32,
}

/// Leave a field out to keep it; `expectedVersion` guards against lost updates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketPatchBody {
    pub expected_version: Option<i64>,
    /// A new label; `null` clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Label>, nullable)]
    pub label: Option<Option<Label>>,
    /// Basis points of the net subtotal.
    pub service_charge_bp: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketLineBody {
    /// The ticket version you read; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub menu_item_id: Uuid,
    pub variant_id: Option<Uuid>,
    /// Chosen from the item's modifier groups, within their limits.
    #[serde(default)]
    pub modifier_ids: Vec<Uuid>,
    /// 1 to 999; 1 when left out.
    #[serde(default = "one")]
    #[schema(default = 1)]
    pub quantity: i32,
    /// Up to 500 characters, for the kitchen.
    pub note: Option<Note>,
}

/// Leave a field out to keep it. Only lines the kitchen has not seen change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketLinePatchBody {
    pub expected_version: Option<i64>,
    /// 1 to 999.
    pub quantity: Option<i32>,
    pub note: Option<Note>,
    /// Replaces the modifiers when given.
    pub modifier_ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VoidTicketLineBody {
    pub expected_version: Option<i64>,
    /// Required once the kitchen has the line.
    pub reason: Option<Reason>,
}

/// Give `percentBp` or `amountMinor`; neither removes the discount.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketDiscountBody {
    pub expected_version: Option<i64>,
    /// Basis points off: 1000 = 10 %.
    pub percent_bp: Option<i64>,
    /// Minor units off.
    pub amount_minor: Option<i64>,
    /// Up to 500 characters.
    pub reason: Option<Reason>,
}

/// `{}`, or the version you read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketVersionBody {
    pub expected_version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VoidTicketBody {
    pub expected_version: Option<i64>,
    /// Why, up to 500 characters.
    pub reason: Reason,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentBody {
    pub method: PaymentMethodParam,
    /// Against the ticket; the balance when left out.
    pub amount_minor: Option<i64>,
    /// On top of the amount; 0 when left out.
    #[serde(default)]
    pub tip_minor: i64,
    /// Cash handed over; change is what exceeds amount and tip.
    pub tendered_minor: Option<i64>,
    /// Sandbox tokens: `tok_visa`, `tok_mastercard`, `tok_amex` approve; `tok_declined` and `tok_insufficient_funds` decline.
    pub card_token: Option<Token>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundLineBody {
    pub line_id: Uuid,
    pub quantity: i32,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundBody {
    /// The rest of the payment (tip included) when left out.
    pub amount_minor: Option<i64>,
    /// Why, up to 500 characters.
    pub reason: Reason,
    /// Put the goods back into stock.
    #[serde(default)]
    pub restock: bool,
    /// With `restock`: what goes back; every line not yet returned when left out.
    pub lines: Option<Vec<RefundLineBody>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailReceiptBody {
    pub email: EmailAddress,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenShiftBody {
    pub location_id: Uuid,
    /// Cash in the drawer at the start.
    pub opening_float_minor: i64,
    /// ISO 4217.
    pub currency: CurrencyCode,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CashMovementBody {
    pub kind: CashMovementKindParam,
    /// More than zero.
    pub amount_minor: i64,
    /// Why, up to 500 characters.
    pub reason: Reason,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloseShiftBody {
    /// The cash counted in the drawer.
    pub counted_cash_minor: i64,
    /// Up to 500 characters.
    pub note: Option<Note>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TicketListParams {
    pub location_id: Option<Uuid>,
    pub status: Option<TicketStatusParam>,
    /// `YYYY-MM-DD`; the business day turns at 04:00 local time.
    pub business_day: Option<NaiveDate>,
    /// Page size, 1 to 100 (default 50).
    pub first: Option<i64>,
    /// The `endCursor` of the previous page.
    pub after: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ShiftListParams {
    pub location_id: Option<Uuid>,
    pub status: Option<ShiftStatusParam>,
}

/// `/tickets/{id}/lines/{lineId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketLinePath {
    pub id: Uuid,
    pub line_id: Uuid,
}

// ---------------------------------------------------------------- answers

/// A ticket with its lines, payments and refunds.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub lines: Vec<TicketLine>,
    pub payments: Vec<Payment>,
    pub refunds: Vec<Refund>,
}

/// `POST /receipt/email`: the email job has it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReceiptEmailQueued)]
pub struct ReceiptEmailQueued {
    pub queued: bool,
}

fn by_ticket<T>(rows: Vec<T>, ticket: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut out: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(ticket(&row)).or_default().push(row);
    }
    out
}

/// Adds lines, payments and refunds to tickets: three queries for the lot.
async fn views(
    state: &AppState,
    ctx: &RequestContext,
    tickets: Vec<Ticket>,
) -> AppResult<Vec<TicketView>> {
    if tickets.is_empty() {
        return Ok(Vec::new());
    }
    let tenant = ctx.require_tenant()?;
    let db = &state.services.db;
    let ids: Vec<Uuid> = tickets.iter().map(|t| t.id).collect();
    let mut lines = by_ticket(tickets::lines_of_tickets(db, tenant, &ids).await?, |l| {
        l.ticket_id
    });
    let mut paid = by_ticket(
        payments::payments_of_tickets(db, tenant, &ids).await?,
        |p| p.ticket_id,
    );
    let mut refunded = by_ticket(payments::refunds_of_tickets(db, tenant, &ids).await?, |r| {
        r.ticket_id
    });
    Ok(tickets
        .into_iter()
        .map(|ticket| TicketView {
            lines: lines.remove(&ticket.id).unwrap_or_default(),
            payments: paid.remove(&ticket.id).unwrap_or_default(),
            refunds: refunded.remove(&ticket.id).unwrap_or_default(),
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

// ---------------------------------------------------------------- tickets

#[utoipa::path(get, path = "/v1/pos/tickets", tag = "pos", security(("bearer" = [])), params(TicketListParams),
    responses((status = 200, description = "Tickets with their lines, payments and refunds, oldest first", body = PagedDoc<TicketSchema>),
              (status = 400, description = "Bad location, status, business day, page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.read` or the POS module is off", body = ErrorBody)))]
pub async fn list_tickets(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<TicketListParams>,
) -> Result<Paged<TicketView>, ApiError> {
    let page = PageParams {
        first: params.first,
        after: params.after,
    }
    .request()?;
    let filter = TicketFilter {
        location_id: params.location_id,
        status: params.status.map(TicketStatus::from),
        business_day: params.business_day,
    };
    let found = tickets::list(&state.services.db, &ctx, filter, page).await?;
    Ok(Page {
        items: views(&state, &ctx, found.items).await?,
        has_next_page: found.has_next_page,
        end_cursor: found.end_cursor,
    }
    .into())
}

#[utoipa::path(post, path = "/v1/pos/tickets", tag = "pos", security(("bearer" = [])), request_body = OpenTicketBody,
    responses((status = 201, description = "The open ticket, numbered for its business day", body = DataDoc<TicketSchema>),
              (status = 400, description = "Bad label, currency or service charge, or no such location", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody)))]
pub async fn open_ticket(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<OpenTicketBody>,
) -> Result<Created<TicketView>, ApiError> {
    let input = NewTicket {
        location_id: body.location_id,
        label: body.label.map(Into::into),
        currency: body.currency.map(Into::into),
        service_charge_bp: body.service_charge_bp,
    };
    let ticket = tickets::open(&state.services.db, &ctx, input).await?;
    Ok(Created(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(get, path = "/v1/pos/tickets/{id}", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket with its lines, payments and refunds", body = DataDoc<TicketSchema>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::get(&state.services.db, &ctx, path.id).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(patch, path = "/v1/pos/tickets/{id}", tag = "pos", security(("bearer" = [])), request_body = TicketPatchBody,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket", body = DataDoc<TicketSchema>),
              (status = 400, description = "Bad label or service charge", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn update_ticket(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TicketPatchBody>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::update(
        &state.services.db,
        &ctx,
        path.id,
        body.expected_version,
        body.label.map(|l| l.map(Into::into)),
        body.service_charge_bp,
    )
    .await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/lines", tag = "pos", security(("bearer" = [])), request_body = TicketLineBody,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 201, description = "The ticket with the new line last", body = DataDoc<TicketSchema>),
              (status = 400, description = "Bad quantity or note; no such item, variant or modifier; modifiers outside their groups' limits; another currency", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, the item is sold out, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn add_ticket_line(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TicketLineBody>,
) -> Result<Created<TicketView>, ApiError> {
    let line = NewLine {
        menu_item_id: body.menu_item_id,
        variant_id: body.variant_id,
        modifier_ids: body.modifier_ids,
        quantity: body.quantity,
        note: body.note.map(Into::into),
    };
    let ticket = tickets::add_line(
        &state.services.db,
        &ctx,
        path.id,
        body.expected_version,
        line,
    )
    .await?;
    Ok(Created(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(patch, path = "/v1/pos/tickets/{id}/lines/{lineId}", tag = "pos", security(("bearer" = [])), request_body = TicketLinePatchBody,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("lineId" = Uuid, Path, description = "Line id")),
    responses((status = 200, description = "The ticket", body = DataDoc<TicketSchema>),
              (status = 400, description = "Bad quantity, note or modifiers", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket or line", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, the kitchen has the line (void it instead), or the ticket is settled or voided", body = ErrorBody)))]
pub async fn update_ticket_line(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<TicketLinePath>,
    JsonBody(body): JsonBody<TicketLinePatchBody>,
) -> Result<Data<TicketView>, ApiError> {
    let patch = LinePatch {
        quantity: body.quantity,
        note: body.note.map(Into::into),
        modifier_ids: body.modifier_ids,
    };
    let ticket = tickets::update_line(
        &state.services.db,
        &ctx,
        path.id,
        path.line_id,
        body.expected_version,
        patch,
    )
    .await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/lines/{lineId}/void", tag = "pos", security(("bearer" = [])), request_body = VoidTicketLineBody,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("lineId" = Uuid, Path, description = "Line id")),
    responses((status = 200, description = "The ticket with the line voided", body = DataDoc<TicketSchema>),
              (status = 400, description = "A sent line needs a reason", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`, or `pos.ticket.void` for a line the kitchen has", body = ErrorBody),
              (status = 404, description = "No such ticket or line", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn void_ticket_line(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<TicketLinePath>,
    JsonBody(body): JsonBody<VoidTicketLineBody>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::void_line(
        &state.services.db,
        &ctx,
        path.id,
        path.line_id,
        body.expected_version,
        body.reason.as_deref(),
    )
    .await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

fn discount(body: &TicketDiscountBody) -> DiscountInput {
    DiscountInput {
        percent_bp: body.percent_bp,
        amount_minor: body.amount_minor,
        reason: body.reason.clone().map(Into::into),
    }
}

#[utoipa::path(put, path = "/v1/pos/tickets/{id}/discount", tag = "pos", security(("bearer" = [])), request_body = TicketDiscountBody,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket with its discount set, changed or removed", body = DataDoc<TicketSchema>),
              (status = 400, description = "Both a percentage and an amount, or either out of range", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.discount`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn set_ticket_discount(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TicketDiscountBody>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::set_discount(
        &state.services.db,
        &ctx,
        path.id,
        None,
        body.expected_version,
        discount(&body),
    )
    .await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(put, path = "/v1/pos/tickets/{id}/lines/{lineId}/discount", tag = "pos", security(("bearer" = [])), request_body = TicketDiscountBody,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("lineId" = Uuid, Path, description = "Line id")),
    responses((status = 200, description = "The ticket with the line's discount set, changed or removed", body = DataDoc<TicketSchema>),
              (status = 400, description = "Both a percentage and an amount, or either out of range", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.discount`", body = ErrorBody),
              (status = 404, description = "No such ticket or line", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn set_ticket_line_discount(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<TicketLinePath>,
    JsonBody(body): JsonBody<TicketDiscountBody>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::set_discount(
        &state.services.db,
        &ctx,
        path.id,
        Some(path.line_id),
        body.expected_version,
        discount(&body),
    )
    .await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/send", tag = "pos", security(("bearer" = [])), request_body = TicketVersionBody,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket, its new lines sent to the kitchen (`pos.ticket.sent`)", body = DataDoc<TicketSchema>),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn send_ticket(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TicketVersionBody>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::send(&state.services.db, &ctx, path.id, body.expected_version).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/void", tag = "pos", security(("bearer" = [])), request_body = VoidTicketBody,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The voided ticket", body = DataDoc<TicketSchema>),
              (status = 400, description = "No reason", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.void`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, the ticket has payments, or it is settled or voided", body = ErrorBody)))]
pub async fn void_ticket(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<VoidTicketBody>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::void(
        &state.services.db,
        &ctx,
        path.id,
        body.expected_version,
        Some(&body.reason),
    )
    .await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

// ---------------------------------------------------------------- payments

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/payments", tag = "pos", security(("bearer" = [])), request_body = PaymentBody,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("Idempotency-Key" = String, Header,
            description = "Required. 1 to 255 visible ASCII characters, one per payment attempt (a UUID is a good choice). A retry with the same key and body answers the first result and charges nothing again; the same key with another body is `CONFLICT`. Kept 7 days.")),
    responses((status = 201, description = "The payment, the ticket's new totals and the change due", body = DataDoc<PaymentResultSchema>),
              (status = 400, description = "No or bad idempotency key, bad amounts, nothing to pay, or the card declined", body = ErrorBody),
              (status = 403, description = "Missing `pos.payment.take`, or tips or split payments are switched off", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "The ticket is paid, settled or voided; cash without an open shift; the key was used with another body", body = ErrorBody)))]
pub async fn take_ticket_payment(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PaymentBody>,
) -> Result<Created<PaymentResult>, ApiError> {
    let key = required_idempotency_key(&headers)?;
    let request = PaymentRequest {
        ticket_id: path.id,
        method: body.method.into(),
        amount_minor: body.amount_minor,
        tip_minor: body.tip_minor,
        tendered_minor: body.tendered_minor,
        card_token: body.card_token.map(Into::into),
    };
    Ok(Created(
        payments::take(&state.services.db, &ctx, request, key).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/settle", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("Idempotency-Key" = Option<String>, Header,
            description = "1 to 255 visible ASCII characters. Settling a settled ticket already answers it unchanged; a key also makes a retry answer the first result.")),
    responses((status = 200, description = "The settled ticket (`pos.ticket.settled`: the kitchen closes it, stock is deducted)", body = DataDoc<TicketSchema>),
              (status = 400, description = "Nothing on the ticket, or a bad idempotency key", body = ErrorBody),
              (status = 403, description = "Missing `pos.payment.take`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "Not fully paid (`details.balanceMinor`), or voided", body = ErrorBody)))]
pub async fn settle_ticket(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    headers: HeaderMap,
) -> Result<Data<TicketView>, ApiError> {
    let key = idempotency_key(&headers)?;
    let ticket = payments::settle(&state.services.db, &ctx, path.id, key).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(get, path = "/v1/pos/payments/{id}", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id")),
    responses((status = 200, description = "The payment", body = DataDoc<PaymentSchema>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such payment", body = ErrorBody)))]
pub async fn get_payment(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Payment>, ApiError> {
    Ok(Data(
        payments::get_payment(&state.services.db, &ctx, path.id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/payments/{id}/refunds", tag = "pos", security(("bearer" = [])), request_body = RefundBody,
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = String, Header,
            description = "Required. 1 to 255 visible ASCII characters, one per refund attempt. A retry with the same key and body answers the first result and refunds nothing again; the same key with another body is `CONFLICT`. Kept 7 days.")),
    responses((status = 201, description = "The refund, to the tender the payment was made with, and the ticket's new totals", body = DataDoc<RefundResultSchema>),
              (status = 400, description = "No or bad idempotency key, no reason, more than is left to refund, or bad lines", body = ErrorBody),
              (status = 403, description = "Missing `pos.payment.refund`", body = ErrorBody),
              (status = 404, description = "No such payment", body = ErrorBody),
              (status = 409, description = "The ticket is not settled, the payment is fully refunded, cash without an open shift, or the key was used with another body", body = ErrorBody)))]
pub async fn refund_payment(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<RefundBody>,
) -> Result<Created<RefundResult>, ApiError> {
    let key = required_idempotency_key(&headers)?;
    let request = RefundRequest {
        payment_id: path.id,
        amount_minor: body.amount_minor,
        reason: body.reason.into(),
        restock: body.restock,
        lines: body.lines.map(|lines| {
            lines
                .into_iter()
                .map(|l| RefundLine {
                    line_id: l.line_id,
                    quantity: l.quantity,
                })
                .collect()
        }),
    };
    Ok(Created(
        payments::refund(&state.services.db, &ctx, request, key).await?,
    ))
}

// ---------------------------------------------------------------- receipts

#[utoipa::path(get, path = "/v1/pos/tickets/{id}/receipt", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt: structured, and as text and HTML", body = DataDoc<ReceiptSchema>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket_receipt(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Receipt>, ApiError> {
    Ok(Data(
        receipts::get(&state.services.db, &ctx, path.id).await?,
    ))
}

#[utoipa::path(get, path = "/v1/pos/tickets/{id}/receipt.txt", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt as 40-column text, for a receipt printer", body = String, content_type = "text/plain"),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket_receipt_text(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<([(header::HeaderName, &'static str); 1], String), ApiError> {
    let receipt = receipts::get(&state.services.db, &ctx, path.id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        receipt.text,
    ))
}

#[utoipa::path(get, path = "/v1/pos/tickets/{id}/receipt.html", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt as an HTML page", body = String, content_type = "text/html"),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket_receipt_html(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<([(header::HeaderName, &'static str); 1], String), ApiError> {
    let receipt = receipts::get(&state.services.db, &ctx, path.id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        receipt.html,
    ))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/receipt/reprint", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt again, marked DUPLICATE (kept in the audit trail)", body = DataDoc<ReceiptSchema>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn reprint_ticket_receipt(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Receipt>, ApiError> {
    Ok(Data(
        receipts::reprint(&state.services.db, &ctx, path.id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/receipt/email", tag = "pos", security(("bearer" = [])), request_body = EmailReceiptBody,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 202, description = "The email job will send it", body = DataDoc<ReceiptEmailQueued>),
              (status = 400, description = "Not an email address", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "The ticket is voided", body = ErrorBody)))]
pub async fn email_ticket_receipt(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<EmailReceiptBody>,
) -> Result<(StatusCode, Data<ReceiptEmailQueued>), ApiError> {
    let queued = receipts::email(&state.services.db, &ctx, path.id, &body.email).await?;
    Ok((StatusCode::ACCEPTED, Data(ReceiptEmailQueued { queued })))
}

// ---------------------------------------------------------------- shifts

#[utoipa::path(get, path = "/v1/pos/shifts", tag = "pos", security(("bearer" = [])), params(ShiftListParams),
    responses((status = 200, description = "The 100 newest shifts", body = DataDoc<Vec<ShiftSchema>>),
              (status = 400, description = "Bad location or status", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody)))]
pub async fn list_shifts(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<ShiftListParams>,
) -> Result<Data<Vec<Shift>>, ApiError> {
    Ok(Data(
        shifts::list(
            &state.services.db,
            &ctx,
            params.location_id,
            params.status.map(ShiftStatus::from),
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/shifts", tag = "pos", security(("bearer" = [])), request_body = OpenShiftBody,
    responses((status = 201, description = "The open shift", body = DataDoc<ShiftSchema>),
              (status = 400, description = "Bad float or currency, or no such location", body = ErrorBody),
              (status = 403, description = "Missing `pos.shift.manage`", body = ErrorBody),
              (status = 409, description = "A shift is already open at this location", body = ErrorBody)))]
pub async fn open_shift(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<OpenShiftBody>,
) -> Result<Created<Shift>, ApiError> {
    Ok(Created(
        shifts::open(
            &state.services.db,
            &ctx,
            body.location_id,
            body.opening_float_minor,
            &body.currency,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/pos/shifts/{id}", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 200, description = "The shift", body = DataDoc<ShiftSchema>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody)))]
pub async fn get_shift(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Shift>, ApiError> {
    Ok(Data(shifts::get(&state.services.db, &ctx, path.id).await?))
}

#[utoipa::path(post, path = "/v1/pos/shifts/{id}/cash-movements", tag = "pos", security(("bearer" = [])), request_body = CashMovementBody,
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 201, description = "The movement", body = DataDoc<CashMovementSchema>),
              (status = 400, description = "Bad kind or amount, or no reason", body = ErrorBody),
              (status = 403, description = "Missing `pos.shift.manage`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody),
              (status = 409, description = "The shift is closed", body = ErrorBody)))]
pub async fn move_shift_cash(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<CashMovementBody>,
) -> Result<Created<CashMovement>, ApiError> {
    Ok(Created(
        shifts::move_cash(
            &state.services.db,
            &ctx,
            path.id,
            body.kind.into(),
            body.amount_minor,
            &body.reason,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/shifts/{id}/close", tag = "pos", security(("bearer" = [])), request_body = CloseShiftBody,
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 200, description = "The Z report, kept as it was closed", body = DataDoc<ShiftReportSchema>),
              (status = 400, description = "Bad counted cash or note", body = ErrorBody),
              (status = 403, description = "Missing `pos.shift.manage`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody),
              (status = 409, description = "The shift is already closed", body = ErrorBody)))]
pub async fn close_shift(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<CloseShiftBody>,
) -> Result<Data<ShiftReport>, ApiError> {
    Ok(Data(
        shifts::close(
            &state.services.db,
            &ctx,
            path.id,
            body.counted_cash_minor,
            body.note.as_deref(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/pos/shifts/{id}/report", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 200, description = "The X report of an open shift, or the Z report of a closed one", body = DataDoc<ShiftReportSchema>),
              (status = 403, description = "Missing `pos.report.read`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody)))]
pub async fn get_shift_report(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<ShiftReport>, ApiError> {
    Ok(Data(
        shifts::report(&state.services.db, &ctx, path.id).await?,
    ))
}

// ---------------------------------------------------------------- documented shapes

#[derive(ToSchema)]
#[schema(as = DiscountKind, rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
pub enum DiscountKindDoc {
    /// `value` is basis points: 1000 = 10 %.
    Percent,
    /// `value` is minor units off.
    Amount,
}

#[derive(ToSchema)]
#[schema(as = LineStatus, rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
pub enum LineStatusDoc {
    Active,
    Voided,
}

#[derive(ToSchema)]
#[schema(as = ReportKind)]
#[allow(dead_code)]
pub enum ReportKindDoc {
    /// A look at an open shift.
    X,
    /// The closing report.
    Z,
}

/// A discount on a line or a ticket, with why it was given.
#[derive(ToSchema)]
#[schema(as = AppliedDiscount, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct AppliedDiscountSchema {
    kind: DiscountKindDoc,
    value: i64,
    reason: Option<String>,
}

/// The figures of a ticket, without its lines, payments and refunds.
#[derive(ToSchema)]
#[schema(as = TicketHeader, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct TicketHeaderSchema {
    id: Uuid,
    location_id: Uuid,
    /// The local date the ticket belongs to; the day turns at 04:00 local time.
    business_day: NaiveDate,
    /// 1, 2, 3… per business per business day.
    number: i32,
    /// A table, a name, a buzzer number.
    label: Option<String>,
    status: TicketStatusParam,
    /// Fixed by the first line when not given at opening.
    currency: Option<String>,
    discount: Option<AppliedDiscountSchema>,
    service_charge_bp: i32,
    /// Sum of the lines' gross amounts.
    subtotal_minor: i64,
    /// Line and ticket discounts.
    discount_minor: i64,
    tax_minor: i64,
    service_charge_minor: i64,
    /// What is owed: net subtotal + tax + service charge (tips are extra).
    total_minor: i64,
    paid_minor: i64,
    tip_minor: i64,
    refunded_minor: i64,
    /// Still to pay.
    balance_minor: i64,
    opened_by: Option<Uuid>,
    opened_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    settled_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
    void_reason: Option<String>,
    /// Bumped by every change; pass it back as `expectedVersion`.
    version: i64,
    updated_at: DateTime<Utc>,
}

/// A ticket with its lines, payments and refunds.
#[derive(ToSchema)]
#[schema(as = Ticket, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct TicketSchema {
    #[serde(flatten)]
    header: TicketHeaderSchema,
    /// In the order they were added, voided ones included.
    lines: Vec<TicketLineSchema>,
    payments: Vec<PaymentSchema>,
    refunds: Vec<RefundSchema>,
}

/// A modifier as it was chosen for a line (names and prices kept as sold).
#[derive(ToSchema)]
#[schema(as = ChosenModifier, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ChosenModifierSchema {
    modifier_id: Uuid,
    group_id: Uuid,
    name: String,
    price_delta_minor: i64,
}

#[derive(ToSchema)]
#[schema(as = TicketLine, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct TicketLineSchema {
    id: Uuid,
    ticket_id: Uuid,
    position: i32,
    menu_item_id: Uuid,
    variant_id: Option<Uuid>,
    sku: String,
    name: String,
    variant_name: Option<String>,
    quantity: i32,
    /// The item's price with its variant, when added.
    unit_price_minor: i64,
    modifiers: Vec<ChosenModifierSchema>,
    tax_rate_bp: i32,
    note: Option<String>,
    discount: Option<AppliedDiscountSchema>,
    status: LineStatusDoc,
    void_reason: Option<String>,
    gross_minor: i64,
    /// Its own discount and its share of the ticket's.
    discount_minor: i64,
    net_minor: i64,
    tax_minor: i64,
    /// How many were refunded and put back in stock.
    returned: i32,
    /// When the kitchen got it.
    sent_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

#[derive(ToSchema)]
#[schema(as = Payment, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct PaymentSchema {
    id: Uuid,
    ticket_id: Uuid,
    shift_id: Option<Uuid>,
    method: PaymentMethodParam,
    /// What the payment put against the ticket's total.
    amount_minor: i64,
    tip_minor: i64,
    /// Cash handed over.
    tendered_minor: Option<i64>,
    /// Cash given back.
    change_minor: i64,
    currency: String,
    card_brand: Option<String>,
    card_last4: Option<String>,
    provider_ref: Option<String>,
    refunded_minor: i64,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

#[derive(ToSchema)]
#[schema(as = RefundLine, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct RefundLineSchema {
    line_id: Uuid,
    quantity: i32,
}

#[derive(ToSchema)]
#[schema(as = Refund, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct RefundSchema {
    id: Uuid,
    ticket_id: Uuid,
    payment_id: Uuid,
    amount_minor: i64,
    reason: String,
    /// Whether the goods went back into stock.
    restock: bool,
    /// What went back into stock.
    lines: Vec<RefundLineSchema>,
    provider_ref: Option<String>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

/// A payment taken. A retry with the same idempotency key answers this again, as it was.
#[derive(ToSchema)]
#[schema(as = PaymentResult, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct PaymentResultSchema {
    payment: PaymentSchema,
    /// The ticket's figures after the payment (GET the ticket for its lines).
    ticket: TicketHeaderSchema,
    /// Cash to hand back.
    change_due_minor: i64,
}

/// A refund made. A retry with the same idempotency key answers this again, as it was.
#[derive(ToSchema)]
#[schema(as = RefundResult, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct RefundResultSchema {
    refund: RefundSchema,
    /// The ticket's figures after the refund (GET the ticket for its lines).
    ticket: TicketHeaderSchema,
}

#[derive(ToSchema)]
#[schema(as = ReceiptLine, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ReceiptLineSchema {
    name: String,
    quantity: i32,
    modifiers: Vec<String>,
    note: Option<String>,
    /// Unit price with modifiers.
    unit_price_minor: i64,
    gross_minor: i64,
    discount_minor: i64,
    net_minor: i64,
}

#[derive(ToSchema)]
#[schema(as = ReceiptTax, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ReceiptTaxSchema {
    rate_bp: i32,
    /// The net amount taxed at this rate.
    base_minor: i64,
    tax_minor: i64,
}

#[derive(ToSchema)]
#[schema(as = ReceiptPayment, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ReceiptPaymentSchema {
    method: PaymentMethodParam,
    amount_minor: i64,
    tip_minor: i64,
    tendered_minor: Option<i64>,
    change_minor: i64,
    card_brand: Option<String>,
    card_last4: Option<String>,
}

#[derive(ToSchema)]
#[schema(as = ReceiptRefund, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ReceiptRefundSchema {
    amount_minor: i64,
    reason: String,
    created_at: DateTime<Utc>,
}

/// What the customer gets: the active lines, taxes by rate, payments and refunds.
#[derive(ToSchema)]
#[schema(as = Receipt, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ReceiptSchema {
    ticket_id: Uuid,
    business_name: String,
    location_name: String,
    /// `2026-11-25 #42`.
    number: String,
    business_day: NaiveDate,
    label: Option<String>,
    status: TicketStatusParam,
    currency: String,
    lines: Vec<ReceiptLineSchema>,
    subtotal_minor: i64,
    discount_minor: i64,
    taxes: Vec<ReceiptTaxSchema>,
    tax_minor: i64,
    service_charge_minor: i64,
    total_minor: i64,
    tip_minor: i64,
    payments: Vec<ReceiptPaymentSchema>,
    refunds: Vec<ReceiptRefundSchema>,
    settled_at: Option<DateTime<Utc>>,
    /// A reprint: marked DUPLICATE.
    duplicate: bool,
    /// 40 columns, for a receipt printer.
    text: String,
    html: String,
}

/// A till session at one location, with its cash drawer.
#[derive(ToSchema)]
#[schema(as = Shift, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ShiftSchema {
    id: Uuid,
    location_id: Uuid,
    currency: String,
    status: ShiftStatusParam,
    opening_float_minor: i64,
    opened_by: Option<Uuid>,
    opened_at: DateTime<Utc>,
    counted_cash_minor: Option<i64>,
    expected_cash_minor: Option<i64>,
    /// Counted minus expected: negative means cash is missing.
    variance_minor: Option<i64>,
    close_note: Option<String>,
    closed_by: Option<Uuid>,
    closed_at: Option<DateTime<Utc>>,
}

/// Cash put into or taken out of a shift's drawer.
#[derive(ToSchema)]
#[schema(as = CashMovement, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct CashMovementSchema {
    id: Uuid,
    shift_id: Uuid,
    kind: CashMovementKindParam,
    amount_minor: i64,
    reason: String,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

/// A shift's figures. Sales are the tickets settled at the shift's location
/// while it was open; money is what went through its drawer and card reader.
#[derive(ToSchema)]
#[schema(as = ShiftReport, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ShiftReportSchema {
    kind: ReportKindDoc,
    shift_id: Uuid,
    location_id: Uuid,
    currency: String,
    opened_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    tickets_settled: i64,
    gross_sales_minor: i64,
    discounts_minor: i64,
    tax_minor: i64,
    service_charge_minor: i64,
    /// What settled tickets came to (gross − discounts + tax + service).
    total_sales_minor: i64,
    payments_count: i64,
    cash_payments_minor: i64,
    card_payments_minor: i64,
    tips_minor: i64,
    cash_refunds_minor: i64,
    card_refunds_minor: i64,
    opening_float_minor: i64,
    cash_in_minor: i64,
    cash_out_minor: i64,
    /// Float + cash taken (with tips) − cash refunded + cash in − cash out.
    expected_cash_minor: i64,
    counted_cash_minor: Option<i64>,
    /// Counted minus expected: negative means cash is missing.
    variance_minor: Option<i64>,
    generated_at: DateTime<Utc>,
}
