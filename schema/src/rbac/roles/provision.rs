//! A new tenant's built-in roles, seeded from the module registry.

use super::store;
use crate::module_registry::catalog::catalog;
use kernel::{AppResult, TenantId};
use sea_orm::ConnectionTrait;

/// Seeds the registry's built-in roles into a tenant and makes its first user the owner.
pub async fn provision_builtin_roles(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<()> {
    let catalog = catalog()?;
    for def in &catalog.roles {
        store::insert_builtin(conn, tenant, &def.key, &def.name, &def.description).await?;
        let permissions = catalog.expand(&def.permissions)?.into_iter().collect();
        store::grant_builtin(conn, tenant, &def.key, permissions).await?;
    }
    store::make_first_user_owner(conn, tenant).await
}
