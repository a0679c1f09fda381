//! Impersonation over REST: a superadmin starts and ends one at
//! `/v1/superadmin/impersonations`; a business reads its own at
//! `/v1/rbac/impersonations`.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody, PathParams};
use crate::state::AppState;
use schema::superadmin::impersonation::{
    self, ImpersonationRecord, ImpersonationSession, StartImpersonation,
};

#[utoipa::path(post, path = "/v1/superadmin/impersonations", tag = "superadmin", security(("bearer" = [])), request_body = StartImpersonation,
    responses((status = 201, description = "Started: a bearer token of the user, audited as the user and you, until `expiresAt` or the end", body = DataDoc<ImpersonationSession>),
              (status = 400, description = "Too long, or no reason", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Not a superadmin (an impersonation token cannot start another)", body = ErrorBody),
              (status = 404, description = "No such business or user", body = ErrorBody),
              (status = 409, description = "Already acting as someone, or the user is deactivated", body = ErrorBody)))]
pub async fn start(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<StartImpersonation>,
) -> Result<Created<ImpersonationSession>, ApiError> {
    Ok(Created(
        impersonation::start(&state.services, &ctx, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/impersonations/{id}/end", tag = "superadmin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Impersonation id")),
    responses((status = 200, description = "Ended: its token stops working at once", body = DataDoc<ImpersonationRecord>),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Neither the superadmin who started it nor its own token", body = ErrorBody),
              (status = 404, description = "No such impersonation of yours", body = ErrorBody)))]
pub async fn end(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<ImpersonationRecord>, ApiError> {
    Ok(Data(
        impersonation::end(&state.services.db, &ctx, Some(path.id.into())).await?,
    ))
}

#[utoipa::path(get, path = "/v1/rbac/impersonations", tag = "rbac", security(("bearer" = [])),
    responses((status = 200, description = "Who at the operator acted as someone of the business, when and why", body = DataDoc<Vec<ImpersonationRecord>>),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Missing `admin.audit.read`", body = ErrorBody)))]
pub async fn of_business(
    Caller { state, ctx }: Caller,
) -> Result<Data<Vec<ImpersonationRecord>>, ApiError> {
    Ok(Data(
        impersonation::of_business(&state.services.db, &ctx).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/superadmin/impersonations", post(start))
        .route("/superadmin/impersonations/{id}/end", post(end))
        .route("/rbac/impersonations", get(of_business))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(start, end, of_business))]
pub struct Api;
