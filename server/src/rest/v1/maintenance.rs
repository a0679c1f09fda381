//! Maintenance windows over REST: `/v1/support/maintenance-windows` for a
//! business's apps, `/v1/superadmin/maintenance-windows` for the operator,
//! over the same services as GraphQL.

use super::IdPath;
use super::announcements::ListParams;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody, PathParams, QueryParams};
use crate::state::AppState;
use schema::maintenance::{
    self, CancelMaintenance, MaintenanceWindow, MaintenanceWindowPatch, NewMaintenanceWindow,
};
use schema::superadmin::OperatorReason;

#[utoipa::path(get, path = "/v1/support/maintenance-windows", tag = "support", security(("bearer" = [])),
    responses((status = 200, description = "Windows scheduled or running, soonest first", body = DataDoc<Vec<MaintenanceWindow>>),
              (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn upcoming(
    Caller { state, ctx }: Caller,
) -> Result<Data<Vec<MaintenanceWindow>>, ApiError> {
    Ok(Data(maintenance::upcoming(&state.services.db, &ctx).await?))
}

#[utoipa::path(get, path = "/v1/superadmin/maintenance-windows", tag = "superadmin", security(("bearer" = [])), params(ListParams),
    responses((status = 200, description = "Open windows (with `includePast`, all), latest first", body = DataDoc<Vec<MaintenanceWindow>>),
              (status = 400, description = "Bad query parameter", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn list(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Data<Vec<MaintenanceWindow>>, ApiError> {
    Ok(Data(
        maintenance::list(&state.services.db, &ctx, params.include_past).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/maintenance-windows", tag = "superadmin", security(("bearer" = [])), request_body = NewMaintenanceWindow,
    responses((status = 201, description = "Scheduled", body = DataDoc<MaintenanceWindow>),
              (status = 400, description = "Bad times, modules, zone or reminder, or no reason", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn schedule(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewMaintenanceWindow>,
) -> Result<Created<MaintenanceWindow>, ApiError> {
    Ok(Created(
        maintenance::schedule(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/superadmin/maintenance-windows/{id}", tag = "superadmin", security(("bearer" = [])), request_body = MaintenanceWindowPatch,
    params(("id" = Uuid, Path, description = "Window id")),
    responses((status = 200, description = "The window after the change", body = DataDoc<MaintenanceWindow>),
              (status = 400, description = "Bad times, modules or reminder, or no reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such window", body = ErrorBody),
              (status = 409, description = "Finished, or running and asked to move its start or modules", body = ErrorBody)))]
pub async fn update(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<MaintenanceWindowPatch>,
) -> Result<Data<MaintenanceWindow>, ApiError> {
    Ok(Data(
        maintenance::update(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/maintenance-windows/{id}/cancel", tag = "superadmin", security(("bearer" = [])), request_body = CancelMaintenance,
    params(("id" = Uuid, Path, description = "Window id")),
    responses((status = 200, description = "Cancelled (a weekly one goes on next week unless `endSeries`)", body = DataDoc<MaintenanceWindow>),
              (status = 400, description = "No reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such window", body = ErrorBody),
              (status = 409, description = "Not scheduled", body = ErrorBody)))]
pub async fn cancel(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<CancelMaintenance>,
) -> Result<Data<MaintenanceWindow>, ApiError> {
    Ok(Data(
        maintenance::cancel(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/maintenance-windows/{id}/complete", tag = "superadmin", security(("bearer" = [])), request_body = OperatorReason,
    params(("id" = Uuid, Path, description = "Window id")),
    responses((status = 200, description = "Completed early: writes open at once", body = DataDoc<MaintenanceWindow>),
              (status = 400, description = "No reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such window", body = ErrorBody),
              (status = 409, description = "Not running", body = ErrorBody)))]
pub async fn complete(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<OperatorReason>,
) -> Result<Data<MaintenanceWindow>, ApiError> {
    Ok(Data(
        maintenance::complete(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch, post};
    axum::Router::new()
        .route("/support/maintenance-windows", get(upcoming))
        .route("/superadmin/maintenance-windows", get(list).post(schedule))
        .route("/superadmin/maintenance-windows/{id}", patch(update))
        .route("/superadmin/maintenance-windows/{id}/cancel", post(cancel))
        .route(
            "/superadmin/maintenance-windows/{id}/complete",
            post(complete),
        )
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(upcoming, list, schedule, update, cancel, complete))]
pub struct Api;
