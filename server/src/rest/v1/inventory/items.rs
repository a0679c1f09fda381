//! `/v1/inventory/items`: stock items and their reorder points.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::v1::IdPath;
use crate::rest::{Caller, Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams};
use crate::state::AppState;
use kernel::{LocationId, StockItemId};
use schema::inventory::items::{
    self as stock, NewStockItem, StockItem, StockItemPatch, StockLevel,
};
use schema::inventory::levels::ReorderPoint;
use serde::Deserialize;

/// `/items/{id}/reorder-points/{locationId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReorderPointPath {
    pub id: StockItemId,
    pub location_id: LocationId,
}

#[utoipa::path(get, path = "/v1/inventory/items", tag = "inventory", security(("bearer" = [])), params(PageParams),
    responses((status = 200, description = "Stock items, oldest first", body = PagedDoc<StockItem>),
              (status = 400, description = "Bad page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read` or the inventory module is off", body = ErrorBody)))]
pub async fn list_stock_items(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<StockItem>, ApiError> {
    Ok(stock::list(&state.services.db, &ctx, params.request()?)
        .await?
        .into())
}

#[utoipa::path(post, path = "/v1/inventory/items", tag = "inventory", security(("bearer" = [])), request_body = NewStockItem,
    responses((status = 201, description = "The new stock item", body = DataDoc<StockItem>),
              (status = 400, description = "Bad SKU, name, unit or menu item", body = ErrorBody),
              (status = 403, description = "Missing `inventory.item.write`", body = ErrorBody),
              (status = 409, description = "A stock item with that SKU, or for that menu item, exists", body = ErrorBody)))]
pub async fn create_stock_item(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewStockItem>,
) -> Result<Created<StockItem>, ApiError> {
    Ok(Created(
        stock::create(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/items/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Stock item id")),
    responses((status = 200, description = "The stock item", body = DataDoc<StockItem>),
              (status = 404, description = "No such stock item", body = ErrorBody)))]
pub async fn get_stock_item(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockItem>, ApiError> {
    Ok(Data(
        stock::get(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/inventory/items/{id}", tag = "inventory", security(("bearer" = [])), request_body = StockItemPatch,
    params(("id" = Uuid, Path, description = "Stock item id")),
    responses((status = 200, description = "The stock item", body = DataDoc<StockItem>),
              (status = 400, description = "Bad name or menu item", body = ErrorBody),
              (status = 404, description = "No such stock item", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the menu item has a stock item", body = ErrorBody)))]
pub async fn update_stock_item(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<StockItemPatch>,
) -> Result<Data<StockItem>, ApiError> {
    Ok(Data(
        stock::update(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(put, path = "/v1/inventory/items/{id}/reorder-points/{locationId}", tag = "inventory", security(("bearer" = [])),
    request_body = ReorderPoint,
    params(("id" = Uuid, Path, description = "Stock item id"),
           ("locationId" = Uuid, Path, description = "Location id")),
    responses((status = 200, description = "The level with its reorder point", body = DataDoc<StockLevel>),
              (status = 400, description = "Negative point, or no such location", body = ErrorBody),
              (status = 403, description = "Missing `inventory.item.write`", body = ErrorBody),
              (status = 404, description = "No such stock item", body = ErrorBody)))]
pub async fn set_reorder_point(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<ReorderPointPath>,
    JsonBody(body): JsonBody<ReorderPoint>,
) -> Result<Data<StockLevel>, ApiError> {
    Ok(Data(
        stock::set_reorder_point(&state.services.db, &ctx, path.id, path.location_id, body).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, put};
    axum::Router::new()
        .route(
            "/inventory/items",
            get(list_stock_items).post(create_stock_item),
        )
        .route(
            "/inventory/items/{id}",
            get(get_stock_item).patch(update_stock_item),
        )
        .route(
            "/inventory/items/{id}/reorder-points/{locationId}",
            put(set_reorder_point),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_stock_items,
    create_stock_item,
    get_stock_item,
    update_stock_item,
    set_reorder_point
))]
pub struct Api;
