use crate::audit::service::{self as audit, AuditEntry, Change, record_change};
use crate::module_registry::catalog::catalog;
use chrono::{DateTime, Utc};
use jobs::outbox::{self, NewEvent};
use kernel::db::sql;
use kernel::{Access, AppError, AppResult, Db, RequestContext, TenantId, UserId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

pub const OWNER_ROLE: &str = "owner";

/// A named set of permissions, given to users.
#[derive(
    Debug, Clone, Serialize, FromQueryResult, async_graphql::SimpleObject, utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub id: Uuid,
    pub key: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub built_in: bool,
    pub permissions: Vec<String>,
    pub user_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const ROLE_SELECT: &str = "
    SELECT r.id, r.key, r.name, r.description, r.built_in, r.created_at, r.updated_at,
           ARRAY(SELECT rp.permission FROM role_permissions rp
                 WHERE rp.tenant_id = r.tenant_id AND rp.role_id = r.id ORDER BY 1) AS permissions,
           (SELECT count(*) FROM user_roles ur WHERE ur.tenant_id = r.tenant_id AND ur.role_id = r.id) AS user_count
    FROM roles r";

/// Seeds the registry's built-in roles into a tenant and makes its first user the owner.
pub async fn provision_builtin_roles(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<()> {
    let catalog = catalog()?;
    for def in &catalog.roles {
        let id = Uuid::now_v7();
        conn.execute_raw(sql(
            "INSERT INTO roles (tenant_id, id, key, name, description, built_in) VALUES ($1, $2, $3, $4, $5, true)
             ON CONFLICT DO NOTHING",
            [tenant.as_uuid().into(), id.into(), def.key.clone().into(), def.name.clone().into(), def.description.clone().into()],
        ))
        .await?;
        let permissions: Vec<String> = catalog.expand(&def.permissions)?.into_iter().collect();
        conn.execute_raw(sql(
            "INSERT INTO role_permissions (tenant_id, role_id, permission)
             SELECT $1, r.id, p FROM roles r, unnest($3::text[]) p WHERE r.tenant_id = $1 AND r.key = $2
             ON CONFLICT DO NOTHING",
            [tenant.as_uuid().into(), def.key.clone().into(), permissions.into()],
        ))
        .await?;
    }
    conn.execute_raw(sql(
        "INSERT INTO user_roles (tenant_id, user_id, role_id)
         SELECT $1, u.id, r.id FROM roles r,
           (SELECT id FROM users WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1) u
         WHERE r.tenant_id = $1 AND r.key = $2
         ON CONFLICT DO NOTHING",
        [tenant.as_uuid().into(), OWNER_ROLE.into()],
    ))
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct AccessRow {
    tenant_status: String,
    user_status: String,
    permissions: Vec<String>,
    modules: Vec<String>,
}

/// What a tenant user may do right now: their tenant's status, the union of
/// their roles' permissions and the tenant's enabled modules. One statement, run
/// for every authenticated request, so changes apply to the very next one.
/// A deactivated user or a rejected tenant is `AUTHN`.
pub async fn load_user_access(db: &Db, tenant: TenantId, user: UserId) -> AppResult<Access> {
    // Outside a transaction on purpose: the function scopes the tenant to
    // its own statement (see migration 10), so this is one round trip.
    let row = AccessRow::find_by_statement(sql(
        "SELECT tenant_status, user_status, permissions, modules FROM app_user_access($1, $2)",
        [tenant.as_uuid().into(), user.as_uuid().into()],
    ))
    .one(db.connection())
    .await?;
    let row = row.ok_or_else(|| AppError::authn("the account no longer exists"))?;
    if row.user_status != "active" {
        return Err(AppError::authn("the account is deactivated"));
    }
    if row.tenant_status == "rejected" {
        return Err(AppError::authn("the business was not approved"));
    }
    Ok(Access {
        tenant_status: row.tenant_status,
        permissions: row.permissions.into_iter().collect(),
        enabled_modules: row.modules.into_iter().collect(),
    })
}

/// Checks that every permission is in the registry and that the caller holds
/// it: nobody hands out more than they have.
pub(crate) fn check_grantable(
    ctx: &RequestContext,
    permissions: &[String],
) -> AppResult<BTreeSet<String>> {
    let catalog = catalog()?;
    let mut out = BTreeSet::new();
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
    out.extend(permissions.iter().cloned());
    Ok(out)
}

fn join(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn find_role(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> AppResult<Role> {
    Role::find_by_statement(sql(
        &format!(
            "{ROLE_SELECT} WHERE r.tenant_id = $1 AND r.id = $2{}",
            if lock { " FOR UPDATE OF r" } else { "" }
        ),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("role"))
}

pub async fn list_roles(db: &Db, ctx: &RequestContext) -> AppResult<Vec<Role>> {
    let tenant = ctx.require("admin.users.read")?;
    let tx = db.tenant_tx(tenant).await?;
    let roles = Role::find_by_statement(sql(
        &format!("{ROLE_SELECT} WHERE r.tenant_id = $1 ORDER BY r.built_in DESC, r.name"),
        [tenant.as_uuid().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(roles)
}

pub async fn get_role(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<Role> {
    let tenant = ctx.require("admin.users.read")?;
    let tx = db.tenant_tx(tenant).await?;
    let role = find_role(&tx, tenant, id, false).await?;
    tx.commit().await?;
    Ok(role)
}

/// The roles of some users, for dataloaders: (user id, role) pairs.
pub async fn roles_of_users(
    db: &Db,
    tenant: TenantId,
    users: &[Uuid],
) -> AppResult<Vec<(Uuid, Role)>> {
    #[derive(FromQueryResult)]
    struct Row {
        user_id: Uuid,
        id: Uuid,
        key: Option<String>,
        name: String,
        description: Option<String>,
        built_in: bool,
        permissions: Vec<String>,
        user_count: i64,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }
    let tx = db.tenant_tx(tenant).await?;
    let rows = Row::find_by_statement(sql(
        &format!(
            "SELECT ur.user_id, x.* FROM user_roles ur
             JOIN ({ROLE_SELECT} WHERE r.tenant_id = $1) x ON x.id = ur.role_id
             WHERE ur.tenant_id = $1 AND ur.user_id = ANY($2) ORDER BY x.name"
        ),
        [tenant.as_uuid().into(), users.to_vec().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.user_id,
                Role {
                    id: r.id,
                    key: r.key,
                    name: r.name,
                    description: r.description,
                    built_in: r.built_in,
                    permissions: r.permissions,
                    user_count: r.user_count,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                },
            )
        })
        .collect())
}

fn validate_role_name(raw: &str) -> AppResult<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 100 characters",
        ));
    }
    Ok(name.to_owned())
}

fn role_name_conflict(err: AppError) -> AppError {
    if err.code() == kernel::ErrorCode::Conflict {
        AppError::conflict("a role with that name exists")
            .with_details(json!({ "fields": { "name": "is taken" } }))
    } else {
        err
    }
}

pub async fn create_role(
    db: &Db,
    ctx: &RequestContext,
    name: &str,
    description: Option<String>,
    permissions: Vec<String>,
) -> AppResult<Role> {
    let tenant = ctx.require("admin.roles.manage")?;
    let name = validate_role_name(name)?;
    let permissions = check_grantable(ctx, &permissions)?;
    let id = Uuid::now_v7();
    let tx = db.tenant_tx(tenant).await?;
    tx.execute_raw(sql(
        "INSERT INTO roles (tenant_id, id, name, description, built_in) VALUES ($1, $2, $3, $4, false)",
        [tenant.as_uuid().into(), id.into(), name.into(), description.into()],
    ))
    .await
    .map_err(|e| role_name_conflict(e.into()))?;
    set_permissions(&tx, tenant, id, &permissions).await?;
    let role = find_role(&tx, tenant, id, false).await?;
    audit_role(&tx, ctx, tenant, "rbac.role.created", None, Some(&role)).await?;
    tx.commit().await?;
    Ok(role)
}

async fn set_permissions(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    role: Uuid,
    permissions: &BTreeSet<String>,
) -> AppResult<()> {
    tx.execute_raw(sql(
        "DELETE FROM role_permissions WHERE tenant_id = $1 AND role_id = $2 AND NOT (permission = ANY($3))",
        [tenant.as_uuid().into(), role.into(), permissions.iter().cloned().collect::<Vec<_>>().into()],
    ))
    .await?;
    tx.execute_raw(sql(
        "INSERT INTO role_permissions (tenant_id, role_id, permission) SELECT $1, $2, unnest($3::text[])
         ON CONFLICT DO NOTHING",
        [tenant.as_uuid().into(), role.into(), permissions.iter().cloned().collect::<Vec<_>>().into()],
    ))
    .await?;
    Ok(())
}

async fn audit_role(
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    tenant: TenantId,
    action: &'static str,
    before: Option<&Role>,
    after: Option<&Role>,
) -> AppResult<()> {
    let id = after
        .or(before)
        .map(|r| r.id)
        .ok_or_else(|| AppError::internal("role change without a role"))?;
    record_change(
        tx,
        ctx,
        tenant,
        Change {
            action,
            entity: "role",
            id,
            before: before.map(serde_json::to_value).transpose()?,
            after: after.map(serde_json::to_value).transpose()?,
            event: Some(json!({ "roleId": id })),
            version: 1,
        },
    )
    .await?;
    Ok(())
}

pub async fn update_role(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    name: Option<String>,
    description: Option<String>,
    permissions: Option<Vec<String>>,
) -> AppResult<Role> {
    let tenant = ctx.require("admin.roles.manage")?;
    let name = name.as_deref().map(validate_role_name).transpose()?;
    let permissions = permissions
        .as_deref()
        .map(|p| check_grantable(ctx, p))
        .transpose()?;
    let tx = db.tenant_tx(tenant).await?;
    let before = find_role(&tx, tenant, id, true).await?;
    if before.key.as_deref() == Some(OWNER_ROLE) && permissions.is_some() {
        return Err(AppError::invalid_field(
            "permissions",
            "the owner role always holds every permission",
        ));
    }
    tx.execute_raw(sql(
        "UPDATE roles SET name = COALESCE($3, name), description = COALESCE($4, description), updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), id.into(), name.into(), description.into()],
    ))
    .await
    .map_err(|e| role_name_conflict(e.into()))?;
    if let Some(permissions) = &permissions {
        set_permissions(&tx, tenant, id, permissions).await?;
    }
    let after = find_role(&tx, tenant, id, false).await?;
    audit_role(
        &tx,
        ctx,
        tenant,
        "rbac.role.updated",
        Some(&before),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete_role(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<Role> {
    let tenant = ctx.require("admin.roles.manage")?;
    let tx = db.tenant_tx(tenant).await?;
    let before = find_role(&tx, tenant, id, true).await?;
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
    tx.execute_raw(sql(
        "DELETE FROM roles WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), id.into()],
    ))
    .await?;
    audit_role(&tx, ctx, tenant, "rbac.role.deleted", Some(&before), None).await?;
    tx.commit().await?;
    Ok(before)
}

async fn user_exists(tx: &DatabaseTransaction, tenant: TenantId, user: Uuid) -> AppResult<()> {
    tx.query_one_raw(sql(
        "SELECT 1 AS one FROM users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
        [tenant.as_uuid().into(), user.into()],
    ))
    .await?
    .map(|_| ())
    .ok_or_else(|| AppError::not_found("user"))
}

/// Gives a user a role; the caller must hold every permission of the role.
pub async fn assign_role(db: &Db, ctx: &RequestContext, user: Uuid, role: Uuid) -> AppResult<Role> {
    let tenant = ctx.require("admin.users.manage")?;
    let tx = db.tenant_tx(tenant).await?;
    user_exists(&tx, tenant, user).await?;
    let found = find_role(&tx, tenant, role, false).await?;
    check_grantable(ctx, &found.permissions)?;
    assign_in(&tx, tenant, user, role).await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "rbac.role.assigned",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: None,
            after: Some(json!({ "roleId": role, "roleName": found.name })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new(
            "rbac.role.assigned",
            user,
            json!({ "userId": user, "roleId": role }),
        ),
    )
    .await?;
    let after = find_role(&tx, tenant, role, false).await?;
    tx.commit().await?;
    Ok(after)
}

/// Inserts an assignment inside an open transaction (user creation uses it too).
pub async fn assign_in(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    user: Uuid,
    role: Uuid,
) -> AppResult<()> {
    tx.execute_raw(sql(
        "INSERT INTO user_roles (tenant_id, user_id, role_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        [tenant.as_uuid().into(), user.into(), role.into()],
    ))
    .await?;
    Ok(())
}

/// Resolves role ids given as input (unknown ones are `VALIDATION`) and checks the caller may grant them.
pub async fn grantable_roles(
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    tenant: TenantId,
    ids: &[Uuid],
) -> AppResult<Vec<Role>> {
    let roles = Role::find_by_statement(sql(
        &format!("{ROLE_SELECT} WHERE r.tenant_id = $1 AND r.id = ANY($2)"),
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(tx)
    .await?;
    let unknown: Vec<Uuid> = ids
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

pub async fn unassign_role(
    db: &Db,
    ctx: &RequestContext,
    user: Uuid,
    role: Uuid,
) -> AppResult<Role> {
    let tenant = ctx.require("admin.users.manage")?;
    let tx = db.tenant_tx(tenant).await?;
    user_exists(&tx, tenant, user).await?;
    let found = find_role(&tx, tenant, role, true).await?;
    check_grantable(ctx, &found.permissions)?;
    let removed = tx
        .execute_raw(sql(
            "DELETE FROM user_roles WHERE tenant_id = $1 AND user_id = $2 AND role_id = $3",
            [tenant.as_uuid().into(), user.into(), role.into()],
        ))
        .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::not_found("role assignment"));
    }
    // Counted after the removal (the role row is locked, so concurrent
    // unassignments queue behind this one); returning drops the transaction,
    // which rolls the removal back. Deactivated holders do not count: like
    // `deactivateUser`, this keeps an *active* owner.
    if found.key.as_deref() == Some(OWNER_ROLE) {
        let (owners, _) = owner_standing(&tx, tenant, user).await?;
        if owners == 0 {
            return Err(AppError::conflict(
                "a business keeps at least one active owner",
            ));
        }
    }
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "rbac.role.unassigned",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: Some(json!({ "roleId": role, "roleName": found.name })),
            after: None,
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new(
            "rbac.role.unassigned",
            user,
            json!({ "userId": user, "roleId": role }),
        ),
    )
    .await?;
    let after = find_role(&tx, tenant, role, false).await?;
    tx.commit().await?;
    Ok(after)
}

/// The active owners of a tenant other than `user` (deactivated and deleted
/// users do not count), and whether `user` holds the owner role at all.
pub async fn owner_standing(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> AppResult<(i64, bool)> {
    let row = conn
        .query_one_raw(sql(
            "SELECT count(*) FILTER (WHERE u.id <> $3 AND u.status = 'active' AND u.deleted_at IS NULL) AS others,
                    COALESCE(bool_or(u.id = $3), false) AS holds
             FROM user_roles ur
             JOIN roles r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id
             JOIN users u ON u.tenant_id = ur.tenant_id AND u.id = ur.user_id
             WHERE ur.tenant_id = $1 AND r.key = $2",
            [tenant.as_uuid().into(), OWNER_ROLE.into(), user.into()],
        ))
        .await?
        .ok_or_else(|| AppError::internal("owner count returned nothing"))?;
    Ok((row.try_get("", "others")?, row.try_get("", "holds")?))
}

/// The permissions `user` holds through their roles.
pub async fn permissions_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> AppResult<Vec<String>> {
    Ok(conn
        .query_one_raw(sql(
            "SELECT ARRAY(SELECT DISTINCT rp.permission FROM user_roles ur
               JOIN role_permissions rp ON rp.tenant_id = ur.tenant_id AND rp.role_id = ur.role_id
               WHERE ur.tenant_id = $1 AND ur.user_id = $2) AS permissions",
            [tenant.as_uuid().into(), user.into()],
        ))
        .await?
        .map(|r| r.try_get::<Vec<String>>("", "permissions"))
        .transpose()?
        .unwrap_or_default())
}

/// The permission catalogue, for role editors.
pub fn permission_catalog() -> AppResult<Vec<(String, String)>> {
    let catalog = catalog()?;
    Ok(catalog
        .modules
        .iter()
        .flat_map(|m| m.permissions.iter().map(|p| (p.clone(), m.key.clone())))
        .collect())
}
