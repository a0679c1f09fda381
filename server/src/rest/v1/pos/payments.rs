//! `/v1/pos` payments: take one, settle, read one, refund one.

use super::{TicketView, view};
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::v1::IdPath;
use crate::rest::{
    Caller, Created, Data, JsonBody, PathParams, idempotency_key, required_idempotency_key,
};
use crate::state::AppState;
use http::HeaderMap;
use schema::pos::payments::{self, NewPayment, NewRefund, Payment, PaymentResult, RefundResult};

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/payments", tag = "pos", security(("bearer" = [])), request_body = NewPayment,
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("Idempotency-Key" = String, Header,
            description = "Required. 1 to 255 visible ASCII characters, one per payment attempt (a UUID is a good choice). A retry with the same key and body answers the first result and charges nothing again; the same key with another body is `CONFLICT`. Kept 7 days.")),
    responses((status = 201, description = "The payment, the ticket's new totals and the change due", body = DataDoc<PaymentResult>),
              (status = 400, description = "No or bad idempotency key, bad amounts, nothing to pay, or the card declined", body = ErrorBody),
              (status = 403, description = "Missing `pos.payment.take`, or tips or split payments are switched off", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "The ticket is paid, settled or voided; cash without an open shift; the key was used with another body", body = ErrorBody)))]
pub async fn take_ticket_payment(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewPayment>,
) -> Result<Created<PaymentResult>, ApiError> {
    let key = required_idempotency_key(&headers)?;
    let db = &state.services.db;
    Ok(Created(
        payments::take(db, &ctx, path.id.into(), body, key).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/tickets/{id}/settle", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id"),
           ("Idempotency-Key" = Option<String>, Header,
            description = "1 to 255 visible ASCII characters. Settling a settled ticket already answers it unchanged; a key also makes a retry answer the first result.")),
    responses((status = 200, description = "The settled ticket (`pos.ticket.settled`: the kitchen closes it, stock is deducted)", body = DataDoc<TicketView>),
              (status = 400, description = "Nothing on the ticket, or a bad idempotency key", body = ErrorBody),
              (status = 403, description = "Missing `pos.payment.take`", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "Not fully paid (`details.balanceMinor`), or voided", body = ErrorBody)))]
pub async fn settle_ticket(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    headers: HeaderMap,
) -> Result<Data<TicketView>, ApiError> {
    let key = idempotency_key(&headers)?;
    let ticket = payments::settle(&state.services.db, &ctx, path.id.into(), key).await?;
    Ok(Data(view(&state, &ctx, ticket).await?))
}

#[utoipa::path(get, path = "/v1/pos/payments/{id}", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Payment id")),
    responses((status = 200, description = "The payment", body = DataDoc<Payment>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such payment", body = ErrorBody)))]
pub async fn get_payment(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Payment>, ApiError> {
    Ok(Data(
        payments::get_payment(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/payments/{id}/refunds", tag = "pos", security(("bearer" = [])), request_body = NewRefund,
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = String, Header,
            description = "Required. 1 to 255 visible ASCII characters, one per refund attempt. A retry with the same key and body answers the first result and refunds nothing again; the same key with another body is `CONFLICT`. Kept 7 days.")),
    responses((status = 201, description = "The refund, to the tender the payment was made with, and the ticket's new totals", body = DataDoc<RefundResult>),
              (status = 400, description = "No or bad idempotency key, no reason, more than is left to refund, or bad lines", body = ErrorBody),
              (status = 403, description = "Missing `pos.payment.refund`", body = ErrorBody),
              (status = 404, description = "No such payment", body = ErrorBody),
              (status = 409, description = "The ticket is not settled, the payment is fully refunded, cash without an open shift, or the key was used with another body", body = ErrorBody)))]
pub async fn refund_payment(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewRefund>,
) -> Result<Created<RefundResult>, ApiError> {
    let key = required_idempotency_key(&headers)?;
    let db = &state.services.db;
    Ok(Created(
        payments::refund(db, &ctx, path.id.into(), body, key).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/pos/tickets/{id}/payments", post(take_ticket_payment))
        .route("/pos/tickets/{id}/settle", post(settle_ticket))
        .route("/pos/payments/{id}", get(get_payment))
        .route("/pos/payments/{id}/refunds", post(refund_payment))
}
