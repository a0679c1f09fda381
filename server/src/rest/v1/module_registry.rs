//! `/v1/module-registry`: the catalogue of modules and features (superadmins
//! edit it) and the caller's business's view of it.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Data, JsonBody, PathParams};
use crate::state::AppState;
use schema::module_registry::service::{self as registry, EntryPatch, RegistryEntry, TenantModule};
use schema::text::Key;
use serde::Deserialize;

/// `/{key}` of a registry entry.
#[derive(Debug, Deserialize)]
pub struct KeyPath {
    pub key: Key,
}

/// Superadmins: the whole catalogue, in display order.
#[utoipa::path(
    get,
    path = "/v1/module-registry",
    tag = "module-registry",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every module and feature", body = DataDoc<Vec<RegistryEntry>>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
    )
)]
pub async fn registry(Caller { state, ctx }: Caller) -> Result<Data<Vec<RegistryEntry>>, ApiError> {
    Ok(Data(registry::registry(&state.services.db, &ctx).await?))
}

/// Superadmins: edits an entry's name, description or default. Keys and
/// permissions follow the code.
#[utoipa::path(
    patch,
    path = "/v1/module-registry/{key}",
    tag = "module-registry",
    params(("key" = String, Path, description = "Module or feature key")),
    request_body = EntryPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The edited entry", body = DataDoc<RegistryEntry>),
        (status = 400, description = "Invalid name or description", body = ErrorBody),
        (status = 403, description = "Not a superadmin", body = ErrorBody),
        (status = 404, description = "No such entry", body = ErrorBody),
    )
)]
pub async fn update_entry(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<KeyPath>,
    JsonBody(body): JsonBody<EntryPatch>,
) -> Result<Data<RegistryEntry>, ApiError> {
    Ok(Data(
        registry::update_entry(&state.services.db, &ctx, &path.key, body).await?,
    ))
}

/// The modules and features of the caller's business, and which are on.
#[utoipa::path(
    get,
    path = "/v1/module-registry/mine",
    tag = "module-registry",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every module and feature, in catalogue order", body = DataDoc<Vec<TenantModule>>),
        (status = 401, description = "Not signed in to a business", body = ErrorBody),
    )
)]
pub async fn mine(Caller { state, ctx }: Caller) -> Result<Data<Vec<TenantModule>>, ApiError> {
    Ok(Data(
        registry::tenant_modules(&state.services.db, &ctx).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch};
    axum::Router::new()
        .route("/module-registry", get(registry))
        .route("/module-registry/mine", get(mine))
        .route("/module-registry/{key}", patch(update_entry))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(registry, update_entry, mine))]
pub struct Api;
