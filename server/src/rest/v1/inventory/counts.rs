//! `/v1/inventory/counts`: start a count, record its lines, post or cancel it.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::v1::IdPath;
use crate::rest::{Caller, Created, Data, JsonBody, PathParams, QueryParams};
use crate::state::AppState;
use kernel::{CountId, LocationId, StockItemId};
use schema::inventory::counts::{self, CountStatus, CountedLine, NewCount, StockCount};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct CountListParams {
    pub location_id: Option<LocationId>,
    pub status: Option<CountStatus>,
}

/// `/counts/{id}/lines/{stockItemId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountLinePath {
    pub id: CountId,
    pub stock_item_id: StockItemId,
}

#[utoipa::path(get, path = "/v1/inventory/counts", tag = "inventory", security(("bearer" = [])), params(CountListParams),
    responses((status = 200, description = "The 100 newest counts", body = DataDoc<Vec<StockCount>>),
              (status = 400, description = "Bad location or status", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn list_counts(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<CountListParams>,
) -> Result<Data<Vec<StockCount>>, ApiError> {
    Ok(Data(
        counts::list(&state.services.db, &ctx, params.location_id, params.status).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/counts", tag = "inventory", security(("bearer" = [])), request_body = NewCount,
    responses((status = 201, description = "The open count", body = DataDoc<StockCount>),
              (status = 400, description = "No such location, or the note is too long", body = ErrorBody),
              (status = 403, description = "Missing `inventory.count.manage`", body = ErrorBody)))]
pub async fn start_count(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewCount>,
) -> Result<Created<StockCount>, ApiError> {
    Ok(Created(
        counts::start(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/counts/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Count id")),
    responses((status = 200, description = "The count with its lines", body = DataDoc<StockCount>),
              (status = 404, description = "No such count", body = ErrorBody)))]
pub async fn get_count(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(
        counts::get(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(put, path = "/v1/inventory/counts/{id}/lines/{stockItemId}", tag = "inventory", security(("bearer" = [])),
    request_body = CountedLine,
    params(("id" = Uuid, Path, description = "Count id"),
           ("stockItemId" = Uuid, Path, description = "Stock item id")),
    responses((status = 200, description = "The count with the line recorded (or corrected)", body = DataDoc<StockCount>),
              (status = 400, description = "Negative quantity, bad time, or no such stock item", body = ErrorBody),
              (status = 404, description = "No such count", body = ErrorBody),
              (status = 409, description = "The count is posted or cancelled", body = ErrorBody)))]
pub async fn record_count_line(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<CountLinePath>,
    JsonBody(body): JsonBody<CountedLine>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(
        counts::record_line(&state.services.db, &ctx, path.id, path.stock_item_id, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/counts/{id}/post", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Count id")),
    responses((status = 200, description = "The posted count: on-hand restarts from what was counted; expected and variance are frozen", body = DataDoc<StockCount>),
              (status = 400, description = "The count has no lines", body = ErrorBody),
              (status = 404, description = "No such count", body = ErrorBody),
              (status = 409, description = "The count is posted or cancelled", body = ErrorBody)))]
pub async fn post_count(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(
        counts::post(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/counts/{id}/cancel", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Count id")),
    responses((status = 200, description = "The cancelled count", body = DataDoc<StockCount>),
              (status = 404, description = "No such count", body = ErrorBody),
              (status = 409, description = "The count is posted or cancelled", body = ErrorBody)))]
pub async fn cancel_count(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(
        counts::cancel(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route("/inventory/counts", get(list_counts).post(start_count))
        .route("/inventory/counts/{id}", get(get_count))
        .route(
            "/inventory/counts/{id}/lines/{stockItemId}",
            put(record_count_line),
        )
        .route("/inventory/counts/{id}/post", post(post_count))
        .route("/inventory/counts/{id}/cancel", post(cancel_count))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_counts,
    start_count,
    get_count,
    record_count_line,
    post_count,
    cancel_count
))]
pub struct Api;
