//! Every statement on `billing_subscriptions`.

use chrono::{DateTime, Utc};
use entities::billing_subscriptions::{ActiveModel, Entity, Model};
use kernel::{AppResult, TenantId};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, FromQueryResult, IntoActiveModel, QuerySelect,
};

/// The tenant's subscription, locked for a change when `lock`.
pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    lock: bool,
) -> AppResult<Option<Model>> {
    let mut query = Entity::find_by_id(tenant.as_uuid());
    if lock {
        query = query.lock_exclusive();
    }
    Ok(query.one(conn).await?)
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Model) -> AppResult<Model> {
    let mut active = row.into_active_model();
    active = active.reset_all();
    Ok(Entity::insert(active).exec_with_returning(conn).await?)
}

/// Writes `after` over the row at the next version.
pub(crate) async fn save(
    conn: &impl ConnectionTrait,
    mut after: Model,
    at: DateTime<Utc>,
) -> AppResult<Model> {
    after.version += 1;
    after.updated_at = at;
    let active: ActiveModel = after.into_active_model().reset_all();
    Ok(active.update(conn).await?)
}

/// Tenants on real time with a billing step due at `now` (a platform
/// transaction: it looks across tenants).
pub(crate) async fn due_tenants(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<TenantId>> {
    #[derive(sea_orm::FromQueryResult)]
    struct Due {
        tenant_id: uuid::Uuid,
    }
    let rows = Due::find_by_statement(kernel::db::sql(
        "SELECT s.tenant_id FROM billing_subscriptions s
         WHERE NOT EXISTS (SELECT 1 FROM billing_clocks c WHERE c.tenant_id = s.tenant_id)
           AND ((s.status IN ('trialing', 'active', 'past_due') AND s.current_period_end <= $1)
             OR (s.status = 'past_due' AND s.next_retry_at <= $1))
         ORDER BY s.current_period_end LIMIT 1000",
        [now.into()],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TenantId::from(r.tenant_id))
        .collect())
}

/// Remembers the newest provider event applied to the subscription (the
/// later of the two), so an older one arriving late is recognised.
pub(crate) async fn note_provider_event(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    conn.execute_raw(kernel::db::sql(
        "UPDATE billing_subscriptions
         SET provider_event_at = greatest(coalesce(provider_event_at, $2), $2)
         WHERE tenant_id = $1",
        [tenant.into(), at.into()],
    ))
    .await?;
    Ok(())
}
