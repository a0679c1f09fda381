//! Giving users roles and taking them back. The caller must hold every
//! permission of the role, and a business keeps at least one active owner.

use super::{OWNER_ROLE, Role, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::rbac::access::check_grantable;
use kernel::{AppError, AppResult, Db, RequestContext, RoleId, TenantId, UserId};
use sea_orm::ConnectionTrait;
use serde_json::json;

const MANAGE: &str = "admin.users.manage";

async fn require_user(unit: &Unit<'_>, user: UserId) -> AppResult<()> {
    if store::user_exists(&**unit, unit.tenant, user).await? {
        Ok(())
    } else {
        Err(AppError::not_found("user"))
    }
}

/// Audited on the user; the event names both.
fn change(action: &'static str, user: UserId, role: RoleId) -> Change {
    Change::new(action, "user", user).with_event(json!({ "userId": user, "roleId": role }))
}

/// What the audit row keeps of the role given or taken.
fn held(role: &Role) -> serde_json::Value {
    json!({ "roleId": role.id, "roleName": role.name })
}

/// Records the change and returns the role as it now is (its holder count
/// has moved).
async fn finish(unit: Unit<'_>, change: Change, role: RoleId) -> AppResult<Role> {
    unit.record(change).await?;
    let after = store::find(&*unit, unit.tenant, role).await?;
    unit.commit(after).await
}

/// What giving and taking a role start with: the unit, a user that exists,
/// and the role (locked when `lock`), every permission of which the caller
/// must hold.
async fn begin<'c>(
    db: &Db,
    ctx: &'c RequestContext,
    user: UserId,
    role: RoleId,
    lock: bool,
) -> AppResult<(Unit<'c>, Role)> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    require_user(&unit, user).await?;
    let found = if lock {
        store::find_for_update(&*unit, unit.tenant, role).await?
    } else {
        store::find(&*unit, unit.tenant, role).await?
    };
    check_grantable(ctx, &found.permissions)?;
    Ok((unit, found))
}

/// Gives a user a role; the caller must hold every permission of the role.
pub async fn assign_role(
    db: &Db,
    ctx: &RequestContext,
    user: UserId,
    role: RoleId,
) -> AppResult<Role> {
    let (unit, found) = begin(db, ctx, user, role, false).await?;
    store::assign(&*unit, unit.tenant, user, role).await?;
    let change = change("rbac.role.assigned", user, role).with_after(held(&found));
    finish(unit, change, role).await
}

pub async fn unassign_role(
    db: &Db,
    ctx: &RequestContext,
    user: UserId,
    role: RoleId,
) -> AppResult<Role> {
    // Locked: concurrent unassignments of the role queue behind this one.
    let (unit, found) = begin(db, ctx, user, role, true).await?;
    if !store::unassign(&*unit, unit.tenant, user, role).await? {
        return Err(AppError::not_found("role assignment"));
    }
    // Counted after the removal (the role row is locked, so concurrent
    // unassignments queue behind this one); returning drops the unit,
    // which rolls the removal back. Deactivated holders do not count: like
    // `deactivateUser`, this keeps an *active* owner.
    if found.key.as_deref() == Some(OWNER_ROLE) {
        let (owners, _) = store::owner_standing(&*unit, unit.tenant, user).await?;
        if owners == 0 {
            return Err(AppError::conflict(
                "a business keeps at least one active owner",
            ));
        }
    }
    let change = change("rbac.role.unassigned", user, role).with_before(held(&found));
    finish(unit, change, role).await
}

/// Inserts an assignment inside an open transaction (user creation uses it too).
pub async fn assign_in(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    role: RoleId,
) -> AppResult<()> {
    store::assign(conn, tenant, user, role).await
}

/// Resolves role ids given as input (unknown ones are `VALIDATION`) and
/// checks the caller may grant them.
pub async fn grantable_roles(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    tenant: TenantId,
    ids: &[RoleId],
) -> AppResult<Vec<Role>> {
    let roles = store::find_many(conn, tenant, ids).await?;
    let unknown: Vec<RoleId> = ids
        .iter()
        .filter(|id| !roles.iter().any(|r| r.id == **id))
        .copied()
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::validation("unknown role")
            .with_details(json!({ "fields": { "roleIds": "unknown role" }, "unknown": unknown })));
    }
    for role in &roles {
        check_grantable(ctx, &role.permissions)?;
    }
    Ok(roles)
}
