//! Creating, editing and deleting custom roles; nobody grants a permission
//! they do not hold, and the owner role keeps every permission.

use super::{NewRole, OWNER_ROLE, Role, RolePatch, keys, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::rbac::access::check_grantable;
use kernel::{AppError, AppResult, Db, ErrorCode, RequestContext, RoleId};
use serde_json::json;

const MANAGE: &str = "admin.roles.manage";

fn role_name(raw: &str) -> AppResult<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 100 characters",
        ));
    }
    Ok(name.to_owned())
}

fn name_taken(err: AppError) -> AppError {
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("a role with that name exists")
            .with_details(json!({ "fields": { "name": "is taken" } }))
    } else {
        err
    }
}

/// Role changes publish just the role's id.
fn event(id: RoleId) -> serde_json::Value {
    json!({ "roleId": id })
}

pub async fn create_role(db: &Db, ctx: &RequestContext, input: NewRole) -> AppResult<Role> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let name = role_name(&input.name)?;
    let permissions = check_grantable(ctx, &keys(input.permissions))?;
    let id = RoleId::new();
    store::insert(
        &*unit,
        store::Insert {
            tenant: unit.tenant,
            id,
            name: &name,
            description: input.description.as_deref(),
            at: unit.now(),
        },
    )
    .await
    .map_err(name_taken)?;
    store::set_permissions(&*unit, unit.tenant, id, &permissions).await?;
    let role = store::find(&*unit, unit.tenant, id).await?;
    unit.commit_with(
        Change::created("rbac.role.created", "role", id, &role)?.with_event(event(id)),
        role,
    )
    .await
}

pub async fn update_role(
    db: &Db,
    ctx: &RequestContext,
    id: RoleId,
    patch: RolePatch,
) -> AppResult<Role> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let name = patch.name.as_deref().map(role_name).transpose()?;
    let permissions = patch
        .permissions
        .map(|p| check_grantable(ctx, &keys(p)))
        .transpose()?;
    let before = store::find_for_update(&*unit, unit.tenant, id).await?;
    if before.key.as_deref() == Some(OWNER_ROLE) && permissions.is_some() {
        return Err(AppError::invalid_field(
            "permissions",
            "the owner role always holds every permission",
        ));
    }
    store::update(
        &*unit,
        unit.tenant,
        id,
        name.as_deref(),
        patch.description.as_deref(),
        unit.now(),
    )
    .await
    .map_err(name_taken)?;
    if let Some(permissions) = &permissions {
        store::set_permissions(&*unit, unit.tenant, id, permissions).await?;
    }
    let after = store::find(&*unit, unit.tenant, id).await?;
    unit.commit_with(
        Change::updated("rbac.role.updated", "role", id, &before, &after)?.with_event(event(id)),
        after,
    )
    .await
}

/// Deletes a custom role that nobody holds; returns it as it was.
pub async fn delete_role(db: &Db, ctx: &RequestContext, id: RoleId) -> AppResult<Role> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let before = store::find_for_update(&*unit, unit.tenant, id).await?;
    if before.built_in {
        return Err(AppError::conflict("built-in roles cannot be deleted")
            .with_details(json!({ "roleId": id })));
    }
    if before.user_count > 0 {
        return Err(AppError::conflict(format!(
            "the role is still assigned to {} user(s)",
            before.user_count
        ))
        .with_details(json!({ "roleId": id, "userCount": before.user_count })));
    }
    store::delete(&*unit, unit.tenant, id).await?;
    unit.commit_with(
        Change::new("rbac.role.deleted", "role", id)
            .with_before(serde_json::to_value(&before)?)
            .with_event(event(id)),
        before,
    )
    .await
}
