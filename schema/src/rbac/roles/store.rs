//! Every statement on `roles`, `role_permissions` and `user_roles`.
//!
//! A role is read with its permissions and holder count in one statement
//! (aggregates, so bound SQL); plain writes go through the entities.

use super::{OWNER_ROLE, Role};
use chrono::{DateTime, Utc};
use entities::{role_permissions, roles, user_roles};
use kernel::db::sql;
use kernel::{AppError, AppResult, RoleId, TenantId, UserId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

#[derive(FromQueryResult)]
struct RoleRow {
    id: RoleId,
    key: Option<String>,
    name: String,
    description: Option<String>,
    built_in: bool,
    permissions: Vec<String>,
    user_count: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<RoleRow> for Role {
    fn from(r: RoleRow) -> Self {
        Self {
            id: r.id,
            key: r.key,
            name: r.name,
            description: r.description,
            built_in: r.built_in,
            permissions: r.permissions,
            user_count: r.user_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The columns of a `RoleRow`, read from `roles r`: the role with its
/// permissions and how many users hold it. A macro, so that each statement
/// below stays one literal.
macro_rules! role_columns {
    () => {
        "r.id, r.key, r.name, r.description, r.built_in, r.created_at, r.updated_at,
         ARRAY(SELECT rp.permission FROM role_permissions rp
               WHERE rp.tenant_id = r.tenant_id AND rp.role_id = r.id ORDER BY 1) AS permissions,
         (SELECT count(*) FROM user_roles ur
          WHERE ur.tenant_id = r.tenant_id AND ur.role_id = r.id) AS user_count"
    };
}

/// The tenant's roles (all of them when `ids` is `None`), built-in first,
/// then by name.
async fn select(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: Option<&[RoleId]>,
) -> AppResult<Vec<Role>> {
    let rows = RoleRow::find_by_statement(sql(
        concat!(
            "SELECT ",
            role_columns!(),
            " FROM roles r
             WHERE r.tenant_id = $1 AND ($2::uuid[] IS NULL OR r.id = ANY($2))
             ORDER BY r.built_in DESC, r.name"
        ),
        [tenant.into(), ids.map(RoleId::uuids).into()],
    ))
    .all(conn)
    .await?;
    Ok(rows.into_iter().map(Role::from).collect())
}

pub(crate) async fn list(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<Vec<Role>> {
    select(conn, tenant, None).await
}

pub(crate) async fn find_many(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[RoleId],
) -> AppResult<Vec<Role>> {
    select(conn, tenant, Some(ids)).await
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: RoleId,
) -> AppResult<Role> {
    select(conn, tenant, Some(&[id]))
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("role"))
}

/// The role, its row locked for the rest of the transaction (edits, deletion
/// and unassignment of one role queue behind each other): one statement.
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: RoleId,
) -> AppResult<Role> {
    RoleRow::find_by_statement(sql(
        concat!(
            "SELECT ",
            role_columns!(),
            " FROM roles r
             WHERE r.tenant_id = $1 AND r.id = $2
             FOR UPDATE OF r"
        ),
        [tenant.into(), id.into()],
    ))
    .one(conn)
    .await?
    .map(Role::from)
    .ok_or_else(|| AppError::not_found("role"))
}

/// (user, role) pairs of the given users' roles, by role name: one statement.
pub(crate) async fn roles_of_users(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    users: &[UserId],
) -> AppResult<Vec<(UserId, Role)>> {
    let rows = conn
        .query_all_raw(sql(
            concat!(
                "SELECT ur.user_id, ",
                role_columns!(),
                " FROM user_roles ur
                 JOIN roles r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id
                 WHERE ur.tenant_id = $1 AND ur.user_id = ANY($2)
                 ORDER BY r.name"
            ),
            [tenant.into(), UserId::uuids(users).into()],
        ))
        .await?;
    rows.iter()
        .map(|row| {
            let user: Uuid = row.try_get("", "user_id")?;
            Ok((user.into(), RoleRow::from_query_result(row, "")?.into()))
        })
        .collect()
}

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: RoleId,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// A custom (not built-in) role.
pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<()> {
    roles::Entity::insert(roles::ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        key: Set(None),
        name: Set(row.name.to_owned()),
        description: Set(row.description.map(str::to_owned)),
        built_in: Set(false),
        created_at: Set(row.at),
        updated_at: Set(row.at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Sets the fields that are `Some`, and `updated_at`.
pub(crate) async fn update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: RoleId,
    name: Option<&str>,
    description: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    roles::ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        key: NotSet,
        name: name.map_or(NotSet, |n| Set(n.to_owned())),
        description: description.map_or(NotSet, |d| Set(Some(d.to_owned()))),
        built_in: NotSet,
        created_at: NotSet,
        updated_at: Set(at),
    }
    .update(conn)
    .await?;
    Ok(())
}

pub(crate) async fn delete(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: RoleId,
) -> AppResult<()> {
    roles::Entity::delete_by_id((tenant.as_uuid(), id.as_uuid()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Makes the role's permissions exactly `permissions`.
pub(crate) async fn set_permissions(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    role: RoleId,
    permissions: &[String],
) -> AppResult<()> {
    role_permissions::Entity::delete_many()
        .filter(role_permissions::Column::TenantId.eq(tenant))
        .filter(role_permissions::Column::RoleId.eq(role))
        .filter(role_permissions::Column::Permission.is_not_in(permissions.iter().cloned()))
        .exec(conn)
        .await?;
    conn.execute_raw(sql(
        "INSERT INTO role_permissions (tenant_id, role_id, permission)
         SELECT $1, $2, unnest($3::text[])
         ON CONFLICT DO NOTHING",
        [tenant.into(), role.into(), permissions.to_vec().into()],
    ))
    .await?;
    Ok(())
}

/// Gives `user` the role; nothing happens when they hold it already.
pub(crate) async fn assign(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    role: RoleId,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO user_roles (tenant_id, user_id, role_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
        [tenant.into(), user.into(), role.into()],
    ))
    .await?;
    Ok(())
}

/// Takes the role from `user`; `false` when they did not hold it.
pub(crate) async fn unassign(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    role: RoleId,
) -> AppResult<bool> {
    let removed =
        user_roles::Entity::delete_by_id((tenant.as_uuid(), user.as_uuid(), role.as_uuid()))
            .exec(conn)
            .await?;
    Ok(removed.rows_affected > 0)
}

/// Whether `user` is a (not deleted) user of the tenant.
pub(crate) async fn user_exists(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> AppResult<bool> {
    use entities::users::{Column, Entity};
    Ok(Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.eq(user))
        .filter(Column::DeletedAt.is_null())
        .into_tuple::<Uuid>()
        .one(conn)
        .await?
        .is_some())
}

#[derive(FromQueryResult)]
struct OwnerStanding {
    others: i64,
    holds: bool,
}

/// The active owners of a tenant other than `user` (deactivated and deleted
/// users do not count), and whether `user` holds the owner role at all.
pub async fn owner_standing(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> AppResult<(i64, bool)> {
    let row = OwnerStanding::find_by_statement(sql(
        "SELECT count(*) FILTER (WHERE u.id <> $3 AND u.status = 'active' AND u.deleted_at IS NULL) AS others,
                COALESCE(bool_or(u.id = $3), false) AS holds
         FROM user_roles ur
         JOIN roles r ON r.tenant_id = ur.tenant_id AND r.id = ur.role_id
         JOIN users u ON u.tenant_id = ur.tenant_id AND u.id = ur.user_id
         WHERE ur.tenant_id = $1 AND r.key = $2",
        [tenant.into(), OWNER_ROLE.into(), user.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::internal("owner count returned nothing"))?;
    Ok((row.others, row.holds))
}

/// The permissions `user` holds through their roles.
pub async fn permissions_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> AppResult<Vec<String>> {
    let roles = user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::RoleId)
        .filter(user_roles::Column::TenantId.eq(tenant))
        .filter(user_roles::Column::UserId.eq(user));
    Ok(role_permissions::Entity::find()
        .select_only()
        .column(role_permissions::Column::Permission)
        .distinct()
        .filter(role_permissions::Column::TenantId.eq(tenant))
        .filter(
            role_permissions::Column::RoleId.in_subquery(sea_orm::QueryTrait::into_query(roles)),
        )
        .order_by_asc(role_permissions::Column::Permission)
        .into_tuple::<String>()
        .all(conn)
        .await?)
}

/// A built-in role from the registry; kept as it is when the tenant has it.
pub(crate) async fn insert_builtin(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
    name: &str,
    description: &str,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO roles (tenant_id, id, key, name, description, built_in)
         VALUES ($1, $2, $3, $4, $5, true)
         ON CONFLICT DO NOTHING",
        [
            tenant.into(),
            RoleId::new().into(),
            key.into(),
            name.into(),
            description.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Adds `permissions` to the tenant's built-in role `key`.
pub(crate) async fn grant_builtin(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
    permissions: Vec<String>,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO role_permissions (tenant_id, role_id, permission)
         SELECT $1, r.id, p FROM roles r, unnest($3::text[]) p WHERE r.tenant_id = $1 AND r.key = $2
         ON CONFLICT DO NOTHING",
        [tenant.into(), key.into(), permissions.into()],
    ))
    .await?;
    Ok(())
}

/// Makes the tenant's first user an owner.
pub(crate) async fn make_first_user_owner(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO user_roles (tenant_id, user_id, role_id)
         SELECT $1, u.id, r.id FROM roles r,
           (SELECT id FROM users WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1) u
         WHERE r.tenant_id = $1 AND r.key = $2
         ON CONFLICT DO NOTHING",
        [tenant.into(), OWNER_ROLE.into()],
    ))
    .await?;
    Ok(())
}
