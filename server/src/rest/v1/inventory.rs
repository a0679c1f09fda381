//! `/v1/inventory`: stock items, levels, the ledger, counts, transfers,
//! reorder points and recipes, over the same inventory services as GraphQL.
//!
//! Quantities are decimals of the stock item's unit: answers carry them as
//! strings ("0.25"); requests may send a string or a JSON number with at
//! most three decimals.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{
    Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams, idempotency_key, present,
};
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use kernel::RequestContext;
use schema::inventory::counts::{self, CountStatus, StockCount};
use schema::inventory::items::{
    self as stock, NewStockItem, StockItem, StockItemPatch, StockLevel,
};
use schema::inventory::ledger::{self, Adjustment, Movement, StockAdjustment};
use schema::inventory::recipes::{self, NewComponent, Recipe, RecipeOf};
use schema::inventory::transfers::{self, NewTransferLine, StockTransfer, TransferStatus};
use schema::inventory::{MovementKind, StockUnit};
use schema::quantity::{Quantity, QuantityInput};
use schema::text::{LongName, Note, Reason, Sku};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

// ---------------------------------------------------------------- inputs

/// What an adjustment records; counts and transfers have their own routes.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[schema(as = AdjustmentKind)]
pub enum AdjustmentKindParam {
    Received,
    Waste,
    Sale,
    RefundReturn,
}

impl From<AdjustmentKindParam> for MovementKind {
    fn from(k: AdjustmentKindParam) -> Self {
        match k {
            AdjustmentKindParam::Received => Self::Received,
            AdjustmentKindParam::Waste => Self::Waste,
            AdjustmentKindParam::Sale => Self::Sale,
            AdjustmentKindParam::RefundReturn => Self::RefundReturn,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockItemBody {
    /// 1 to 64 letters, digits, dashes, dots or underscores; unique in the business.
    pub sku: Sku,
    pub name: LongName,
    pub unit: StockUnit,
    /// For retail goods: the menu item that sells one of this.
    pub menu_item_id: Option<Uuid>,
}

/// Leave a field out to keep it; `expectedVersion` guards against lost updates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockItemPatchBody {
    pub expected_version: Option<i64>,
    pub name: Option<LongName>,
    /// A menu item id links it; `null` unlinks it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>, nullable)]
    pub menu_item_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReorderPointBody {
    /// At or below this the level is low; `null` clears it. Required.
    #[serde(deserialize_with = "Option::deserialize")]
    #[schema(required = true, nullable)]
    pub reorder_point: Option<QuantityInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdjustmentBody {
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    pub kind: AdjustmentKindParam,
    /// How much, more than zero; the kind gives the direction.
    pub quantity: QuantityInput,
    /// When it happened on the terminal (at most 5 minutes ahead, at most a year ago); now when left out.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Up to 500 characters.
    pub reason: Option<Reason>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountBody {
    pub location_id: Uuid,
    /// Up to 500 characters.
    pub note: Option<Note>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountLineBody {
    /// What is on the shelf, 0 or more.
    pub counted: QuantityInput,
    /// When it was counted; now when left out.
    pub counted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuantityLineBody {
    pub stock_item_id: Uuid,
    /// More than zero.
    pub quantity: QuantityInput,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferBody {
    pub from_location_id: Uuid,
    pub to_location_id: Uuid,
    /// 1 to 500 lines, each stock item once.
    pub lines: Vec<QuantityLineBody>,
    /// Up to 500 characters.
    pub note: Option<Note>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipeBody {
    /// Replaces the recipe (quantities consumed per one sold); an empty list clears it.
    pub components: Vec<QuantityLineBody>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LevelParams {
    /// Levels at this location only.
    pub location_id: Option<Uuid>,
    /// Levels of this stock item only (inactive items included).
    pub stock_item_id: Option<Uuid>,
    /// Only levels at or below their reorder point.
    pub low_only: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct MovementParams {
    pub stock_item_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    /// Page size, 1 to 100 (default 50).
    pub first: Option<i64>,
    /// The `endCursor` of the previous page.
    pub after: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct CountListParams {
    pub location_id: Option<Uuid>,
    pub status: Option<CountStatus>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TransferListParams {
    pub status: Option<TransferStatus>,
    /// Transfers from or to this location.
    pub location_id: Option<Uuid>,
}

/// `/items/{id}/reorder-points/{locationId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReorderPointPath {
    pub id: Uuid,
    pub location_id: Uuid,
}

/// `/counts/{id}/lines/{stockItemId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountLinePath {
    pub id: Uuid,
    pub stock_item_id: Uuid,
}

fn quantity_lines(lines: Vec<QuantityLineBody>) -> impl Iterator<Item = (Uuid, Quantity)> {
    lines
        .into_iter()
        .map(|l| (l.stock_item_id, l.quantity.into()))
}

// ---------------------------------------------------------------- stock items

#[utoipa::path(get, path = "/v1/inventory/items", tag = "inventory", security(("bearer" = [])), params(PageParams),
    responses((status = 200, description = "Stock items, oldest first", body = PagedDoc<StockItem>),
              (status = 400, description = "Bad page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read` or the inventory module is off", body = ErrorBody)))]
pub async fn list_stock_items(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<StockItem>, ApiError> {
    Ok(stock::list(&state.services.db, &ctx, params.request()?)
        .await?
        .into())
}

#[utoipa::path(post, path = "/v1/inventory/items", tag = "inventory", security(("bearer" = [])), request_body = StockItemBody,
    responses((status = 201, description = "The new stock item", body = DataDoc<StockItem>),
              (status = 400, description = "Bad SKU, name, unit or menu item", body = ErrorBody),
              (status = 403, description = "Missing `inventory.item.write`", body = ErrorBody),
              (status = 409, description = "A stock item with that SKU, or for that menu item, exists", body = ErrorBody)))]
pub async fn create_stock_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<StockItemBody>,
) -> Result<Created<StockItem>, ApiError> {
    let input = NewStockItem {
        sku: body.sku.into(),
        name: body.name.into(),
        unit: body.unit,
        menu_item_id: body.menu_item_id,
    };
    Ok(Created(
        stock::create(&state.services.db, &ctx, input).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/items/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Stock item id")),
    responses((status = 200, description = "The stock item", body = DataDoc<StockItem>),
              (status = 404, description = "No such stock item", body = ErrorBody)))]
pub async fn get_stock_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockItem>, ApiError> {
    Ok(Data(stock::get(&state.services.db, &ctx, path.id).await?))
}

#[utoipa::path(patch, path = "/v1/inventory/items/{id}", tag = "inventory", security(("bearer" = [])), request_body = StockItemPatchBody,
    params(("id" = Uuid, Path, description = "Stock item id")),
    responses((status = 200, description = "The stock item", body = DataDoc<StockItem>),
              (status = 400, description = "Bad name or menu item", body = ErrorBody),
              (status = 404, description = "No such stock item", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale, or the menu item has a stock item", body = ErrorBody)))]
pub async fn update_stock_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<StockItemPatchBody>,
) -> Result<Data<StockItem>, ApiError> {
    let patch = StockItemPatch {
        expected_version: body.expected_version,
        name: body.name.map(Into::into),
        menu_item_id: body.menu_item_id,
        active: body.active,
    };
    Ok(Data(
        stock::update(&state.services.db, &ctx, path.id, patch).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/levels", tag = "inventory", security(("bearer" = [])), params(LevelParams),
    responses((status = 200, description = "Levels of every active item at a location, of one item everywhere, or both", body = DataDoc<Vec<StockLevel>>),
              (status = 400, description = "Bad query parameter", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn stock_levels(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
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

#[utoipa::path(put, path = "/v1/inventory/items/{id}/reorder-points/{locationId}", tag = "inventory", security(("bearer" = [])),
    request_body = ReorderPointBody,
    params(("id" = Uuid, Path, description = "Stock item id"),
           ("locationId" = Uuid, Path, description = "Location id")),
    responses((status = 200, description = "The level with its reorder point", body = DataDoc<StockLevel>),
              (status = 400, description = "Negative point, or no such location", body = ErrorBody),
              (status = 403, description = "Missing `inventory.item.write`", body = ErrorBody),
              (status = 404, description = "No such stock item", body = ErrorBody)))]
pub async fn set_reorder_point(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<ReorderPointPath>,
    JsonBody(body): JsonBody<ReorderPointBody>,
) -> Result<Data<StockLevel>, ApiError> {
    Ok(Data(
        stock::set_reorder_point(
            &state.services.db,
            &ctx,
            path.id,
            path.location_id,
            body.reorder_point.map(Into::into),
        )
        .await?,
    ))
}

// ---------------------------------------------------------------- the ledger

#[utoipa::path(post, path = "/v1/inventory/adjustments", tag = "inventory", security(("bearer" = [])), request_body = AdjustmentBody,
    params(("Idempotency-Key" = Option<String>, Header,
            description = "1 to 255 visible ASCII characters (a UUID is a good choice). A retry with the same key and body answers the first result and moves no stock again; the same key with another body is `CONFLICT`. Kept 7 days.")),
    responses((status = 201, description = "The movement and the level it left", body = DataDoc<StockAdjustment>),
              (status = 400, description = "Zero or bad quantity, bad kind or time, no such location, bad idempotency key", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.adjust`", body = ErrorBody),
              (status = 404, description = "No such stock item", body = ErrorBody),
              (status = 409, description = "The idempotency key was used with a different body", body = ErrorBody)))]
pub async fn adjust_stock(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AdjustmentBody>,
) -> Result<Created<StockAdjustment>, ApiError> {
    let key = idempotency_key(&headers)?;
    let adjustment = Adjustment {
        stock_item_id: body.stock_item_id,
        location_id: body.location_id,
        kind: body.kind.into(),
        quantity: body.quantity.into(),
        occurred_at: body.occurred_at,
        reason: body.reason.map(Into::into),
    };
    Ok(Created(
        ledger::adjust(&state.services.db, &ctx, adjustment, key).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/movements", tag = "inventory", security(("bearer" = [])), params(MovementParams),
    responses((status = 200, description = "The ledger, in the order it was recorded", body = PagedDoc<Movement>),
              (status = 400, description = "Bad filter, page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn stock_movements(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<MovementParams>,
) -> Result<Paged<Movement>, ApiError> {
    let page = PageParams {
        first: params.first,
        after: params.after,
    }
    .request()?;
    Ok(ledger::movements(
        &state.services.db,
        &ctx,
        params.stock_item_id,
        params.location_id,
        page,
    )
    .await?
    .into())
}

// ---------------------------------------------------------------- counts

#[utoipa::path(get, path = "/v1/inventory/counts", tag = "inventory", security(("bearer" = [])), params(CountListParams),
    responses((status = 200, description = "The 100 newest counts", body = DataDoc<Vec<StockCount>>),
              (status = 400, description = "Bad location or status", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn list_counts(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<CountListParams>,
) -> Result<Data<Vec<StockCount>>, ApiError> {
    Ok(Data(
        counts::list(&state.services.db, &ctx, params.location_id, params.status).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/counts", tag = "inventory", security(("bearer" = [])), request_body = CountBody,
    responses((status = 201, description = "The open count", body = DataDoc<StockCount>),
              (status = 400, description = "No such location, or the note is too long", body = ErrorBody),
              (status = 403, description = "Missing `inventory.count.manage`", body = ErrorBody)))]
pub async fn start_count(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<CountBody>,
) -> Result<Created<StockCount>, ApiError> {
    Ok(Created(
        counts::start(
            &state.services.db,
            &ctx,
            body.location_id,
            body.note.as_deref(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/counts/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Count id")),
    responses((status = 200, description = "The count with its lines", body = DataDoc<StockCount>),
              (status = 404, description = "No such count", body = ErrorBody)))]
pub async fn get_count(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(counts::get(&state.services.db, &ctx, path.id).await?))
}

#[utoipa::path(put, path = "/v1/inventory/counts/{id}/lines/{stockItemId}", tag = "inventory", security(("bearer" = [])),
    request_body = CountLineBody,
    params(("id" = Uuid, Path, description = "Count id"),
           ("stockItemId" = Uuid, Path, description = "Stock item id")),
    responses((status = 200, description = "The count with the line recorded (or corrected)", body = DataDoc<StockCount>),
              (status = 400, description = "Negative quantity, bad time, or no such stock item", body = ErrorBody),
              (status = 404, description = "No such count", body = ErrorBody),
              (status = 409, description = "The count is posted or cancelled", body = ErrorBody)))]
pub async fn record_count_line(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<CountLinePath>,
    JsonBody(body): JsonBody<CountLineBody>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(
        counts::record_line(
            &state.services.db,
            &ctx,
            path.id,
            path.stock_item_id,
            body.counted.into(),
            body.counted_at,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/counts/{id}/post", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Count id")),
    responses((status = 200, description = "The posted count: on-hand restarts from what was counted; expected and variance are frozen", body = DataDoc<StockCount>),
              (status = 400, description = "The count has no lines", body = ErrorBody),
              (status = 404, description = "No such count", body = ErrorBody),
              (status = 409, description = "The count is posted or cancelled", body = ErrorBody)))]
pub async fn post_count(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(counts::post(&state.services.db, &ctx, path.id).await?))
}

#[utoipa::path(post, path = "/v1/inventory/counts/{id}/cancel", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Count id")),
    responses((status = 200, description = "The cancelled count", body = DataDoc<StockCount>),
              (status = 404, description = "No such count", body = ErrorBody),
              (status = 409, description = "The count is posted or cancelled", body = ErrorBody)))]
pub async fn cancel_count(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockCount>, ApiError> {
    Ok(Data(
        counts::cancel(&state.services.db, &ctx, path.id).await?,
    ))
}

// ---------------------------------------------------------------- transfers

#[utoipa::path(get, path = "/v1/inventory/transfers", tag = "inventory", security(("bearer" = [])), params(TransferListParams),
    responses((status = 200, description = "The 100 newest transfers", body = DataDoc<Vec<StockTransfer>>),
              (status = 400, description = "Bad status or location", body = ErrorBody),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody)))]
pub async fn list_transfers(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<TransferListParams>,
) -> Result<Data<Vec<StockTransfer>>, ApiError> {
    Ok(Data(
        transfers::list(&state.services.db, &ctx, params.status, params.location_id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/transfers", tag = "inventory", security(("bearer" = [])), request_body = TransferBody,
    responses((status = 201, description = "The transfer, in transit: the stock has left the source", body = DataDoc<StockTransfer>),
              (status = 400, description = "Same source and destination, bad lines, or no such location or stock item", body = ErrorBody),
              (status = 403, description = "Missing `inventory.transfer.manage`", body = ErrorBody)))]
pub async fn send_transfer(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<TransferBody>,
) -> Result<Created<StockTransfer>, ApiError> {
    let lines = quantity_lines(body.lines)
        .map(|(stock_item_id, quantity)| NewTransferLine {
            stock_item_id,
            quantity,
        })
        .collect();
    Ok(Created(
        transfers::send(
            &state.services.db,
            &ctx,
            body.from_location_id,
            body.to_location_id,
            lines,
            body.note.as_deref(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/transfers/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Transfer id")),
    responses((status = 200, description = "The transfer with its lines", body = DataDoc<StockTransfer>),
              (status = 404, description = "No such transfer", body = ErrorBody)))]
pub async fn get_transfer(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockTransfer>, ApiError> {
    Ok(Data(
        transfers::get(&state.services.db, &ctx, path.id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/transfers/{id}/receive", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Transfer id")),
    responses((status = 200, description = "The received transfer: the stock is at the destination", body = DataDoc<StockTransfer>),
              (status = 403, description = "Missing `inventory.transfer.manage`", body = ErrorBody),
              (status = 404, description = "No such transfer", body = ErrorBody),
              (status = 409, description = "The transfer is received or cancelled", body = ErrorBody)))]
pub async fn receive_transfer(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockTransfer>, ApiError> {
    Ok(Data(
        transfers::receive(&state.services.db, &ctx, path.id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/inventory/transfers/{id}/cancel", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Transfer id")),
    responses((status = 200, description = "The cancelled transfer: the stock is back at the source", body = DataDoc<StockTransfer>),
              (status = 403, description = "Missing `inventory.transfer.manage`", body = ErrorBody),
              (status = 404, description = "No such transfer", body = ErrorBody),
              (status = 409, description = "The transfer is received or cancelled", body = ErrorBody)))]
pub async fn cancel_transfer(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StockTransfer>, ApiError> {
    Ok(Data(
        transfers::cancel(&state.services.db, &ctx, path.id).await?,
    ))
}

// ---------------------------------------------------------------- recipes

fn components(body: RecipeBody) -> Vec<NewComponent> {
    quantity_lines(body.components)
        .map(|(stock_item_id, quantity)| NewComponent {
            stock_item_id,
            quantity,
        })
        .collect()
}

#[utoipa::path(get, path = "/v1/inventory/recipes/menu-items/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Menu item id")),
    responses((status = 200, description = "What selling one consumes (no components: none, or one of a linked retail stock item)", body = DataDoc<Recipe>),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody),
              (status = 404, description = "No such menu item", body = ErrorBody)))]
pub async fn get_menu_item_recipe(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Recipe>, ApiError> {
    Ok(Data(
        recipes::get(&state.services.db, &ctx, RecipeOf::MenuItem(path.id)).await?,
    ))
}

#[utoipa::path(put, path = "/v1/inventory/recipes/menu-items/{id}", tag = "inventory", security(("bearer" = [])),
    request_body = RecipeBody,
    params(("id" = Uuid, Path, description = "Menu item id")),
    responses((status = 200, description = "The new recipe", body = DataDoc<Recipe>),
              (status = 400, description = "No such stock item, or bad quantities", body = ErrorBody),
              (status = 403, description = "Missing `inventory.recipe.write`", body = ErrorBody),
              (status = 404, description = "No such menu item", body = ErrorBody)))]
pub async fn set_menu_item_recipe(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<RecipeBody>,
) -> Result<Data<Recipe>, ApiError> {
    Ok(Data(
        recipes::set(
            &state.services.db,
            &ctx,
            RecipeOf::MenuItem(path.id),
            components(body),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/recipes/modifiers/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Modifier id")),
    responses((status = 200, description = "What choosing the modifier consumes", body = DataDoc<Recipe>),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody),
              (status = 404, description = "No such modifier", body = ErrorBody)))]
pub async fn get_modifier_recipe(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Recipe>, ApiError> {
    Ok(Data(
        recipes::get(&state.services.db, &ctx, RecipeOf::Modifier(path.id)).await?,
    ))
}

#[utoipa::path(put, path = "/v1/inventory/recipes/modifiers/{id}", tag = "inventory", security(("bearer" = [])),
    request_body = RecipeBody,
    params(("id" = Uuid, Path, description = "Modifier id")),
    responses((status = 200, description = "The new recipe", body = DataDoc<Recipe>),
              (status = 400, description = "No such stock item, or bad quantities", body = ErrorBody),
              (status = 403, description = "Missing `inventory.recipe.write`", body = ErrorBody),
              (status = 404, description = "No such modifier", body = ErrorBody)))]
pub async fn set_modifier_recipe(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<RecipeBody>,
) -> Result<Data<Recipe>, ApiError> {
    Ok(Data(
        recipes::set(
            &state.services.db,
            &ctx,
            RecipeOf::Modifier(path.id),
            components(body),
        )
        .await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};
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
        .route("/inventory/levels", get(stock_levels))
        .route("/inventory/adjustments", post(adjust_stock))
        .route("/inventory/movements", get(stock_movements))
        .route("/inventory/counts", get(list_counts).post(start_count))
        .route("/inventory/counts/{id}", get(get_count))
        .route(
            "/inventory/counts/{id}/lines/{stockItemId}",
            put(record_count_line),
        )
        .route("/inventory/counts/{id}/post", post(post_count))
        .route("/inventory/counts/{id}/cancel", post(cancel_count))
        .route(
            "/inventory/transfers",
            get(list_transfers).post(send_transfer),
        )
        .route("/inventory/transfers/{id}", get(get_transfer))
        .route("/inventory/transfers/{id}/receive", post(receive_transfer))
        .route("/inventory/transfers/{id}/cancel", post(cancel_transfer))
        .route(
            "/inventory/recipes/menu-items/{id}",
            get(get_menu_item_recipe).put(set_menu_item_recipe),
        )
        .route(
            "/inventory/recipes/modifiers/{id}",
            get(get_modifier_recipe).put(set_modifier_recipe),
        )
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_stock_items,
    create_stock_item,
    get_stock_item,
    update_stock_item,
    stock_levels,
    set_reorder_point,
    adjust_stock,
    stock_movements,
    list_counts,
    start_count,
    get_count,
    record_count_line,
    post_count,
    cancel_count,
    list_transfers,
    send_transfer,
    get_transfer,
    receive_transfer,
    cancel_transfer,
    get_menu_item_recipe,
    set_menu_item_recipe,
    get_modifier_recipe,
    set_modifier_recipe
))]
pub struct Api;
