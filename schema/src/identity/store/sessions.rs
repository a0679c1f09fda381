//! Statements on `sessions`: one row per refresh token, grouped in families
//! (a sign-in and every rotation after it).

use chrono::{DateTime, Utc};
use entities::sessions::{ActiveModel, Column, Entity, Model, SessionStatus, SubjectKind};
use kernel::{AppResult, SessionId, TenantId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

pub(crate) struct Insert {
    pub id: SessionId,
    pub tenant: Option<TenantId>,
    pub kind: SubjectKind,
    pub subject: UserId,
    pub family: Uuid,
    pub token_hash: Vec<u8>,
    pub expires_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert) -> AppResult<()> {
    Entity::insert(ActiveModel {
        id: Set(row.id.as_uuid()),
        tenant_id: Set(row.tenant.map(|t| t.as_uuid())),
        subject_kind: Set(row.kind),
        subject_id: Set(row.subject.as_uuid()),
        family_id: Set(row.family),
        token_hash: Set(row.token_hash),
        status: Set(SessionStatus::Active),
        expires_at: Set(row.expires_at),
        created_at: Set(row.at),
        used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The session of a refresh token.
pub(crate) async fn by_token(
    conn: &impl ConnectionTrait,
    hash: Vec<u8>,
) -> AppResult<Option<Model>> {
    Ok(Entity::find()
        .filter(Column::TokenHash.eq(hash))
        .one(conn)
        .await?)
}

/// As [`by_token`], locking the row so one rotation wins.
pub(crate) async fn by_token_for_update(
    conn: &impl ConnectionTrait,
    hash: Vec<u8>,
) -> AppResult<Option<Model>> {
    Ok(Entity::find()
        .filter(Column::TokenHash.eq(hash))
        .lock_exclusive()
        .one(conn)
        .await?)
}

/// The token is spent: its successor carries the family on.
pub(crate) async fn mark_rotated(
    conn: &impl ConnectionTrait,
    id: SessionId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(SessionStatus::Rotated))
        .col_expr(Column::UsedAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every live session of a family; returns how many.
pub(crate) async fn revoke_family(
    conn: &impl ConnectionTrait,
    family: Uuid,
    at: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(Entity::update_many()
        .col_expr(Column::Status, Expr::value(SessionStatus::Revoked))
        .col_expr(Column::RevokedAt, Expr::value(at))
        .filter(Column::FamilyId.eq(family))
        .filter(Column::Status.ne(SessionStatus::Revoked))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Ends every live session of a tenant user.
pub(crate) async fn revoke_user(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(SessionStatus::Revoked))
        .col_expr(Column::RevokedAt, Expr::value(at))
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::SubjectId.eq(user))
        .filter(Column::Status.ne(SessionStatus::Revoked))
        .exec(conn)
        .await?;
    Ok(())
}
