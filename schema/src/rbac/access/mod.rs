//! What a principal may do: the access the guard checks on every request,
//! the rule that nobody grants more than they hold, and the permission
//! catalogue role editors choose from.

mod store;

use crate::module_registry::catalog::catalog;
use entities::tenants::TenantStatus;
use entities::users::UserStatus;
use kernel::{Access, AppError, AppResult, Db, RequestContext, TenantId, UserId};
use sea_orm::ActiveEnum;
use serde_json::json;

/// What a tenant user may do right now: their tenant's status, the union of
/// their roles' permissions and the tenant's enabled modules. One statement, run
/// for every authenticated request, so changes apply to the very next one.
/// A deactivated user or a rejected tenant is `AUTHN`.
pub async fn load_user_access(db: &Db, tenant: TenantId, user: UserId) -> AppResult<Access> {
    let row = store::user_access(db.connection(), tenant, user)
        .await?
        .ok_or_else(|| AppError::authn("the account no longer exists"))?;
    if row.user_status != UserStatus::Active {
        return Err(AppError::authn("the account is deactivated"));
    }
    if row.tenant_status == TenantStatus::Rejected {
        return Err(AppError::authn("the business was not approved"));
    }
    Ok(Access {
        tenant_status: row.tenant_status.to_value(),
        permissions: row.permissions.into_iter().collect(),
        enabled_modules: row.modules.into_iter().collect(),
        billing_status: row.billing_status,
        maintenance: crate::maintenance::notices(row.maintenance)?,
    })
}

/// Checks that every permission is in the registry and that the caller holds
/// it: nobody hands out more than they have. Returns them sorted, once each.
pub fn check_grantable(ctx: &RequestContext, permissions: &[String]) -> AppResult<Vec<String>> {
    let catalog = catalog()?;
    let unknown: Vec<&String> = permissions
        .iter()
        .filter(|p| !catalog.is_permission(p))
        .collect();
    if !unknown.is_empty() {
        return Err(
            AppError::validation(format!("unknown permissions: {}", join(&unknown))).with_details(
                json!({ "fields": { "permissions": "unknown permission" }, "unknown": unknown }),
            ),
        );
    }
    let held = ctx.access.as_deref().map(|a| &a.permissions);
    let missing: Vec<&String> = permissions
        .iter()
        .filter(|p| !held.is_some_and(|h| h.contains(*p)))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::authz(format!(
            "you cannot grant permissions you do not hold: {}",
            join(&missing)
        ))
        .with_details(json!({ "permissions": missing })));
    }
    let mut out = permissions.to_vec();
    out.sort();
    out.dedup();
    Ok(out)
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A permission of the module registry.
#[derive(Debug, Clone, serde::Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[schema(as = PermissionView)]
pub struct Permission {
    /// `pos.ticket.write`.
    pub key: String,
    /// The module that defines it.
    pub module: String,
}

/// The permission catalogue, for role editors.
pub fn permission_catalog() -> AppResult<Vec<Permission>> {
    let catalog = catalog()?;
    Ok(catalog
        .modules
        .iter()
        .flat_map(|m| {
            m.permissions.iter().map(|p| Permission {
                key: p.clone(),
                module: m.key.clone(),
            })
        })
        .collect())
}
