//! A registry entry, a tenant's view of one, and the superadmin's edit of
//! an entry, each defined once for GraphQL, REST and OpenAPI.

use crate::text::{Description, Name};
use chrono::{DateTime, Utc};
use sea_orm::ActiveEnum;
use serde::{Deserialize, Serialize};

/// A module or feature of the platform's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
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

impl From<entities::module_registry_entries::Model> for RegistryEntry {
    fn from(m: entities::module_registry_entries::Model) -> Self {
        Self {
            key: m.key,
            kind: m.kind.to_value(),
            module_key: m.module_key,
            name: m.name,
            description: m.description,
            permissions: m.permissions,
            default_enabled: m.default_enabled,
            core: m.core,
            sort_order: m.sort_order,
            edited_at: m.edited_at,
        }
    }
}

/// A module or feature as one tenant sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
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
    /// What decided `enabled`.
    pub source: EntitlementSource,
    /// What the tenant's plan says, when it is on one.
    pub plan_value: Option<bool>,
    /// What the superadmin's per-tenant toggle says, when there is one.
    pub override_value: Option<bool>,
}

/// Where a tenant's module or feature switch comes from, strongest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntitlementSource {
    /// A core module: always on.
    Core,
    /// The superadmin's toggle for this tenant.
    Override,
    /// The tenant's plan.
    Plan,
    /// The registry default (the tenant is on no plan).
    Default,
}

/// Leave a field out to keep it.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ModuleRegistryEntryPatchInput")]
#[schema(as = EntryPatchBody)]
#[serde(rename_all = "camelCase")]
pub struct EntryPatch {
    pub name: Option<Name>,
    pub description: Option<Description>,
    /// Whether newly approved businesses get it switched on.
    pub default_enabled: Option<bool>,
    /// Why the operator changes it (kept on the audit row).
    pub reason: crate::text::Reason,
}
