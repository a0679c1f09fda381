use super::catalog::catalog;
use crate::audit::service::{self as audit, AuditEntry};
use chrono::{DateTime, Utc};
use jobs::outbox::{self, NewEvent};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde_json::json;

/// A module or feature of the platform's catalogue.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    FromQueryResult,
    serde::Serialize,
    async_graphql::SimpleObject,
    utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct RegistryEntry {
    pub key: String,
    pub kind: String,
    pub module_key: Option<String>,
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
    pub default_enabled: bool,
    pub core: bool,
    pub sort_order: i32,
    pub edited_at: Option<DateTime<Utc>>,
}

/// A module or feature as one tenant sees it.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    FromQueryResult,
    serde::Serialize,
    async_graphql::SimpleObject,
    utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct TenantModule {
    pub key: String,
    pub kind: String,
    pub module_key: Option<String>,
    pub name: String,
    pub description: String,
    pub core: bool,
    /// Switched on for the tenant (a feature only counts if its module is on too).
    pub enabled: bool,
}

/// Writes the compiled-in registry into `module_registry_entries`. Keys,
/// kinds and permissions always follow the code (guards name them); names,
/// descriptions and defaults a superadmin edited are kept.
pub async fn sync(db: &Db) -> AppResult<usize> {
    let catalog = catalog()?;
    let tx = db.system_tx().await?;
    let mut count = 0;
    let mut order = 0;
    for module in &catalog.modules {
        order += 10;
        upsert(
            &tx,
            &module.key,
            "module",
            None,
            &module.name,
            &module.description,
            &module.permissions,
            module.default_enabled || module.core,
            module.core,
            order,
        )
        .await?;
        count += 1;
        for feature in &module.features {
            order += 1;
            upsert(
                &tx,
                &feature.key,
                "feature",
                Some(&module.key),
                &feature.name,
                &feature.description,
                &[],
                feature.default_enabled,
                false,
                order,
            )
            .await?;
            count += 1;
        }
    }
    tx.commit().await?;
    Ok(count)
}

#[allow(clippy::too_many_arguments)]
async fn upsert(
    conn: &impl ConnectionTrait,
    key: &str,
    kind: &str,
    module_key: Option<&str>,
    name: &str,
    description: &str,
    permissions: &[String],
    default_enabled: bool,
    core: bool,
    order: i32,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO module_registry_entries (key, kind, module_key, name, description, permissions, default_enabled, core, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (key) DO UPDATE SET
           kind = EXCLUDED.kind, module_key = EXCLUDED.module_key, permissions = EXCLUDED.permissions,
           core = EXCLUDED.core, sort_order = EXCLUDED.sort_order,
           name = CASE WHEN module_registry_entries.edited_at IS NULL THEN EXCLUDED.name ELSE module_registry_entries.name END,
           description = CASE WHEN module_registry_entries.edited_at IS NULL THEN EXCLUDED.description ELSE module_registry_entries.description END,
           default_enabled = CASE WHEN module_registry_entries.edited_at IS NULL THEN EXCLUDED.default_enabled ELSE module_registry_entries.default_enabled END,
           updated_at = now()",
        [
            key.into(),
            kind.into(),
            module_key.map(str::to_owned).into(),
            name.into(),
            description.into(),
            permissions.to_vec().into(),
            default_enabled.into(),
            core.into(),
            order.into(),
        ],
    ))
    .await?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "key, kind, module_key, name, description, permissions, default_enabled, core, sort_order, edited_at";

/// The whole registry (superadmins).
pub async fn registry(db: &Db, ctx: &RequestContext) -> AppResult<Vec<RegistryEntry>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let rows = RegistryEntry::find_by_statement(sql(
        &format!("SELECT {ENTRY_COLUMNS} FROM module_registry_entries ORDER BY sort_order, key"),
        [],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

#[derive(Debug, Clone, Default)]
pub struct EntryPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub default_enabled: Option<bool>,
}

/// Edits an entry's presentation and default (superadmins). Permissions and
/// keys stay with the code.
pub async fn update_entry(
    db: &Db,
    ctx: &RequestContext,
    key: &str,
    patch: EntryPatch,
) -> AppResult<RegistryEntry> {
    ctx.require_superadmin()?;
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
    let before = RegistryEntry::find_by_statement(sql(
        &format!("SELECT {ENTRY_COLUMNS} FROM module_registry_entries WHERE key = $1 FOR UPDATE"),
        [key.into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("module registry entry"))?;
    let after = RegistryEntry::find_by_statement(sql(
        &format!(
            "UPDATE module_registry_entries SET
               name = COALESCE($2, name), description = COALESCE($3, description),
               default_enabled = COALESCE($4, default_enabled), edited_at = now(), updated_at = now()
             WHERE key = $1 RETURNING {ENTRY_COLUMNS}"
        ),
        [
            key.into(),
            patch.name.map(|n| n.trim().to_owned()).into(),
            patch.description.into(),
            patch.default_enabled.into(),
        ],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("module registry entry"))?;
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

const TENANT_MODULES: &str = "
    SELECT e.key, e.kind, e.module_key, e.name, e.description, e.core,
           (COALESCE(tm.enabled, false) AND (e.module_key IS NULL OR COALESCE(parent.enabled, false))) AS enabled
    FROM module_registry_entries e
    LEFT JOIN tenant_modules tm ON tm.module_key = e.key AND tm.tenant_id = $1
    LEFT JOIN tenant_modules parent ON parent.module_key = e.module_key AND parent.tenant_id = $1
    ORDER BY e.sort_order, e.key";

/// The modules and features of the caller's tenant, for its UI to show or hide.
pub async fn tenant_modules(db: &Db, ctx: &RequestContext) -> AppResult<Vec<TenantModule>> {
    let tenant = ctx.require_tenant()?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = TenantModule::find_by_statement(sql(TENANT_MODULES, [tenant.as_uuid().into()]))
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
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
    let rows = TenantModule::find_by_statement(sql(TENANT_MODULES, [tenant.as_uuid().into()]))
        .all(&tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Gives a newly approved tenant a row per module and feature, on or off by default.
pub async fn provision_defaults(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO tenant_modules (tenant_id, module_key, enabled)
         SELECT $1, key, default_enabled OR core FROM module_registry_entries
         ON CONFLICT (tenant_id, module_key) DO NOTHING",
        [tenant.as_uuid().into()],
    ))
    .await?;
    Ok(())
}

/// Switches a module or feature on or off for a tenant (superadmins): the
/// seed's "module toggle" flow. Applies to the tenant's very next request.
pub async fn set_tenant_module(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    key: &str,
    enabled: bool,
) -> AppResult<TenantModule> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    crate::tenants::service::find(&tx, tenant).await?;
    let entry = RegistryEntry::find_by_statement(sql(
        &format!("SELECT {ENTRY_COLUMNS} FROM module_registry_entries WHERE key = $1"),
        [key.into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| {
        AppError::invalid_field("moduleKey", format!("no module or feature named {key}"))
    })?;
    if entry.core && !enabled {
        return Err(AppError::invalid_field(
            "moduleKey",
            format!("{key} is a core module and cannot be switched off"),
        ));
    }
    let before: Option<bool> = tx
        .query_one_raw(sql(
            "SELECT enabled FROM tenant_modules WHERE tenant_id = $1 AND module_key = $2",
            [tenant.as_uuid().into(), key.into()],
        ))
        .await?
        .map(|r| r.try_get::<bool>("", "enabled"))
        .transpose()?;
    tx.execute_raw(sql(
        "INSERT INTO tenant_modules (tenant_id, module_key, enabled, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (tenant_id, module_key) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()",
        [tenant.as_uuid().into(), key.into(), enabled.into()],
    ))
    .await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "tenant.module.toggled",
            entity_type: "tenant_module",
            entity_id: Some(key.to_owned()),
            before: before.map(|b| json!({ "enabled": b })),
            after: Some(json!({ "enabled": enabled })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new(
            "tenant.module.toggled",
            key,
            json!({ "tenantId": tenant, "moduleKey": key, "enabled": enabled }),
        ),
    )
    .await?;
    let row = TenantModule::find_by_statement(sql(
        &format!("SELECT * FROM ({TENANT_MODULES}) m WHERE m.key = $2"),
        [tenant.as_uuid().into(), key.into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("module registry entry"))?;
    tx.commit().await?;
    Ok(row)
}
