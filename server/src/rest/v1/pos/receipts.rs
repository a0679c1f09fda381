//! `/v1/pos` receipts: structured, text and HTML, reprints and email.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::v1::IdPath;
use crate::rest::{Caller, Data, JsonBody, PathParams};
use crate::state::AppState;
use http::{StatusCode, header};
use kernel::TicketId;
use schema::pos::receipts::{self, Receipt, ReceiptEmail};
use serde::Serialize;
use utoipa::ToSchema;

/// `POST /receipt/email`: the email job has it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ReceiptEmailQueued)]
pub struct ReceiptEmailQueued {
    pub queued: bool,
}

#[utoipa::path(get, path = "/v1/pos/tickets/{id}/receipt", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt: structured, and as text and HTML", body = DataDoc<Receipt>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket_receipt(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Receipt>, ApiError> {
    Ok(Data(
        receipts::get(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(get, path = "/v1/pos/tickets/{id}/receipt.txt", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt as 40-column text, for a receipt printer", body = String, content_type = "text/plain"),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket_receipt_text(
    caller: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Rendered, ApiError> {
    rendered(caller, path.id.into(), "text/plain; charset=utf-8", |r| {
        r.text
    })
    .await
}

#[utoipa::path(get, path = "/v1/pos/tickets/{id}/receipt.html", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt as an HTML page", body = String, content_type = "text/html"),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn get_ticket_receipt_html(
    caller: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Rendered, ApiError> {
    rendered(caller, path.id.into(), "text/html; charset=utf-8", |r| {
        r.html
    })
    .await
}

/// A receipt as a page of one content type.
type Rendered = ([(header::HeaderName, &'static str); 1], String);

/// The text and HTML receipts: the same receipt, one of its renderings.
async fn rendered(
    Caller { state, ctx }: Caller,
    ticket: TicketId,
    content_type: &'static str,
    rendering: fn(Receipt) -> String,
) -> Result<Rendered, ApiError> {
    let receipt = receipts::get(&state.services.db, &ctx, ticket).await?;
    Ok(([(header::CONTENT_TYPE, content_type)], rendering(receipt)))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/receipt/reprint", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The receipt again, marked DUPLICATE (kept in the audit trail)", body = DataDoc<Receipt>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn reprint_ticket_receipt(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Receipt>, ApiError> {
    Ok(Data(
        receipts::reprint(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/receipt/email", tag = "pos", security(("bearer" = [])), request_body = ReceiptEmail,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 202, description = "The email job will send it", body = DataDoc<ReceiptEmailQueued>),
              (status = 400, description = "Not an email address", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "The ticket is voided", body = ErrorBody)))]
pub async fn email_ticket_receipt(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<ReceiptEmail>,
) -> Result<(StatusCode, Data<ReceiptEmailQueued>), ApiError> {
    let queued = receipts::email(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok((StatusCode::ACCEPTED, Data(ReceiptEmailQueued { queued })))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/pos/tickets/{id}/receipt", get(get_ticket_receipt))
        .route(
            "/pos/tickets/{id}/receipt.txt",
            get(get_ticket_receipt_text),
        )
        .route(
            "/pos/tickets/{id}/receipt.html",
            get(get_ticket_receipt_html),
        )
        .route(
            "/pos/tickets/{id}/receipt/reprint",
            post(reprint_ticket_receipt),
        )
        .route(
            "/pos/tickets/{id}/receipt/email",
            post(email_ticket_receipt),
        )
}
