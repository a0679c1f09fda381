//! Asking for an export, listing them, and handing out a finished file.

use super::store::{self, ExportUpdate};
use super::{EXPORT_JOB, Export, ExportKind, file_path};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::services::Services;
use jobs::queue::Job;
use kernel::{AppError, AppResult, Db, ExportId, RequestContext, TenantId};
use serde_json::json;
use std::path::PathBuf;

/// Records the export, commits, then queues its job; an export whose job
/// cannot be queued is marked failed.
async fn create(svc: &Services, unit: Unit<'_>, kind: ExportKind) -> AppResult<Export> {
    let tenant = unit.tenant;
    let id = ExportId::new();
    let export = store::insert(&*unit, tenant, id, kind, unit.ctx.user_id(), unit.now()).await?;
    unit.record(
        Change::new("reporting.export.requested", "export", id)
            .with_after(json!({ "kind": kind }))
            .with_event(json!({ "exportId": id, "kind": kind })),
    )
    .await?;
    let export = unit.commit(export).await?;
    let job = Job::new(
        kind.category(),
        EXPORT_JOB,
        Some(tenant.as_uuid()),
        json!({ "exportId": id }),
    )
    .dedupe(format!("export:{id}"));
    if let Err(err) = svc.queue.enqueue(&job).await {
        let tx = svc.db.tenant_tx(tenant).await?;
        store::update(
            &tx,
            tenant,
            id,
            ExportUpdate::Failed("the job queue is unavailable; ask again"),
        )
        .await?;
        tx.commit().await?;
        return Err(err);
    }
    Ok(export)
}

/// A tenant asks for an export of its own data.
pub async fn request(svc: &Services, ctx: &RequestContext, kind: ExportKind) -> AppResult<Export> {
    let unit = Unit::begin(&svc.db, ctx, kind.permission()).await?;
    create(svc, unit, kind).await
}

/// A superadmin runs a tenant's backup; the file is the tenant's to download.
pub async fn run_backup(
    svc: &Services,
    ctx: &RequestContext,
    tenant: TenantId,
    reason: &str,
) -> AppResult<Export> {
    let (_, operator) = ctx.operator(reason)?;
    let ctx = &operator;
    let tx = svc.db.system_tx().await?;
    crate::tenants::service::find(&tx, tenant).await?;
    tx.commit().await?;
    let unit = Unit::open(&svc.db, ctx, tenant).await?;
    create(svc, unit, ExportKind::TenantBackup).await
}

/// The tenant's recent exports the caller may download.
pub async fn list(svc: &Services, ctx: &RequestContext) -> AppResult<Vec<Export>> {
    let unit = Unit::begin_signed_in(&svc.db, ctx).await?;
    let exports = store::recent(&*unit, unit.tenant).await?;
    let exports = unit.commit(exports).await?;
    Ok(exports
        .into_iter()
        .filter(|e| ctx.can(e.kind.permission()))
        .collect())
}

pub(crate) async fn find(db: &Db, tenant: TenantId, id: ExportId) -> AppResult<Export> {
    let tx = db.tenant_tx(tenant).await?;
    let export = store::find(&tx, tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("export"))?;
    tx.commit().await?;
    Ok(export)
}

/// The file of a finished export, for its tenant's principals allowed to ask for it.
pub async fn download(
    svc: &Services,
    ctx: &RequestContext,
    id: ExportId,
) -> AppResult<(PathBuf, Export)> {
    let tenant = ctx.require_tenant()?;
    let export = find(&svc.db, tenant, id).await?;
    ctx.require_to_read(export.kind.permission())?;
    if export.status != "completed" {
        return Err(
            AppError::conflict(format!("the export is {}", export.status))
                .with_details(json!({ "progress": export.progress })),
        );
    }
    Ok((file_path(&svc.export_dir, tenant, id, export.kind), export))
}

/// A finished backup of `tenant` and where its file is (for a restore):
/// another business's export is not found, whatever its id.
pub async fn finished_backup(
    db: &Db,
    export_dir: &std::path::Path,
    tenant: TenantId,
    id: ExportId,
) -> AppResult<(Export, PathBuf)> {
    let export = find(db, tenant, id).await?;
    if export.kind != ExportKind::TenantBackup {
        return Err(AppError::invalid_field("exportId", "is not a backup"));
    }
    if export.status != "completed" {
        return Err(
            AppError::conflict(format!("the backup is {}", export.status))
                .with_details(json!({ "progress": export.progress })),
        );
    }
    let path = file_path(export_dir, tenant, id, export.kind);
    Ok((export, path))
}

/// The business's backups, newest first (for an operator choosing one).
pub async fn backups(
    svc: &Services,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<Vec<Export>> {
    ctx.require_superadmin()?;
    let tx = svc.db.tenant_tx(tenant).await?;
    let exports = store::recent(&tx, tenant).await?;
    tx.commit().await?;
    Ok(exports
        .into_iter()
        .filter(|e| e.kind == ExportKind::TenantBackup)
        .collect())
}
