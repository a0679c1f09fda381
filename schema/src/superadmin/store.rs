//! Every statement on `superadmins` (platform rows: system transactions).

use chrono::{DateTime, Utc};
use entities::superadmins::{ActiveModel, Column, Entity, Model, SuperadminStatus};
use kernel::{AppResult, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TryInsertResult};

/// By normalised email (see `identity::validate::email`).
pub(crate) async fn find_by_email(
    conn: &impl ConnectionTrait,
    email: &str,
) -> AppResult<Option<Model>> {
    Ok(Entity::find()
        .filter(Column::Email.eq(email))
        .one(conn)
        .await?)
}

pub(crate) struct Insert<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: String,
    pub at: DateTime<Utc>,
}

/// Inserts an active superadmin; `false` when the email is taken.
pub(crate) async fn insert_unless_taken(
    conn: &impl ConnectionTrait,
    row: Insert<'_>,
) -> AppResult<bool> {
    let inserted = Entity::insert(ActiveModel {
        id: Set(row.id.as_uuid()),
        email: Set(row.email.to_owned()),
        display_name: Set(row.display_name.to_owned()),
        password_hash: Set(row.password_hash),
        status: Set(SuperadminStatus::Active),
        last_login_at: Set(None),
        created_at: Set(row.at),
        updated_at: Set(row.at),
        mfa_enabled: Set(false),
        mfa_secret_enc: Set(None),
        mfa_pending_secret_enc: Set(None),
        mfa_recovery_hashes: Set(Vec::new()),
        mfa_last_step: Set(None),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(conn)
    .await?;
    // `DO NOTHING` without `RETURNING` reports a conflict as no row written.
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

pub(crate) async fn touch_last_login(
    conn: &impl ConnectionTrait,
    id: UserId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    Entity::update_many()
        .col_expr(Column::LastLoginAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
