//! Reading roles: the tenant's list, one role, and users' roles for loaders.

use super::{Role, store};
use crate::command::Unit;
use kernel::{AppResult, Db, RequestContext, RoleId, TenantId, UserId};
use std::collections::HashMap;

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
    let pairs = store::assignments_of_users(&tx, tenant, users).await?;
    let mut ids: Vec<RoleId> = pairs.iter().map(|(_, role)| *role).collect();
    ids.sort_unstable();
    ids.dedup();
    let roles: HashMap<RoleId, Role> = if ids.is_empty() {
        HashMap::new()
    } else {
        store::find_many(&tx, tenant, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect()
    };
    tx.commit().await?;
    let mut out: Vec<(UserId, Role)> = pairs
        .into_iter()
        .filter_map(|(user, role)| Some((user, roles.get(&role)?.clone())))
        .collect();
    out.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    Ok(out)
}
