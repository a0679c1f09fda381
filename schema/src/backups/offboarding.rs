//! A business leaving the platform: suspended at once, a final backup
//! taken, and its data deleted when the retention period ends, unless a
//! superadmin reactivates it first (which cancels the deletion).

use super::catalog::{Catalog, UNSAVED};
use super::{OffboardInput, Offboarding, file, store};
use crate::audit::service::{Change, record_change, record_platform};
use crate::reporting::exports;
use crate::services::Services;
use crate::tenants::service::TenantStatus;
use crate::tenants::store as tenant_store;
use jobs::outbox::{self, NewEvent};
use kernel::{AppError, AppResult, Db, ExportId, RequestContext, TenantId};
use serde_json::json;
use std::path::Path;
use uuid::Uuid;

/// A superadmin offboards a business: the slug typed back and a reason.
pub async fn offboard(
    svc: &Services,
    ctx: &RequestContext,
    id: TenantId,
    input: OffboardInput,
) -> AppResult<Offboarding> {
    let (_, operator) = ctx.operator(input.reason.as_str())?;
    let ctx = &operator;
    let at = ctx.now();
    let due = at + chrono::Duration::days(svc.tenant_retention_days);
    let tx = svc.db.system_tx().await?;
    let before = tenant_store::find_for_update(&tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("tenant"))?;
    if input.confirm_slug.as_str() != before.slug {
        return Err(AppError::invalid_field(
            "confirmSlug",
            "must be the business's slug, typed back",
        ));
    }
    if !matches!(
        before.status,
        TenantStatus::Active | TenantStatus::Suspended
    ) {
        return Err(AppError::conflict(
            "only an active or suspended business can be offboarded; reject a pending one",
        )
        .with_details(json!({ "status": before.status })));
    }
    let tenant = if let Some(due) = before.deletion_due_at {
        // Asked before: only a final backup that never got queued, or
        // failed, is taken again.
        if let Some(backup) = tenant_store::final_backup_id(&tx, id).await? {
            let export = exports::find(&svc.db, id, ExportId(backup)).await?;
            if export.status != "failed" {
                return Err(
                    AppError::conflict("the business is already being offboarded")
                        .with_details(json!({ "deletionDueAt": due, "finalBackupId": backup })),
                );
            }
        }
        tx.commit().await?;
        before
    } else {
        let tenant =
            tenant_store::schedule_deletion(&tx, id, input.reason.as_str(), due, at).await?;
        record_change(
            &tx,
            ctx,
            id,
            Change::new("tenant.offboarding_scheduled", "tenant", id)
                .with_before(json!({ "status": before.status, "deletionDueAt": null }))
                .with_after(json!({ "status": tenant.status, "deletionDueAt": due }))
                .with_event(json!({
                    "tenantId": id, "slug": tenant.slug, "deletionDueAt": due,
                    "reason": input.reason.as_str(),
                })),
        )
        .await?;
        tx.commit().await?;
        tenant
    };
    // Suspended first, so nothing is written after the final backup's
    // snapshot. Should queueing fail, asking again queues it again; the
    // scheduler deletes nothing until it is written.
    let final_backup = exports::run_backup(svc, ctx, id, input.reason.as_str()).await?;
    let tx = svc.db.system_tx().await?;
    tenant_store::set_final_backup(&tx, id, final_backup.id).await?;
    tx.commit().await?;
    Ok(Offboarding {
        tenant,
        final_backup,
    })
}

/// Deletes the data of every business whose retention has ended and whose
/// final backup is written (one at a time, each claimed with `SKIP LOCKED`
/// so replicas never delete the same one). Answers how many it deleted.
pub async fn purge_due(db: &Db, export_dir: &Path, ctx: &RequestContext) -> AppResult<usize> {
    let mut skipped: Vec<Uuid> = Vec::new();
    let mut deleted = 0;
    loop {
        let tx = db.system_tx().await?;
        let Some(due) = tenant_store::next_due_for_deletion(&tx, ctx.now(), &skipped).await? else {
            break;
        };
        skipped.push(due.id);
        let id = TenantId(due.id);
        // One business that cannot be deleted holds up no other.
        match purge(db, export_dir, ctx, tx, due).await {
            Ok(true) => deleted += 1,
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(tenant = %id, error = %err, "an offboarded business could not be deleted; retrying next tick");
            }
        }
    }
    Ok(deleted)
}

/// Deletes one due business in `tx` (which holds its row locked), once its
/// final backup is written and readable; `false` while it is not.
async fn purge(
    db: &Db,
    export_dir: &Path,
    ctx: &RequestContext,
    tx: sea_orm::DatabaseTransaction,
    due: entities::tenants::Model,
) -> AppResult<bool> {
    let id = TenantId(due.id);
    let Some(backup) = due.final_backup_id.map(ExportId) else {
        tracing::warn!(tenant = %id, "offboarded business has no final backup yet");
        return Ok(false);
    };
    let path = match exports::finished_backup(db, export_dir, id, backup).await {
        Ok((_, path)) => path,
        Err(_) => {
            tracing::warn!(tenant = %id, backup = %backup, "offboarded business waits for its final backup");
            return Ok(false);
        }
    };
    // Never delete on the word of a row alone: the file must be here, whole.
    file::check(&path, id).await?;
    Db::scope_to_restore(&tx, id).await?;
    let catalog = Catalog::load(&tx).await?;
    let mut rows = 0u64;
    // Not in a backup, they point at tables that are: they go first.
    for table in UNSAVED {
        rows += store::purge(&tx, table, None).await?;
    }
    // The audit trail is append-only: it stays, as the platform's record.
    for table in catalog.tables.iter().rev() {
        if table.name != "audit_events" {
            rows += store::purge(&tx, table.name, Some(backup)).await?;
        }
    }
    Db::scope_to_system(&tx).await?;
    tenant_store::mark_deleted(&tx, id, ctx.now()).await?;
    record_platform(
        &tx,
        ctx,
        "tenant.deleted",
        "tenant",
        id,
        None,
        Some(json!({ "slug": due.slug, "rows": rows, "finalBackupId": backup })),
    )
    .await?;
    outbox::record(
        &tx,
        None,
        NewEvent::new(
            "tenant.deleted",
            id,
            json!({ "tenantId": id, "slug": due.slug, "finalBackupId": backup }),
        ),
    )
    .await?;
    tx.commit().await?;
    remove_files(export_dir, id, backup).await;
    Ok(true)
}

/// The business's files but its final backup: exports and attachments. A
/// file that cannot be removed is logged; the rows are already gone.
async fn remove_files(export_dir: &Path, id: TenantId, keep: ExportId) {
    let dir = export_dir.join(id.to_string());
    if let Ok(mut entries) = tokio::fs::read_dir(&dir).await {
        while let Ok(Some(entry)) = entries.next_entry().await {
            let keep_it = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&keep.to_string()));
            if !keep_it && let Err(err) = tokio::fs::remove_file(entry.path()).await {
                tracing::warn!(path = %entry.path().display(), error = %err, "could not remove an offboarded business's file");
            }
        }
    }
    let support = export_dir.join("support").join(id.to_string());
    if let Err(err) = tokio::fs::remove_dir_all(&support).await
        && err.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %support.display(), error = %err, "could not remove an offboarded business's attachments");
    }
}
