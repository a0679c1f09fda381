//! `/v1/inventory/transfers`: send stock between locations, receive or
//! cancel it.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::v1::IdPath;
use crate::rest::{Caller, Created, Data, JsonBody, PathParams, QueryParams};
use crate::state::AppState;
use kernel::LocationId;
use schema::inventory::transfers::{self, NewTransfer, StockTransfer, TransferStatus};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TransferListParams {
    pub status: Option<TransferStatus>,
    /// Transfers from or to this location.
    pub location_id: Option<LocationId>,
}

#[utoipa::path(get, path = "/v1/inventory/transfers", tag = "inventory", security(("bearer" = [])), params(TransferListParams),
    responses((status = 200, description = "The 100 newest transfers", body = DataDoc<Vec<StockTransfer>>),
              (status = 400, description = "Bad status or location", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn list_transfers(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<TransferListParams>,
) -> Result<Data<Vec<StockTransfer>>, ApiError> {
    Ok(Data(
        transfers::list(&state.services.db, &ctx, params.status, params.location_id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/transfers", tag = "inventory", security(("bearer" = [])), request_body = NewTransfer,
    responses((status = 201, description = "The transfer, in transit: the stock has left the source", body = DataDoc<StockTransfer>),
              (status = 400, description = "Same source and destination, bad lines, or no such location or stock item", body = ErrorBody),
              (status = 403, description = "Missing `inventory.transfer.manage`", body = ErrorBody)))]
pub async fn send_transfer(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewTransfer>,
) -> Result<Created<StockTransfer>, ApiError> {
    Ok(Created(
        transfers::send(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/transfers/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Transfer id")),
    responses((status = 200, description = "The transfer with its lines", body = DataDoc<StockTransfer>),
              (status = 404, description = "No such transfer", body = ErrorBody)))]
pub async fn get_transfer(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockTransfer>, ApiError> {
    Ok(Data(
        transfers::get(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/transfers/{id}/receive", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Transfer id")),
    responses((status = 200, description = "The received transfer: the stock is at the destination", body = DataDoc<StockTransfer>),
              (status = 403, description = "Missing `inventory.transfer.manage`", body = ErrorBody),
              (status = 404, description = "No such transfer", body = ErrorBody),
              (status = 409, description = "The transfer is received or cancelled", body = ErrorBody)))]
pub async fn receive_transfer(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockTransfer>, ApiError> {
    Ok(Data(
        transfers::receive(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/transfers/{id}/cancel", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Transfer id")),
    responses((status = 200, description = "The cancelled transfer: the stock is back at the source", body = DataDoc<StockTransfer>),
              (status = 403, description = "Missing `inventory.transfer.manage`", body = ErrorBody),
              (status = 404, description = "No such transfer", body = ErrorBody),
              (status = 409, description = "The transfer is received or cancelled", body = ErrorBody)))]
pub async fn cancel_transfer(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockTransfer>, ApiError> {
    Ok(Data(
        transfers::cancel(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(
            "/inventory/transfers",
            get(list_transfers).post(send_transfer),
        )
        .route("/inventory/transfers/{id}", get(get_transfer))
        .route("/inventory/transfers/{id}/receive", post(receive_transfer))
        .route("/inventory/transfers/{id}/cancel", post(cancel_transfer))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_transfers,
    send_transfer,
    get_transfer,
    receive_transfer,
    cancel_transfer
))]
pub struct Api;
