//! The registry commands: syncing the catalogue into the database, reading
//! it, editing an entry (superadmins), and which modules a tenant has on.

use super::catalog::catalog;
use super::store::{self, Definition};
pub use super::types::{EntryPatch, RegistryEntry, TenantModule};
use crate::audit::service::{self as audit, AuditEntry};
use crate::command::Unit;
use entities::module_registry_entries::RegistryEntryKind;
use jobs::outbox::{self, NewEvent};
use kernel::{AppError, AppResult, Clock, Db, RequestContext, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Writes the compiled-in registry into `module_registry_entries`. Keys,
/// kinds and permissions always follow the code (guards name them); names,
/// descriptions and defaults a superadmin edited are kept.
pub async fn sync(db: &Db) -> AppResult<usize> {
    let catalog = catalog()?;
    let at = Clock::System.now();
    let tx = db.system_tx().await?;
    let mut count = 0;
    let mut order = 0;
    for module in &catalog.modules {
        order += 10;
        let entry = Definition {
            key: &module.key,
            kind: RegistryEntryKind::Module,
            module_key: None,
            name: &module.name,
            description: &module.description,
            permissions: &module.permissions,
            default_enabled: module.default_enabled || module.core,
            core: module.core,
            sort_order: order,
        };
        store::upsert(&tx, entry, at).await?;
        count += 1;
        for feature in &module.features {
            order += 1;
            let entry = Definition {
                key: &feature.key,
                kind: RegistryEntryKind::Feature,
                module_key: Some(&module.key),
                name: &feature.name,
                description: &feature.description,
                permissions: &[],
                default_enabled: feature.default_enabled,
                core: false,
                sort_order: order,
            };
            store::upsert(&tx, entry, at).await?;
            count += 1;
        }
    }
    tx.commit().await?;
    Ok(count)
}

/// The whole registry (superadmins).
pub async fn registry(db: &Db, ctx: &RequestContext) -> AppResult<Vec<RegistryEntry>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let rows = store::all(&tx).await?;
    tx.commit().await?;
    Ok(rows)
}

fn not_found() -> AppError {
    AppError::not_found("module registry entry")
}

/// Edits an entry's presentation and default (superadmins). Permissions and
/// keys stay with the code.
pub async fn update_entry(
    db: &Db,
    ctx: &RequestContext,
    key: &str,
    patch: EntryPatch,
) -> AppResult<RegistryEntry> {
    let (_, operator) = ctx.operator(patch.reason.as_str())?;
    let ctx = &operator;
    if let Some(name) = &patch.name
        && (name.trim().is_empty() || name.len() > 100)
    {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 100 characters",
        ));
    }
    if patch.description.as_ref().is_some_and(|d| d.len() > 1000) {
        return Err(AppError::invalid_field(
            "description",
            "must be at most 1000 characters",
        ));
    }
    let tx = db.system_tx().await?;
    let before = store::find_for_update(&tx, key)
        .await?
        .ok_or_else(not_found)?;
    let after = store::edit(
        &tx,
        key,
        patch.name.map(|n| n.trim().to_owned()),
        patch.description.map(Into::into),
        patch.default_enabled,
        ctx.now(),
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: None,
            action: "module_registry.entry.updated",
            entity_type: "module_registry_entry",
            entity_id: Some(key.to_owned()),
            before: Some(serde_json::to_value(&before)?),
            after: Some(serde_json::to_value(&after)?),
        },
    )
    .await?;
    outbox::record(
        &tx,
        None,
        NewEvent::new("module_registry.entry.updated", key, json!({ "key": key })),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The modules and features of the caller's tenant, for its UI to show or hide.
pub async fn tenant_modules(db: &Db, ctx: &RequestContext) -> AppResult<Vec<TenantModule>> {
    let unit = Unit::begin_signed_in(db, ctx).await?;
    let rows = store::of_tenant(&*unit, unit.tenant, None).await?;
    unit.commit(rows).await
}

/// A tenant's modules, in a transaction that reads the tenant.
pub(crate) async fn modules_in(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<TenantModule>> {
    store::of_tenant(conn, tenant, None).await
}

/// A tenant's modules, for superadmins.
pub async fn modules_of_tenant(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<Vec<TenantModule>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    crate::tenants::service::find(&tx, tenant).await?;
    let rows = store::of_tenant(&tx, tenant, None).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Gives a newly approved tenant a row per module and feature, on or off by default.
pub async fn provision_defaults(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<()> {
    store::provision(conn, tenant).await
}

/// Switches a module or feature on or off for a tenant over its plan
/// (superadmins): the seed's "module toggle" flow; `None` drops the override.
/// Applies to the tenant's very next request.
pub async fn set_tenant_module(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    key: &str,
    enabled: Option<bool>,
    reason: &str,
) -> AppResult<TenantModule> {
    let (_, operator) = ctx.operator(reason)?;
    let ctx = &operator;
    let tx = db.system_tx().await?;
    crate::tenants::service::find(&tx, tenant).await?;
    let entry = store::find(&tx, key).await?.ok_or_else(|| {
        AppError::invalid_field("moduleKey", format!("no module or feature named {key}"))
    })?;
    if entry.core && enabled == Some(false) {
        return Err(AppError::invalid_field(
            "moduleKey",
            format!("{key} is a core module and cannot be switched off"),
        ));
    }
    let before = store::of_tenant(&tx, tenant, Some(key))
        .await?
        .pop()
        .ok_or_else(not_found)?;
    match enabled {
        Some(on) => store::switch(&tx, tenant, key, on, ctx.now()).await?,
        None => store::clear_override(&tx, tenant, key, ctx.now()).await?,
    }
    let row = store::of_tenant(&tx, tenant, Some(key))
        .await?
        .pop()
        .ok_or_else(not_found)?;
    // What the business saw and sees, and the override that decided it.
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "tenant.module.toggled",
            entity_type: "tenant_module",
            entity_id: Some(key.to_owned()),
            before: Some(json!({ "enabled": before.enabled, "override": before.override_value })),
            after: Some(json!({ "enabled": row.enabled, "override": row.override_value })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new(
            "tenant.module.toggled",
            key,
            json!({ "tenantId": tenant, "moduleKey": key, "enabled": row.enabled }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}
