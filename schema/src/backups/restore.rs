//! Restoring a backup: into the business it was taken of (after a mistake)
//! or into a new business (a copy). One transaction, scoped by row-level
//! security to the business written to, that recounts and rehashes every
//! table it wrote and rolls back unless they equal the backup's.

use super::catalog::{Catalog, Table};
use super::file::{self, Document};
use super::{
    NewTenant, RestoreInput, RestoreReport, RestoreTarget, RestoreTargetKind, RestoredTable,
    SameTenant, store,
};
use crate::audit::service::{Change, record_change};
use crate::reporting::exports;
use crate::services::Services;
use crate::tenants::service::{self as tenants, Tenant, TenantStatus};
use crate::tenants::store as tenant_store;
use kernel::{AppError, AppResult, Db, ExportId, RequestContext, TenantId};
use sea_orm::{DatabaseTransaction, JsonValue};
use serde_json::json;
use std::collections::BTreeMap;

/// A superadmin restores one of a business's backups, saying why.
pub async fn restore(
    svc: &Services,
    ctx: &RequestContext,
    (tenant, backup): (TenantId, ExportId),
    input: RestoreInput,
) -> AppResult<RestoreReport> {
    let (_, operator) = ctx.operator(input.reason.as_str())?;
    let ctx = &operator;
    let (_, path) = exports::finished_backup(&svc.db, &svc.export_dir, tenant, backup).await?;
    let doc = file::read(&path).await?;
    // The file names its business; a file put in another's place is refused.
    if doc.tenant.id != tenant {
        return Err(AppError::conflict(
            "the backup's file belongs to another business",
        ));
    }
    match input.target {
        RestoreTarget::SameTenant(same) => into_same(&svc.db, ctx, &doc, backup, same).await,
        RestoreTarget::NewTenant(new) => as_new(&svc.db, ctx, &doc, backup, new).await,
    }
}

/// Replaces the business's data with the backup's: rows made since are
/// deleted, rows changed or deleted since are written back. Secrets of
/// rows that still exist are kept; settings, keys and records are left.
async fn into_same(
    db: &Db,
    ctx: &RequestContext,
    doc: &Document,
    backup: ExportId,
    same: SameTenant,
) -> AppResult<RestoreReport> {
    let id = doc.tenant.id;
    let tx = db.system_tx().await?;
    let tenant = tenant_store::find_for_update(&tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("tenant"))?;
    if same.confirm_slug.as_str() != tenant.slug {
        return Err(AppError::invalid_field(
            "confirmSlug",
            "must be the business's slug, typed back",
        ));
    }
    // Nothing may be sold while its data is set back: the operator
    // suspends it (which the business sees, with the reason) first.
    if tenant.status != TenantStatus::Suspended {
        return Err(AppError::conflict(
            "suspend the business before restoring into it, and reactivate it after",
        )
        .with_details(json!({ "status": tenant.status })));
    }
    Db::scope_to_restore(&tx, id).await?;
    let catalog = Catalog::load(&tx).await?;
    let target = RestoreTargetKind::SameTenant;
    // What a restore leaves must stay whole: a deleted user may not take a
    // support ticket or an impersonation record with it.
    let mut kept = BTreeMap::new();
    for table in catalog.tables.iter().filter(|t| !t.share.restored(target)) {
        kept.insert(table.name, store::count(&tx, table).await?);
    }
    let written: Vec<&Table> = catalog
        .tables
        .iter()
        .filter(|t| t.share.restored(target))
        .collect();
    for table in written.iter().rev() {
        store::delete_missing(&tx, table, rows(doc, table.name)).await?;
    }
    for table in &written {
        store::upsert(&tx, table, rows(doc, table.name)).await?;
    }
    for table in catalog.tables.iter().filter(|t| !t.share.restored(target)) {
        let now = store::count(&tx, table).await?;
        if kept.get(table.name) != Some(&now) {
            return Err(AppError::conflict(format!(
                "restoring would remove rows of {} made since the backup (people who opened support tickets or were impersonated); restore it as a new business instead",
                table.name
            )));
        }
    }
    let tables = prove(&tx, &catalog, doc, target).await?;
    Db::scope_to_system(&tx).await?;
    finish(tx, ctx, tenant, doc, backup, target, tables).await
}

/// Mints a business and writes the backup into it (no keys, no records;
/// its people sign in after a password reset).
async fn as_new(
    db: &Db,
    ctx: &RequestContext,
    doc: &Document,
    backup: ExportId,
    new: NewTenant,
) -> AppResult<RestoreReport> {
    let slug = tenants::validate_slug(new.slug.as_str())?;
    let tx = db.system_tx().await?;
    if tenants::find_by_slug(&tx, &slug).await?.is_some() {
        return Err(AppError::conflict("that slug is taken")
            .with_details(json!({ "fields": { "slug": "is taken" } })));
    }
    let id = TenantId::new();
    let at = ctx.now();
    tenant_store::insert(&tx, id, &slug, new.name.as_str(), at).await?;
    tenant_store::insert_shared_profile(&tx, id, at).await?;
    let reason = format!("a copy of {} from backup {backup}", doc.tenant.slug);
    let tenant =
        tenant_store::set_status(&tx, id, TenantStatus::Active, Some(reason), true, at).await?;
    Db::scope_to_restore(&tx, id).await?;
    let catalog = Catalog::load(&tx).await?;
    let target = RestoreTargetKind::NewTenant;
    for table in catalog.tables.iter().filter(|t| t.share.restored(target)) {
        store::upsert(&tx, table, rows(doc, table.name)).await?;
    }
    let tables = prove(&tx, &catalog, doc, target).await?;
    Db::scope_to_system(&tx).await?;
    finish(tx, ctx, tenant, doc, backup, target, tables).await
}

static EMPTY: JsonValue = JsonValue::Array(Vec::new());

/// The file's rows of `table` (none when the file has no such table).
fn rows<'d>(doc: &'d Document, table: &str) -> &'d JsonValue {
    doc.tables.get(table).unwrap_or(&EMPTY)
}

/// Recounts and rehashes every written table; any difference from the
/// backup's manifest fails the restore (and so rolls it back).
async fn prove(
    tx: &DatabaseTransaction,
    catalog: &Catalog,
    doc: &Document,
    target: RestoreTargetKind,
) -> AppResult<Vec<RestoredTable>> {
    let mut tables = Vec::with_capacity(catalog.tables.len());
    for table in &catalog.tables {
        let Some(backup) = doc.digest(table.name) else {
            return Err(AppError::validation(format!(
                "the backup has no manifest entry for {}",
                table.name
            )));
        };
        let mut restored = RestoredTable {
            table: table.name.to_owned(),
            share: table.share,
            backup_rows: backup.rows,
            backup_sha256: backup.sha256.clone(),
            restored_rows: None,
            restored_sha256: None,
        };
        if table.share.restored(target) {
            let now = store::digest(tx, table).await?;
            if now.rows != backup.rows || now.sha256 != backup.sha256 {
                return Err(AppError::conflict(format!(
                    "restoring {} did not reproduce the backup; nothing was written",
                    table.name
                ))
                .with_details(json!({
                    "table": table.name,
                    "backup": { "rows": backup.rows, "sha256": backup.sha256 },
                    "restored": { "rows": now.rows, "sha256": now.sha256 },
                })));
            }
            restored.restored_rows = Some(now.rows);
            restored.restored_sha256 = Some(now.sha256);
        }
        tables.push(restored);
    }
    Ok(tables)
}

/// Audits the restore on the business written to, announces it, commits.
async fn finish(
    tx: DatabaseTransaction,
    ctx: &RequestContext,
    tenant: Tenant,
    doc: &Document,
    backup: ExportId,
    target: RestoreTargetKind,
    tables: Vec<RestoredTable>,
) -> AppResult<RestoreReport> {
    let written: Vec<_> = tables
        .iter()
        .filter_map(|t| {
            t.restored_rows
                .map(|rows| json!({ "table": t.table, "rows": rows }))
        })
        .collect();
    record_change(
        &tx,
        ctx,
        tenant.id,
        Change::new("tenant.restored", "tenant", tenant.id)
            .with_after(json!({
                "target": target, "fromTenant": doc.tenant.id, "backupId": backup,
                "exportedAt": doc.exported_at, "tables": written,
            }))
            .with_event(json!({
                "tenantId": tenant.id, "target": target, "fromTenant": doc.tenant.id,
                "backupId": backup, "exportedAt": doc.exported_at,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(RestoreReport {
        tenant,
        target,
        backup_id: backup,
        tables,
    })
}
