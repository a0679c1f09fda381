//! A tenant's billing time. Normally the request's clock; with a test clock
//! (as Stripe's), frozen at a moment a superadmin chose and moved only when
//! they advance it, so a renewal, a trial's end, a dunning cycle or a
//! scheduled downgrade can be watched without waiting a month.

use chrono::{DateTime, Utc};
use entities::billing_clocks::{ActiveModel, Column, Entity};
use kernel::{AppResult, RequestContext, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, EntityTrait};

/// The tenant's billing "now": its test clock's time, or the request's.
pub async fn now(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<DateTime<Utc>> {
    Ok(frozen_at(conn, tenant).await?.unwrap_or_else(|| ctx.now()))
}

/// The test clock's time, when the tenant has one.
pub async fn frozen_at(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(Entity::find_by_id(tenant.as_uuid())
        .one(conn)
        .await?
        .map(|c| c.frozen_at))
}

pub(crate) async fn set(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    at: DateTime<Utc>,
    updated: DateTime<Utc>,
) -> AppResult<()> {
    let row = ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        frozen_at: Set(at),
        updated_at: Set(updated),
    };
    crate::store_support::upsert(conn, row, [Column::FrozenAt, Column::UpdatedAt]).await
}

pub(crate) async fn remove(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<()> {
    Entity::delete_by_id(tenant.as_uuid()).exec(conn).await?;
    Ok(())
}

/// The tenant's test clock as a superadmin sees it.
#[derive(Debug, Clone, serde::Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingClock {
    pub tenant_id: TenantId,
    /// `None`: the tenant follows real time.
    pub frozen_at: Option<DateTime<Utc>>,
    /// Billing steps (renewals, trial ends, retries) run by this change.
    pub steps_run: i32,
}

/// Superadmins: freezes a tenant's billing time at `at` (a test clock), or
/// with `None` returns it to real time.
pub async fn set_clock(
    services: &crate::Services,
    ctx: &RequestContext,
    tenant: TenantId,
    at: Option<DateTime<Utc>>,
) -> AppResult<BillingClock> {
    ctx.require_operator()?;
    let unit = crate::command::Unit::open(&services.db, ctx, tenant).await?;
    crate::tenants::service::find(&*unit, tenant).await?;
    let before = frozen_at(&*unit, tenant).await?;
    match at {
        Some(at) => set(&*unit, tenant, at, ctx.now()).await?,
        None => remove(&*unit, tenant).await?,
    }
    unit.audit(crate::audit::service::AuditEntry {
        tenant_id: Some(tenant),
        action: "billing.clock.set",
        entity_type: "billing_clock",
        entity_id: Some(tenant.to_string()),
        before: Some(serde_json::json!({ "frozenAt": before })),
        after: Some(serde_json::json!({ "frozenAt": at })),
    })
    .await?;
    unit.commit(()).await?;
    let steps_run = crate::billing::subscriptions::cycle::run(services, ctx, tenant).await?;
    Ok(BillingClock {
        tenant_id: tenant,
        frozen_at: at,
        steps_run: i32::try_from(steps_run).unwrap_or(i32::MAX),
    })
}

/// Superadmins: moves a tenant's test clock forward to `to` and runs every
/// billing step due by then (renewals, trial ends, dunning retries,
/// scheduled changes), as Stripe's test clocks do.
pub async fn advance(
    services: &crate::Services,
    ctx: &RequestContext,
    tenant: TenantId,
    to: DateTime<Utc>,
) -> AppResult<BillingClock> {
    ctx.require_operator()?;
    let current = {
        let unit = crate::command::Unit::open(&services.db, ctx, tenant).await?;
        let at = frozen_at(&*unit, tenant).await?;
        unit.commit(at).await?
    };
    let Some(current) = current else {
        return Err(kernel::AppError::conflict(
            "the business has no test clock; set one before advancing it",
        ));
    };
    if to < current {
        return Err(kernel::AppError::invalid_field(
            "to",
            "a test clock only moves forward",
        ));
    }
    set_clock(services, ctx, tenant, Some(to)).await
}
