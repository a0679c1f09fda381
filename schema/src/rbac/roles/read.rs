//! Reading roles: the tenant's list, one role, and users' roles for loaders.

use super::{Role, store};
use crate::command::Unit;
use kernel::{AppResult, Db, RequestContext, RoleId, TenantId, UserId};

const READ: &str = "admin.users.read";

pub async fn list_roles(db: &Db, ctx: &RequestContext) -> AppResult<Vec<Role>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let roles = store::list(&*unit, unit.tenant).await?;
    unit.commit(roles).await
}

pub async fn get_role(db: &Db, ctx: &RequestContext, id: RoleId) -> AppResult<Role> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let role = store::find(&*unit, unit.tenant, id).await?;
    unit.commit(role).await
}

/// The roles of some users, for dataloaders: (user, role) pairs, each
/// user's roles by name.
pub async fn roles_of_users(
    db: &Db,
    tenant: TenantId,
    users: &[UserId],
) -> AppResult<Vec<(UserId, Role)>> {
    let tx = db.tenant_tx(tenant).await?;
    let pairs = store::roles_of_users(&tx, tenant, users).await?;
    tx.commit().await?;
    Ok(pairs)
}
