//! Statements on `users` rows as accounts: lookups, insert, status,
//! password, last sign-in.

use crate::identity::types::User;
use crate::store_support::page;
use chrono::{DateTime, Utc};
use entities::tenants::TenantStatus;
use entities::users::{ActiveModel, Column, Entity, Model, UserStatus};
use kernel::db::sql;
use kernel::{AppResult, TenantId, UserId};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    UpdateMany,
};

/// An update of one user's row, whatever its state.
pub(crate) fn of_user(tenant: TenantId, id: UserId) -> UpdateMany<Entity> {
    Entity::update_many()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.eq(id))
}

/// A user that is not deleted.
pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
) -> AppResult<Option<User>> {
    Ok(Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
        .filter(Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .map(User::from))
}

/// The whole row (hash, MFA state), deleted or not, for checking a
/// credential of the signed-in user.
pub(crate) async fn account(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
) -> AppResult<Option<Model>> {
    Ok(Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
        .one(conn)
        .await?)
}

/// The whole row of a user that is not deleted, by normalised email.
pub(crate) async fn account_by_email(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    email: &str,
) -> AppResult<Option<Model>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Email.eq(email))
        .filter(Column::DeletedAt.is_null())
        .one(conn)
        .await?)
}

/// Oldest first (ids are time-ordered), after the `after` cursor.
pub(crate) async fn list(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    after: Option<uuid::Uuid>,
    limit: u64,
) -> AppResult<Vec<User>> {
    let query = Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::DeletedAt.is_null());
    page(conn, query, Column::Id, after, limit).await
}

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: UserId,
    pub email: &'a str,
    pub display_name: &'a str,
    /// With a password the user is active at once; without, invited.
    pub password_hash: Option<String>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<User> {
    let (status, changed_at) = match row.password_hash {
        Some(_) => (UserStatus::Active, Some(row.at)),
        None => (UserStatus::Invited, None),
    };
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        email: Set(row.email.to_owned()),
        display_name: Set(row.display_name.to_owned()),
        password_hash: Set(row.password_hash),
        status: Set(status),
        last_login_at: Set(None),
        created_at: Set(row.at),
        updated_at: Set(row.at),
        deleted_at: Set(None),
        mfa_enabled: Set(false),
        mfa_secret_enc: Set(None),
        mfa_pending_secret_enc: Set(None),
        mfa_recovery_hashes: Set(Vec::new()),
        mfa_last_step: Set(None),
        password_changed_at: Set(changed_at),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// Changes what the business set on a user; `updated_at` follows.
pub(crate) enum UserUpdate {
    Status(UserStatus),
    /// A new password hash (changed by the user).
    Password(String),
}

pub(crate) async fn update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
    change: UserUpdate,
    at: DateTime<Utc>,
) -> AppResult<User> {
    let mut row = ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        updated_at: Set(at),
        ..Default::default()
    };
    match change {
        UserUpdate::Status(status) => row.status = Set(status),
        UserUpdate::Password(hash) => {
            row.password_hash = Set(Some(hash));
            row.password_changed_at = Set(Some(at));
        }
    }
    Ok(row.update(conn).await?.into())
}

pub(crate) async fn touch_last_login(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    of_user(tenant, id)
        .col_expr(Column::LastLoginAt, Expr::value(at))
        .exec(conn)
        .await?;
    Ok(())
}

/// Sets a password from a reset or invitation token: an invited user
/// becomes active; a deactivated or deleted one is left alone (`false`).
pub(crate) async fn reset_password(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
    hash: String,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let updated = conn
        .execute_raw(sql(
            "UPDATE users SET password_hash = $3, password_changed_at = $4, updated_at = $4,
               status = CASE WHEN status = 'invited' THEN 'active' ELSE status END
             WHERE tenant_id = $1 AND id = $2 AND status <> 'deactivated' AND deleted_at IS NULL",
            [
                tenant.as_uuid().into(),
                id.as_uuid().into(),
                hash.into(),
                at.into(),
            ],
        ))
        .await?;
    Ok(updated.rows_affected() > 0)
}

/// A user's status and their tenant's, to tell whether they may still sign in.
#[derive(FromQueryResult)]
pub(crate) struct Standing {
    pub user_status: UserStatus,
    pub tenant_status: TenantStatus,
}

pub(crate) async fn standing(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: UserId,
) -> AppResult<Option<Standing>> {
    Ok(Standing::find_by_statement(sql(
        "SELECT u.status AS user_status, t.status AS tenant_status
         FROM users u JOIN tenants t ON t.id = u.tenant_id
         WHERE u.tenant_id = $1 AND u.id = $2 AND u.deleted_at IS NULL",
        [tenant.as_uuid().into(), id.as_uuid().into()],
    ))
    .one(conn)
    .await?)
}
