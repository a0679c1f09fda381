//! Every statement on `api_keys`.

use super::types::ApiKey;
use chrono::{DateTime, Duration, Utc};
use entities::api_keys::{ActiveModel, Column, Entity};
use entities::tenants::TenantStatus;
use kernel::db::sql;
use kernel::{ApiKeyId, AppResult, TenantId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
};

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: ApiKeyId,
    pub name: &'a str,
    pub prefix: String,
    pub secret_hash: Vec<u8>,
    pub permissions: Vec<String>,
    pub created_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<ApiKey> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        name: Set(row.name.to_owned()),
        prefix: Set(row.prefix),
        secret_hash: Set(row.secret_hash),
        permissions: Set(row.permissions),
        created_by: Set(row.created_by.map(|u| u.as_uuid())),
        created_at: Set(row.at),
        expires_at: Set(row.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// The tenant's keys, newest first.
pub(crate) async fn list(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<Vec<ApiKey>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .order_by_desc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(ApiKey::from)
        .collect())
}

/// Revokes the key at `at` unless it already is; `None` when there is no such key.
pub(crate) async fn revoke(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ApiKeyId,
    at: DateTime<Utc>,
) -> AppResult<Option<ApiKey>> {
    Ok(Entity::update_many()
        .col_expr(Column::RevokedAt, Expr::col(Column::RevokedAt).if_null(at))
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.eq(id))
        .exec_with_returning(conn)
        .await?
        .pop()
        .map(ApiKey::from))
}

/// What authenticating a presented key needs, across tenants.
#[derive(FromQueryResult)]
pub(crate) struct Presented {
    pub tenant_id: TenantId,
    pub secret_hash: Vec<u8>,
    pub permissions: Vec<String>,
    pub usable: bool,
    pub tenant_status: TenantStatus,
    pub modules: Vec<String>,
    pub billing_status: Option<String>,
    pub maintenance: serde_json::Value,
}

/// The key `id` with its tenant's status and enabled modules (a platform
/// transaction: the tenant is not known yet).
pub(crate) async fn presented(
    conn: &impl ConnectionTrait,
    id: ApiKeyId,
    now: DateTime<Utc>,
) -> AppResult<Option<Presented>> {
    Ok(Presented::find_by_statement(sql(
        concat!(
            "SELECT k.tenant_id, k.secret_hash, k.permissions,
                (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)) AS usable,
                t.status AS tenant_status,
                app_effective_modules(k.tenant_id) AS modules,
                (SELECT s.status FROM billing_subscriptions s
                 WHERE s.tenant_id = k.tenant_id) AS billing_status, ",
            crate::maintenance::maintenance_now!(),
            " AS maintenance
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.id = $1"
        ),
        [id.into(), now.into()],
    ))
    .one(conn)
    .await?)
}

/// Records a use, at most once a minute, to keep reads cheap.
pub(crate) async fn touch(
    conn: &impl ConnectionTrait,
    id: ApiKeyId,
    now: DateTime<Utc>,
) -> AppResult<()> {
    Entity::update_many()
        .col_expr(Column::LastUsedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(
            Column::LastUsedAt
                .is_null()
                .or(Column::LastUsedAt.lt(now - Duration::minutes(1))),
        )
        .exec(conn)
        .await?;
    Ok(())
}
