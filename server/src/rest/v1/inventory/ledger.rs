//! `/v1/inventory`: the levels the ledger keeps, adjustments (with an
//! `Idempotency-Key`), and the ledger's movements.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{
    Caller, Created, Data, JsonBody, ListQuery, PageParams, Paged, QueryParams, idempotency_key,
};
use crate::state::AppState;
use http::HeaderMap;
use kernel::{LocationId, StockItemId};
use schema::inventory::items::{self as stock, StockLevel};
use schema::inventory::ledger::{self, Adjustment, Movement, StockAdjustment};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LevelParams {
    /// Levels at this location only.
    pub location_id: Option<LocationId>,
    /// Levels of this stock item only (inactive items included).
    pub stock_item_id: Option<StockItemId>,
    /// Only levels at or below their reorder point.
    pub low_only: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MovementParams {
    pub stock_item_id: Option<StockItemId>,
    pub location_id: Option<LocationId>,
}

#[utoipa::path(get, path = "/v1/inventory/levels", tag = "inventory", security(("bearer" = [])), params(LevelParams),
    responses((status = 200, description = "Levels of every active item at a location, of one item everywhere, or both", body = DataDoc<Vec<StockLevel>>),
              (status = 400, description = "Bad query parameter", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn stock_levels(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<LevelParams>,
) -> Result<Data<Vec<StockLevel>>, ApiError> {
    Ok(Data(
        stock::levels(
            &state.services.db,
            &ctx,
            params.location_id,
            params.stock_item_id,
            params.low_only.unwrap_or(false),
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/adjustments", tag = "inventory", security(("bearer" = [])), request_body = Adjustment,
    params(("Idempotency-Key" = Option<String>, Header,
            description = "1 to 255 visible ASCII characters (a UUID is a good choice). A retry with the same key and body answers the first result and moves no stock again; the same key with another body is `CONFLICT`. Kept 7 days.")),
    responses((status = 201, description = "The movement and the level it left", body = DataDoc<StockAdjustment>),
              (status = 400, description = "Zero or bad quantity, bad kind or time, no such location, bad idempotency key", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.adjust`", body = ErrorBody),
              (status = 404, description = "No such stock item", body = ErrorBody),
              (status = 409, description = "The idempotency key was used with a different body", body = ErrorBody)))]
pub async fn adjust_stock(
    Caller { state, ctx }: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Adjustment>,
) -> Result<Created<StockAdjustment>, ApiError> {
    let key = idempotency_key(&headers)?;
    Ok(Created(
        ledger::adjust(&state.services.db, &ctx, body, key).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/movements", tag = "inventory", security(("bearer" = [])), params(MovementParams, PageParams),
    responses((status = 200, description = "The ledger, in the order it was recorded", body = PagedDoc<Movement>),
              (status = 400, description = "Bad filter, page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn stock_movements(
    Caller { state, ctx }: Caller,
    ListQuery { filter, page }: ListQuery<MovementParams>,
) -> Result<Paged<Movement>, ApiError> {
    Ok(ledger::movements(
        &state.services.db,
        &ctx,
        filter.stock_item_id,
        filter.location_id,
        page,
    )
    .await?
    .into())
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/inventory/levels", get(stock_levels))
        .route("/inventory/adjustments", post(adjust_stock))
        .route("/inventory/movements", get(stock_movements))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(stock_levels, adjust_stock, stock_movements))]
pub struct Api;
