//! Statements on `password_reset_tokens`: single-use, expiring tokens for
//! resets and invitations (only their digest is stored).

use chrono::{DateTime, Utc};
use entities::password_reset_tokens::{ActiveModel, Column, Entity, Model};
use kernel::{AppResult, TenantId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    token_hash: Vec<u8>,
    expires_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    Entity::insert(ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant.as_uuid()),
        user_id: Set(user.as_uuid()),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// An unused, unexpired token, locked so it is used once.
pub(crate) async fn live_for_update(
    conn: &impl ConnectionTrait,
    token_hash: Vec<u8>,
    now: DateTime<Utc>,
) -> AppResult<Option<Model>> {
    Ok(Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .lock_exclusive()
        .one(conn)
        .await?)
}

pub(crate) async fn mark_used(
    conn: &impl ConnectionTrait,
    id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<()> {
    Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(at))
        .filter(Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
