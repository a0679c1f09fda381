//! `/v1/kitchen`: stations, routing rules, a station's screen and the
//! screen's moves, over the same kitchen services as GraphQL (for printer
//! bridges and third-party screens).

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody, PathParams, QueryParams};
use crate::state::AppState;
use kernel::LocationId;
use schema::kitchen::{
    ItemMove, KitchenItem, NewStation, Route, RouteInput, Station, StationPatch, StationScreen,
    TicketMove, routes, screens, stations, work,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct LocationParams {
    /// Only this location's; every location's when left out.
    pub location_id: Option<LocationId>,
}

/// A move on one item: its version, when you want the move guarded.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemVersionBody {
    pub expected_version: Option<i32>,
}

#[utoipa::path(get, path = "/v1/kitchen/stations", tag = "kitchen", security(("bearer" = [])), params(LocationParams),
    responses((status = 200, description = "Stations by location and name", body = DataDoc<Vec<Station>>),
              (status = 400, description = "Bad location id", body = ErrorBody),
              (status = 403, description = "Missing `kitchen.ticket.read`", body = ErrorBody)))]
pub async fn list_stations(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<LocationParams>,
) -> Result<Data<Vec<Station>>, ApiError> {
    Ok(Data(
        stations::list(&state.services.db, &ctx, params.location_id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/kitchen/stations", tag = "kitchen", security(("bearer" = [])), request_body = NewStation,
    responses((status = 201, description = "The new station", body = DataDoc<Station>),
              (status = 400, description = "No such location, or timings out of order", body = ErrorBody),
              (status = 403, description = "Missing `kitchen.station.manage`", body = ErrorBody),
              (status = 409, description = "A station of that name, or a second expo, at the location", body = ErrorBody)))]
pub async fn create_station(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewStation>,
) -> Result<Created<Station>, ApiError> {
    Ok(Created(
        stations::create(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/kitchen/stations/{id}", tag = "kitchen", security(("bearer" = [])), request_body = StationPatch,
    params(("id" = Uuid, Path, description = "Station id")),
    responses((status = 200, description = "The station", body = DataDoc<Station>),
              (status = 400, description = "Timings out of order", body = ErrorBody),
              (status = 403, description = "Missing `kitchen.station.manage`", body = ErrorBody),
              (status = 404, description = "No such station", body = ErrorBody),
              (status = 409, description = "A station of that name at the location", body = ErrorBody)))]
pub async fn update_station(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<StationPatch>,
) -> Result<Data<Station>, ApiError> {
    Ok(Data(
        stations::update(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/kitchen/stations/{id}/screen", tag = "kitchen", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Station id")),
    responses((status = 200, description = "The station's live tickets, oldest first", body = DataDoc<StationScreen>),
              (status = 403, description = "Missing `kitchen.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such station", body = ErrorBody)))]
pub async fn screen(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<StationScreen>, ApiError> {
    Ok(Data(
        screens::screen(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(get, path = "/v1/kitchen/routes", tag = "kitchen", security(("bearer" = [])), params(LocationParams),
    responses((status = 200, description = "Routing rules", body = DataDoc<Vec<Route>>),
              (status = 400, description = "Bad location id", body = ErrorBody),
              (status = 403, description = "Missing `kitchen.ticket.read`", body = ErrorBody)))]
pub async fn list_routes(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<LocationParams>,
) -> Result<Data<Vec<Route>>, ApiError> {
    Ok(Data(
        routes::list(&state.services.db, &ctx, params.location_id).await?,
    ))
}

/// Sets one rule; no stations removes it.
#[utoipa::path(put, path = "/v1/kitchen/routes", tag = "kitchen", security(("bearer" = [])), request_body = RouteInput,
    responses((status = 200, description = "The rule", body = DataDoc<Route>),
              (status = 400, description = "No such location, target or station", body = ErrorBody),
              (status = 403, description = "Missing `kitchen.station.manage`", body = ErrorBody)))]
pub async fn set_route(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<RouteInput>,
) -> Result<Data<Route>, ApiError> {
    Ok(Data(routes::set(&state.services.db, &ctx, body).await?))
}

fn item_move(path: IdPath, body: ItemVersionBody) -> ItemMove {
    ItemMove {
        item_id: path.id.into(),
        expected_version: body.expected_version,
    }
}

#[utoipa::path(post, path = "/v1/kitchen/items/{id}/start", tag = "kitchen", security(("bearer" = [])), request_body = ItemVersionBody,
    params(("id" = Uuid, Path, description = "Kitchen item id")),
    responses((status = 200, description = "The item, started", body = DataDoc<KitchenItem>),
              (status = 403, description = "Missing `kitchen.ticket.bump`", body = ErrorBody),
              (status = 404, description = "No such item", body = ErrorBody),
              (status = 409, description = "Not startable, or changed since read", body = ErrorBody)))]
pub async fn start_item(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<ItemVersionBody>,
) -> Result<Data<KitchenItem>, ApiError> {
    Ok(Data(
        work::start(&state.services.db, &ctx, item_move(path, body)).await?,
    ))
}

#[utoipa::path(post, path = "/v1/kitchen/items/{id}/ready", tag = "kitchen", security(("bearer" = [])), request_body = ItemVersionBody,
    params(("id" = Uuid, Path, description = "Kitchen item id")),
    responses((status = 200, description = "The item, ready", body = DataDoc<KitchenItem>),
              (status = 403, description = "Missing `kitchen.ticket.bump`", body = ErrorBody),
              (status = 404, description = "No such item", body = ErrorBody),
              (status = 409, description = "Not ready-able, or changed since read", body = ErrorBody)))]
pub async fn ready_item(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<ItemVersionBody>,
) -> Result<Data<KitchenItem>, ApiError> {
    Ok(Data(
        work::ready(&state.services.db, &ctx, item_move(path, body)).await?,
    ))
}

/// Bumps a ticket off a station (at expo: hands it out).
#[utoipa::path(post, path = "/v1/kitchen/bumps", tag = "kitchen", security(("bearer" = [])), request_body = TicketMove,
    responses((status = 200, description = "The items bumped", body = DataDoc<Vec<KitchenItem>>),
              (status = 400, description = "Bad idempotency key", body = ErrorBody),
              (status = 403, description = "Missing `kitchen.ticket.bump`", body = ErrorBody),
              (status = 404, description = "No such station or kitchen ticket", body = ErrorBody),
              (status = 409, description = "Nothing to bump, or expo waits for items", body = ErrorBody)))]
pub async fn bump(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<TicketMove>,
) -> Result<Data<Vec<KitchenItem>>, ApiError> {
    Ok(Data(work::bump(&state.services.db, &ctx, body).await?))
}

/// Brings a ticket bumped in the last 30 minutes back.
#[utoipa::path(post, path = "/v1/kitchen/recalls", tag = "kitchen", security(("bearer" = [])), request_body = TicketMove,
    responses((status = 200, description = "The items recalled", body = DataDoc<Vec<KitchenItem>>),
              (status = 400, description = "Bad idempotency key", body = ErrorBody),
              (status = 403, description = "Missing `kitchen.ticket.bump`", body = ErrorBody),
              (status = 404, description = "No such station or kitchen ticket", body = ErrorBody),
              (status = 409, description = "Nothing bumped recently enough", body = ErrorBody)))]
pub async fn recall(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<TicketMove>,
) -> Result<Data<Vec<KitchenItem>>, ApiError> {
    Ok(Data(work::recall(&state.services.db, &ctx, body).await?))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch, post};
    axum::Router::new()
        .route("/kitchen/stations", get(list_stations).post(create_station))
        .route("/kitchen/stations/{id}", patch(update_station))
        .route("/kitchen/stations/{id}/screen", get(screen))
        .route("/kitchen/routes", get(list_routes).put(set_route))
        .route("/kitchen/items/{id}/start", post(start_item))
        .route("/kitchen/items/{id}/ready", post(ready_item))
        .route("/kitchen/bumps", post(bump))
        .route("/kitchen/recalls", post(recall))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_stations,
    create_station,
    update_station,
    screen,
    list_routes,
    set_route,
    start_item,
    ready_item,
    bump,
    recall
))]
pub struct Api;
