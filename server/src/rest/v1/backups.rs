//! `/v1/tenants/{id}/backups` and `/v1/tenants/{id}/offboard`: a
//! superadmin restores a business's backup (into it, or as a new
//! business) and offboards a business.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Data, JsonBody, PathParams};
use crate::state::AppState;
use kernel::{ExportId, TenantId};
use schema::backups::{
    OffboardInput, Offboarding, RestoreInput, RestoreReport, offboarding, restore,
};
use schema::reporting::exports::{self, Export};
use serde::Deserialize;

/// `/{id}/backups/{backupId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupPath {
    pub id: TenantId,
    pub backup_id: ExportId,
}

/// Superadmins: the business's backups, newest first.
#[utoipa::path(get, path = "/v1/tenants/{id}/backups", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "Backups, newest first", body = DataDoc<Vec<Export>>),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn list(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Vec<Export>>, ApiError> {
    Ok(Data(
        exports::backups(&state.services, &ctx, path.id.into()).await?,
    ))
}

/// Superadmins: restores a backup into the same business (`{"target":
/// {"sameTenant": {"confirmSlug": ...}}}`) or as a new one (`{"target":
/// {"newTenant": {"slug": ..., "name": ...}}}`), saying why. One
/// transaction: every written table's count and hash equal the backup's,
/// or nothing is written.
#[utoipa::path(post, path = "/v1/tenants/{id}/backups/{backupId}/restore", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The business the backup was taken of"),
           ("backupId" = Uuid, Path, description = "The backup (an export of kind `tenant_backup`)")),
    request_body = RestoreInput,
    responses((status = 200, description = "What was restored, table by table", body = DataDoc<RestoreReport>),
              (status = 400, description = "No reason, a wrong confirmation, or a backup this server cannot restore", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such backup of this business", body = ErrorBody),
              (status = 409, description = "The backup is not finished, the business is not suspended, the slug is taken, or restoring would remove shared records", body = ErrorBody)))]
pub async fn restore_backup(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<BackupPath>,
    JsonBody(body): JsonBody<RestoreInput>,
) -> Result<Data<RestoreReport>, ApiError> {
    Ok(Data(
        restore::restore(&state.services, &ctx, (path.id, path.backup_id), body).await?,
    ))
}

/// Superadmins: offboards a business (its slug typed back, a reason): it is
/// suspended, its final backup runs, and its data is deleted after
/// `TENANT_RETENTION_DAYS` unless it is reactivated first.
#[utoipa::path(post, path = "/v1/tenants/{id}/offboard", tag = "tenants", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    request_body = OffboardInput,
    responses((status = 200, description = "Suspended, with its final backup queued", body = DataDoc<Offboarding>),
              (status = 400, description = "No reason or a wrong confirmation", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such business", body = ErrorBody),
              (status = 409, description = "Already being offboarded, or neither active nor suspended", body = ErrorBody)))]
pub async fn offboard(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<OffboardInput>,
) -> Result<Data<Offboarding>, ApiError> {
    Ok(Data(
        offboarding::offboard(&state.services, &ctx, path.id.into(), body).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/tenants/{id}/backups", get(list))
        .route(
            "/tenants/{id}/backups/{backupId}/restore",
            post(restore_backup),
        )
        .route("/tenants/{id}/offboard", post(offboard))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, restore_backup, offboard))]
pub struct Api;
