//! Every statement on `module_registry_entries` and `tenant_modules`.

use super::types::{EntitlementSource, RegistryEntry, TenantModule};
use chrono::{DateTime, Utc};
use entities::module_registry_entries::{self as entries, RegistryEntryKind};
use kernel::db::sql;
use kernel::{AppResult, TenantId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryOrder, QuerySelect,
};

/// An entry as the code defines it.
pub(crate) struct Definition<'a> {
    pub key: &'a str,
    pub kind: RegistryEntryKind,
    pub module_key: Option<&'a str>,
    pub name: &'a str,
    pub description: &'a str,
    pub permissions: &'a [String],
    pub default_enabled: bool,
    pub core: bool,
    pub sort_order: i32,
}

/// Keys, kinds and permissions always follow the code (guards name them);
/// names, descriptions and defaults a superadmin edited are kept.
pub(crate) async fn upsert(
    conn: &impl ConnectionTrait,
    entry: Definition<'_>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO module_registry_entries (key, kind, module_key, name, description, permissions,
                                              default_enabled, core, sort_order, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
         ON CONFLICT (key) DO UPDATE SET
           kind = EXCLUDED.kind, module_key = EXCLUDED.module_key, permissions = EXCLUDED.permissions,
           core = EXCLUDED.core, sort_order = EXCLUDED.sort_order,
           name = CASE WHEN module_registry_entries.edited_at IS NULL THEN EXCLUDED.name ELSE module_registry_entries.name END,
           description = CASE WHEN module_registry_entries.edited_at IS NULL THEN EXCLUDED.description ELSE module_registry_entries.description END,
           default_enabled = CASE WHEN module_registry_entries.edited_at IS NULL THEN EXCLUDED.default_enabled ELSE module_registry_entries.default_enabled END,
           updated_at = EXCLUDED.updated_at",
        [
            entry.key.into(),
            sea_orm::ActiveEnum::to_value(&entry.kind).into(),
            entry.module_key.map(str::to_owned).into(),
            entry.name.into(),
            entry.description.into(),
            entry.permissions.to_vec().into(),
            entry.default_enabled.into(),
            entry.core.into(),
            entry.sort_order.into(),
            at.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The whole registry in display order.
pub(crate) async fn all(conn: &impl ConnectionTrait) -> AppResult<Vec<RegistryEntry>> {
    Ok(entries::Entity::find()
        .order_by_asc(entries::Column::SortOrder)
        .order_by_asc(entries::Column::Key)
        .all(conn)
        .await?
        .into_iter()
        .map(RegistryEntry::from)
        .collect())
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    key: &str,
) -> AppResult<Option<RegistryEntry>> {
    Ok(entries::Entity::find_by_id(key)
        .one(conn)
        .await?
        .map(RegistryEntry::from))
}

/// The entry, locked for the rest of the transaction.
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    key: &str,
) -> AppResult<Option<RegistryEntry>> {
    Ok(entries::Entity::find_by_id(key)
        .lock_exclusive()
        .one(conn)
        .await?
        .map(RegistryEntry::from))
}

/// Sets the presentation fields that are `Some`, marks the entry edited.
pub(crate) async fn edit(
    conn: &impl ConnectionTrait,
    key: &str,
    name: Option<String>,
    description: Option<String>,
    default_enabled: Option<bool>,
    at: DateTime<Utc>,
) -> AppResult<RegistryEntry> {
    Ok(entries::ActiveModel {
        key: Unchanged(key.to_owned()),
        name: name.map_or(NotSet, Set),
        description: description.map_or(NotSet, Set),
        default_enabled: default_enabled.map_or(NotSet, Set),
        edited_at: Set(Some(at)),
        updated_at: Set(at),
        ..Default::default()
    }
    .update(conn)
    .await?
    .into())
}

#[derive(FromQueryResult)]
struct TenantModuleRow {
    key: String,
    kind: RegistryEntryKind,
    module_key: Option<String>,
    name: String,
    description: String,
    core: bool,
    enabled: bool,
    source: String,
    plan_value: Option<bool>,
    override_value: Option<bool>,
}

impl From<TenantModuleRow> for TenantModule {
    fn from(r: TenantModuleRow) -> Self {
        let source = match r.source.as_str() {
            "core" => EntitlementSource::Core,
            "override" => EntitlementSource::Override,
            "plan" => EntitlementSource::Plan,
            _ => EntitlementSource::Default,
        };
        Self {
            key: r.key,
            kind: sea_orm::ActiveEnum::to_value(&r.kind),
            module_key: r.module_key,
            name: r.name,
            description: r.description,
            core: r.core,
            enabled: r.enabled,
            source,
            plan_value: r.plan_value,
            override_value: r.override_value,
        }
    }
}

/// The tenant's view of every entry (or of the one named `key`), in
/// display order: a feature counts as on only when its module is on too.
/// What is on is `app_effective_modules`, the rule the guard reads; the
/// plan's and the override's values are shown beside it.
pub(crate) async fn of_tenant(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: Option<&str>,
) -> AppResult<Vec<TenantModule>> {
    let rows = TenantModuleRow::find_by_statement(sql(
        "SELECT e.key, e.kind, e.module_key, e.name, e.description, e.core,
                (e.key = ANY (eff.keys) AND (e.module_key IS NULL OR e.module_key = ANY (eff.keys)))
                  AS enabled,
                CASE WHEN e.core THEN 'core' WHEN tm.overridden THEN 'override'
                     WHEN pv.id IS NOT NULL THEN 'plan' ELSE 'default' END AS source,
                CASE WHEN pv.id IS NOT NULL THEN e.key = ANY (pv.modules) END AS plan_value,
                CASE WHEN tm.overridden THEN tm.enabled END AS override_value
         FROM module_registry_entries e
         CROSS JOIN (SELECT app_effective_modules($1) AS keys) eff
         LEFT JOIN tenant_modules tm ON tm.module_key = e.key AND tm.tenant_id = $1
         LEFT JOIN billing_subscriptions s ON s.tenant_id = $1
         LEFT JOIN billing_plan_versions pv ON pv.id = s.plan_version_id
         WHERE ($2::text IS NULL OR e.key = $2)
         ORDER BY e.sort_order, e.key",
        [tenant.into(), key.map(str::to_owned).into()],
    ))
    .all(conn)
    .await?;
    Ok(rows.into_iter().map(TenantModule::from).collect())
}

pub(crate) async fn switch(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
    enabled: bool,
    at: DateTime<Utc>,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO tenant_modules (tenant_id, module_key, enabled, overridden, updated_at)
         VALUES ($1, $2, $3, true, $4)
         ON CONFLICT (tenant_id, module_key) DO UPDATE
           SET enabled = EXCLUDED.enabled, overridden = true, updated_at = EXCLUDED.updated_at",
        [tenant.into(), key.into(), enabled.into(), at.into()],
    ))
    .await?;
    Ok(())
}

/// Drops the superadmin's override: the plan decides again (or, on no plan,
/// the registry default).
pub(crate) async fn clear_override(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE tenant_modules tm SET overridden = false, updated_at = $3,
                enabled = e.default_enabled OR e.core
         FROM module_registry_entries e
         WHERE e.key = tm.module_key AND tm.tenant_id = $1 AND tm.module_key = $2",
        [tenant.into(), key.into(), at.into()],
    ))
    .await?;
    Ok(())
}

/// A row per entry for a newly approved tenant, on or off by default.
pub(crate) async fn provision(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO tenant_modules (tenant_id, module_key, enabled)
         SELECT $1, key, default_enabled OR core FROM module_registry_entries
         ON CONFLICT (tenant_id, module_key) DO NOTHING",
        [tenant.into()],
    ))
    .await?;
    Ok(())
}
