//! `/v1/pos` tickets: open, list, change, lines, discounts, kitchen sends, voids.

use super::{TicketView, view, views};
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::v1::IdPath;
use crate::rest::{
    Caller, Created, Data, JsonBody, ListQuery, PageParams, Paged, PathParams, view_page,
};
use crate::state::AppState;
use chrono::NaiveDate;
use kernel::{LineId, LocationId, TicketId};
use schema::pos::tickets::{
    self, DiscountInput, FireCourse, LinePatch, LineVoid, MergeTickets, MoveTicket, NewLine,
    NewTicket, SendTicket, SplitTicket, TicketFilter, TicketPatch, TicketStatus, TicketVoid,
};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TicketListParams {
    pub location_id: Option<LocationId>,
    pub status: Option<TicketStatus>,
    /// `YYYY-MM-DD`; the business day turns at 04:00 local time.
    pub business_day: Option<NaiveDate>,
}

/// `/tickets/{id}/lines/{lineId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketLinePath {
    pub id: TicketId,
    pub line_id: LineId,
}

#[utoipa::path(get, path = "/v1/pos/tickets", tag = "pos", security(("bearer" = [])), params(TicketListParams, PageParams),
    responses((status = 200, description = "Tickets with their lines, payments and refunds, oldest first", body = PagedDoc<TicketView>),
              (status = 400, description = "Bad location, status, business day, page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.read` or the POS module is off", body = ErrorBody)))]
pub async fn list_tickets(
    Caller { state, ctx }: Caller,
    ListQuery { filter, page }: ListQuery<TicketListParams>,
) -> Result<Paged<TicketView>, ApiError> {
    let filter = TicketFilter {
        location_id: filter.location_id,
        status: filter.status,
        business_day: filter.business_day,
    };
    let found = tickets::list(&state.services.db, &ctx, filter, page).await?;
    Ok(view_page(found, async |items| views(&state, &ctx, items).await).await?)
}

#[utoipa::path(post, path = "/v1/pos/tickets", tag = "pos", security(("bearer" = [])), request_body = NewTicket,
    responses((status = 201, description = "The open ticket, numbered for its business day", body = DataDoc<TicketView>),
              (status = 400, description = "Bad label, currency or service charge, or no such location", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody)))]
pub async fn open_ticket(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewTicket>,
) -> Result<Created<TicketView>, ApiError> {
    let ticket = tickets::open(&state.services.db, &ctx, body).await?;
    Ok(Created(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(get, path = "/v1/pos/tickets/{id}", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket with its lines, payments and refunds", body = DataDoc<TicketView>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::get(&state.services.db, &ctx, path.id.into()).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(patch, path = "/v1/pos/tickets/{id}", tag = "pos", security(("bearer" = [])), request_body = TicketPatch,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket", body = DataDoc<TicketView>),
              (status = 400, description = "Bad label or service charge", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn update_ticket(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TicketPatch>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::update(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/lines", tag = "pos", security(("bearer" = [])), request_body = NewLine,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 201, description = "The ticket with the new line last", body = DataDoc<TicketView>),
              (status = 400, description = "Bad quantity or note; no such item, variant or modifier; modifiers outside their groups' limits; another currency", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, the item is sold out, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn add_ticket_line(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<NewLine>,
) -> Result<Created<TicketView>, ApiError> {
    let ticket = tickets::add_line(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Created(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(patch, path = "/v1/pos/tickets/{id}/lines/{lineId}", tag = "pos", security(("bearer" = [])), request_body = LinePatch,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("lineId" = Uuid, Path, description = "Line id")),
    responses((status = 200, description = "The ticket", body = DataDoc<TicketView>),
              (status = 400, description = "Bad quantity, note or modifiers", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket or line", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, the kitchen has the line (void it instead), or the ticket is settled or voided", body = ErrorBody)))]
pub async fn update_ticket_line(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<TicketLinePath>,
    JsonBody(body): JsonBody<LinePatch>,
) -> Result<Data<TicketView>, ApiError> {
    let db = &state.services.db;
    let ticket = tickets::update_line(db, &ctx, path.id, path.line_id, body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/lines/{lineId}/void", tag = "pos", security(("bearer" = [])), request_body = LineVoid,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("lineId" = Uuid, Path, description = "Line id")),
    responses((status = 200, description = "The ticket with the line voided", body = DataDoc<TicketView>),
              (status = 400, description = "A sent line needs a reason", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`, or `pos.ticket.void` for a line the kitchen has", body = ErrorBody),
              (status = 404, description = "No such ticket or line", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn void_ticket_line(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<TicketLinePath>,
    JsonBody(body): JsonBody<LineVoid>,
) -> Result<Data<TicketView>, ApiError> {
    let db = &state.services.db;
    let ticket = tickets::void_line(db, &ctx, path.id, path.line_id, body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(put, path = "/v1/pos/tickets/{id}/discount", tag = "pos", security(("bearer" = [])), request_body = DiscountInput,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket with its discount set, changed or removed", body = DataDoc<TicketView>),
              (status = 400, description = "Both a percentage and an amount, or either out of range", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.discount`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn set_ticket_discount(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<DiscountInput>,
) -> Result<Data<TicketView>, ApiError> {
    let db = &state.services.db;
    let ticket = tickets::set_discount(db, &ctx, path.id.into(), None, body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(put, path = "/v1/pos/tickets/{id}/lines/{lineId}/discount", tag = "pos", security(("bearer" = [])), request_body = DiscountInput,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("lineId" = Uuid, Path, description = "Line id")),
    responses((status = 200, description = "The ticket with the line's discount set, changed or removed", body = DataDoc<TicketView>),
              (status = 400, description = "Both a percentage and an amount, or either out of range", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.discount`", body = ErrorBody),
              (status = 404, description = "No such ticket or line", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn set_ticket_line_discount(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<TicketLinePath>,
    JsonBody(body): JsonBody<DiscountInput>,
) -> Result<Data<TicketView>, ApiError> {
    let db = &state.services.db;
    let ticket = tickets::set_discount(db, &ctx, path.id, Some(path.line_id), body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/send", tag = "pos", security(("bearer" = [])), request_body = SendTicket,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket, its new lines sent to the kitchen (`pos.ticket.sent`): course 1 fired, later courses held while an earlier one is in the kitchen unless timed otherwise", body = DataDoc<TicketView>),
              (status = 400, description = "A course timing is out of range", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, nothing is new, or the ticket is settled or voided", body = ErrorBody)))]
pub async fn send_ticket(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<SendTicket>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::send(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

/// Both halves of a split.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketSplitView {
    /// The ticket split, with the lines it kept.
    pub source: TicketView,
    /// The new ticket, with the lines it took.
    pub created: TicketView,
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/split", tag = "pos", security(("bearer" = [])), request_body = SplitTicket,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "Both tickets; the lines taken (and their kitchen work, never fired again) are on the new one", body = DataDoc<TicketSplitView>),
              (status = 400, description = "Neither or both of `lineIds` and `seats`, a line not on the ticket, no line at the seats, or every line taken", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, the ticket is not open, or it has payments", body = ErrorBody)))]
pub async fn split_ticket(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<SplitTicket>,
) -> Result<Data<TicketSplitView>, ApiError> {
    let split = tickets::split(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(TicketSplitView {
        source: view(&state, &ctx, split.source).await?,
        created: view(&state, &ctx, split.created).await?,
    }))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/merge", tag = "pos", security(("bearer" = [])), request_body = MergeTickets,
    params(("id" = Uuid, Path, description = "The ticket that takes the lines")),
    responses((status = 200, description = "This ticket with every line of the source; the source is `MERGED`", body = DataDoc<TicketView>),
              (status = 400, description = "The same ticket, another location or another currency", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, a ticket is not open, or one has payments", body = ErrorBody)))]
pub async fn merge_tickets(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<MergeTickets>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::merge(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/move", tag = "pos", security(("bearer" = [])), request_body = MoveTicket,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket at its new table; the kitchen's screens follow", body = DataDoc<TicketView>),
              (status = 400, description = "The label is empty or too long", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the ticket is not open", body = ErrorBody)))]
pub async fn move_ticket(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<MoveTicket>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::move_to(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/fire", tag = "pos", security(("bearer" = [])), request_body = FireCourse,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket; what the kitchen held of the course is fired", body = DataDoc<TicketView>),
              (status = 400, description = "`course` is not 1 to 9", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.write`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "Nothing of the course is held", body = ErrorBody)))]
pub async fn fire_course(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<FireCourse>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::fire_course(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/void", tag = "pos", security(("bearer" = [])), request_body = TicketVoid,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The voided ticket", body = DataDoc<TicketView>),
              (status = 400, description = "No reason", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.void`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, the ticket has payments, or it is settled or voided", body = ErrorBody)))]
pub async fn void_ticket(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TicketVoid>,
) -> Result<Data<TicketView>, ApiError> {
    let ticket = tickets::void(&state.services.db, &ctx, path.id.into(), body).await?;
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
        .route("/pos/tickets/{id}/fire", post(fire_course))
        .route("/pos/tickets/{id}/split", post(split_ticket))
        .route("/pos/tickets/{id}/merge", post(merge_tickets))
        .route("/pos/tickets/{id}/move", post(move_ticket))
        .route("/pos/tickets/{id}/void", post(void_ticket))
}
