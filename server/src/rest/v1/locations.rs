//! `/v1/locations`: the business's shops, kitchens and warehouses, over the
//! same locations service as GraphQL.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody, PathParams};
use crate::state::AppState;
use schema::locations::service::{self as locations, Location, LocationPatch, NewLocation};

#[utoipa::path(get, path = "/v1/locations", tag = "locations", security(("bearer" = [])),
    responses((status = 200, description = "The business's locations, by name", body = DataDoc<Vec<Location>>),
              (status = 401, description = "Not signed in to a business", body = ErrorBody)))]
pub async fn list_locations(
    Caller { state, ctx }: Caller,
) -> Result<Data<Vec<Location>>, ApiError> {
    Ok(Data(locations::list(&state.services.db, &ctx).await?))
}

#[utoipa::path(post, path = "/v1/locations", tag = "locations", security(("bearer" = [])), request_body = NewLocation,
    responses((status = 201, description = "The new location", body = DataDoc<Location>),
              (status = 400, description = "Bad name or time zone", body = ErrorBody),
              (status = 403, description = "Missing `admin.locations.manage`", body = ErrorBody),
              (status = 409, description = "A location with that name exists", body = ErrorBody)))]
pub async fn create_location(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewLocation>,
) -> Result<Created<Location>, ApiError> {
    Ok(Created(
        locations::create(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/locations/{id}", tag = "locations", security(("bearer" = [])), request_body = LocationPatch,
    params(("id" = Uuid, Path, description = "Location id")),
    responses((status = 200, description = "The location", body = DataDoc<Location>),
              (status = 400, description = "Bad name or time zone", body = ErrorBody),
              (status = 403, description = "Missing `admin.locations.manage`", body = ErrorBody),
              (status = 404, description = "No such location", body = ErrorBody),
              (status = 409, description = "A location with that name exists", body = ErrorBody)))]
pub async fn update_location(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<LocationPatch>,
) -> Result<Data<Location>, ApiError> {
    Ok(Data(
        locations::update(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch};
    axum::Router::new()
        .route("/locations", get(list_locations).post(create_location))
        .route("/locations/{id}", patch(update_location))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list_locations, create_location, update_location))]
pub struct Api;
