//! `/v1/tenants`: the caller's business, and (for superadmins) every
//! business, its lifecycle and its modules.

use super::IdPath;

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{Caller, Data, JsonBody, ListQuery, PageParams, Paged, PathParams};
use crate::state::AppState;
use kernel::TenantId;
use schema::module_registry::service::{self as modules, TenantModule};
use schema::tenants::service::{self as tenants, Tenant, TenantReason, TenantStatus};
use schema::text::Key;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantFilter {
    /// Only businesses in this status.
    pub status: Option<TenantStatus>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModuleToggleBody {
    /// On or off for this business, over its plan; `null` drops the
    /// override so the plan (or the registry default) decides again.
    pub enabled: Option<bool>,
    /// Why the operator switches it (kept on the audit row).
    pub reason: schema::text::Reason,
}

/// `/{id}/modules/{key}`.
#[derive(Debug, Deserialize)]
pub struct TenantModulePath {
    pub id: TenantId,
    pub key: Key,
}

/// The signed-in principal's own business.
#[utoipa::path(
    get,
    path = "/v1/tenants/current",
    tag = "tenants",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's business", body = DataDoc<Tenant>),
        (status = 401, description = "Not signed in to a business", body = ErrorBody),
    )
)]
pub async fn current(Caller { state, ctx }: Caller) -> Result<Data<Tenant>, ApiError> {
    Ok(Data(tenants::current(&state.services.db, &ctx).await?))
}

/// Superadmins: every business, newest first.
#[utoipa::path(
    get,
    path = "/v1/tenants",
    tag = "tenants",
    params(TenantFilter, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of businesses", body = PagedDoc<Tenant>),
        (status = 400, description = "Bad status, page size or cursor", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
    )
)]
pub async fn list(
    Caller { state, ctx }: Caller,
    ListQuery { filter, page }: ListQuery<TenantFilter>,
) -> Result<Paged<Tenant>, ApiError> {
    Ok(tenants::list(&state.services.db, &ctx, filter.status, page)
        .await?
        .into())
}

/// Superadmins: one business.
#[utoipa::path(
    get,
    path = "/v1/tenants/{id}",
    tag = "tenants",
    params(("id" = Uuid, Path, description = "Tenant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The business", body = DataDoc<Tenant>),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such business", body = ErrorBody),
    )
)]
pub async fn get(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Tenant>, ApiError> {
    Ok(Data(
        tenants::get(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

/// Superadmins: approves a pending business; its built-in roles and default
/// modules are provisioned.
#[utoipa::path(
    post,
    path = "/v1/tenants/{id}/approve",
    tag = "tenants",
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = TenantReason,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The business, now active", body = DataDoc<Tenant>),
        (status = 400, description = "Missing or overlong reason", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such business", body = ErrorBody),
        (status = 409, description = "The business is not pending", body = ErrorBody),
    )
)]
pub async fn approve(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TenantReason>,
) -> Result<Data<Tenant>, ApiError> {
    Ok(Data(
        tenants::approve(&state.services.db, &ctx, path.id.into(), Some(body)).await?,
    ))
}

/// Superadmins: rejects a pending business, with the reason.
#[utoipa::path(
    post,
    path = "/v1/tenants/{id}/reject",
    tag = "tenants",
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = TenantReason,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The business, now rejected", body = DataDoc<Tenant>),
        (status = 400, description = "Missing or overlong reason", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such business", body = ErrorBody),
        (status = 409, description = "The business is not pending", body = ErrorBody),
    )
)]
pub async fn reject(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TenantReason>,
) -> Result<Data<Tenant>, ApiError> {
    Ok(Data(
        tenants::reject(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

/// Superadmins: suspends an active business, with the reason.
#[utoipa::path(
    post,
    path = "/v1/tenants/{id}/suspend",
    tag = "tenants",
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = TenantReason,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The business, now suspended", body = DataDoc<Tenant>),
        (status = 400, description = "Missing or overlong reason", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such business", body = ErrorBody),
        (status = 409, description = "The business is not active", body = ErrorBody),
    )
)]
pub async fn suspend(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TenantReason>,
) -> Result<Data<Tenant>, ApiError> {
    Ok(Data(
        tenants::suspend(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

/// Superadmins: reactivates a suspended business.
#[utoipa::path(
    post,
    path = "/v1/tenants/{id}/reactivate",
    tag = "tenants",
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = TenantReason,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The business, active again", body = DataDoc<Tenant>),
        (status = 400, description = "Missing or overlong reason", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such business", body = ErrorBody),
        (status = 409, description = "The business is not suspended", body = ErrorBody),
    )
)]
pub async fn reactivate(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<TenantReason>,
) -> Result<Data<Tenant>, ApiError> {
    Ok(Data(
        tenants::reactivate(&state.services.db, &ctx, path.id.into(), Some(body)).await?,
    ))
}

/// Superadmins: a business's modules and features, and which are on.
#[utoipa::path(
    get,
    path = "/v1/tenants/{id}/modules",
    tag = "tenants",
    params(("id" = Uuid, Path, description = "Tenant id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every module and feature, in catalogue order", body = DataDoc<Vec<TenantModule>>),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such business", body = ErrorBody),
    )
)]
pub async fn modules(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Vec<TenantModule>>, ApiError> {
    Ok(Data(
        modules::modules_of_tenant(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

/// Superadmins: switches a module (`pos`) or feature (`pos.tips`) on or off
/// for a business; it applies to the business's very next request.
#[utoipa::path(
    put,
    path = "/v1/tenants/{id}/modules/{key}",
    tag = "tenants",
    params(
        ("id" = Uuid, Path, description = "Tenant id"),
        ("key" = String, Path, description = "Module or feature key"),
    ),
    request_body = ModuleToggleBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The module as the business now sees it", body = DataDoc<TenantModule>),
        (status = 400, description = "Unknown key, or switching a core module off", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such business", body = ErrorBody),
    )
)]
pub async fn set_module(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<TenantModulePath>,
    JsonBody(body): JsonBody<ModuleToggleBody>,
) -> Result<Data<TenantModule>, ApiError> {
    Ok(Data(
        modules::set_tenant_module(
            &state.services.db,
            &ctx,
            path.id,
            &path.key,
            body.enabled,
            body.reason.as_str(),
        )
        .await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route("/tenants", get(list))
        .route("/tenants/current", get(current))
        .route("/tenants/{id}", get(self::get))
        .route("/tenants/{id}/approve", post(approve))
        .route("/tenants/{id}/reject", post(reject))
        .route("/tenants/{id}/suspend", post(suspend))
        .route("/tenants/{id}/reactivate", post(reactivate))
        .route("/tenants/{id}/modules", get(modules))
        .route("/tenants/{id}/modules/{key}", put(set_module))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    current, list, get, approve, reject, suspend, reactivate, modules, set_module
))]
pub struct Api;
