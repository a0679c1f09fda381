//! `/v1/pos` tickets: open, list, change, lines, discounts, kitchen sends, voids.

use super::{TicketView, view, views};
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::v1::IdPath;
use crate::rest::{Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams, present};
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use chrono::NaiveDate;
use kernel::RequestContext;
use schema::pagination::Page;
use schema::pos::tickets::{
    self, DiscountInput, LinePatch, NewLine, NewTicket, TicketFilter, TicketStatus,
};
use schema::text::{CurrencyCode, Label, Note, Reason};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TicketListParams {
    pub location_id: Option<Uuid>,
    pub status: Option<TicketStatus>,
    /// `YYYY-MM-DD`; the business day turns at 04:00 local time.
    pub business_day: Option<NaiveDate>,
    /// Page size, 1 to 100 (default 50).
    pub first: Option<i64>,
    /// The `endCursor` of the previous page.
    pub after: Option<String>,
}

/// `/tickets/{id}/lines/{lineId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketLinePath {
    pub id: Uuid,
    pub line_id: Uuid,
}

#[utoipa::path(get, path = "/v1/pos/tickets", tag = "pos", security(("bearer" = [])), params(TicketListParams),
    responses((status = 200, description = "Tickets with their lines, payments and refunds, oldest first", body = PagedDoc<TicketView>),
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
        status: params.status,
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
    responses((status = 201, description = "The open ticket, numbered for its business day", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The ticket with its lines, payments and refunds", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The ticket", body = DataDoc<TicketView>),
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
    responses((status = 201, description = "The ticket with the new line last", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The ticket", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The ticket with the line voided", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The ticket with its discount set, changed or removed", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The ticket with the line's discount set, changed or removed", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The ticket, its new lines sent to the kitchen (`pos.ticket.sent`)", body = DataDoc<TicketView>),
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
    responses((status = 200, description = "The voided ticket", body = DataDoc<TicketView>),
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

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch, post, put};
    axum::Router::new()
        .route("/pos/tickets", get(list_tickets).post(open_ticket))
        .route("/pos/tickets/{id}", get(get_ticket).patch(update_ticket))
        .route("/pos/tickets/{id}/lines", post(add_ticket_line))
        .route(
            "/pos/tickets/{id}/lines/{lineId}",
            patch(update_ticket_line),
        )
        .route(
            "/pos/tickets/{id}/lines/{lineId}/void",
            post(void_ticket_line),
        )
        .route(
            "/pos/tickets/{id}/lines/{lineId}/discount",
            put(set_ticket_line_discount),
        )
        .route("/pos/tickets/{id}/discount", put(set_ticket_discount))
        .route("/pos/tickets/{id}/send", post(send_ticket))
        .route("/pos/tickets/{id}/void", post(void_ticket))
}
