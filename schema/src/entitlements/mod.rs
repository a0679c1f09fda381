//! What a business has, in one view: its plan, each module and feature
//! switch, each limit with its usage, and each feature flag, every value
//! with what decided it (core, override, plan, rollout, default).

pub mod graphql;

use crate::billing::entitlements::{Limit, usage_of};
use crate::billing::plans::version_of;
use crate::feature_flags::FlagEvaluation;
use crate::module_registry::types::{EntitlementSource, TenantModule};
use kernel::{AppResult, Db, Long, RequestContext, TenantId};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// The plan a business is on.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EntitledPlan {
    pub code: String,
    pub name: String,
    pub version: i32,
}

/// One limit: its value, where it comes from, and how much is used.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LimitEntitlement {
    pub limit: Limit,
    /// `None`: unlimited.
    pub max: Option<i32>,
    pub used: Long,
    /// `PLAN` when the plan sets it; `DEFAULT` (unlimited) on no plan.
    pub source: EntitlementSource,
}

/// Everything a business is entitled to, each value with its source.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Entitlements {
    pub tenant_id: TenantId,
    /// `None`: on no plan (registry defaults, no limits).
    pub plan: Option<EntitledPlan>,
    pub modules: Vec<TenantModule>,
    pub limits: Vec<LimitEntitlement>,
    pub flags: Vec<FlagEvaluation>,
}

async fn gather(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<Entitlements> {
    let subscription = crate::billing::subscriptions::store::find(conn, tenant, false)
        .await?
        .filter(|s| s.status != entities::billing_subscriptions::SubscriptionStatus::Canceled);
    let plan = match subscription {
        Some(s) => Some(version_of(conn, s.plan_version_id.into()).await?),
        None => None,
    };
    let now = crate::billing::clock::now(conn, ctx, tenant).await?;
    let limits = usage_of(conn, tenant, plan.as_ref(), now)
        .await?
        .into_iter()
        .map(|u| LimitEntitlement {
            limit: u.limit,
            max: u.max,
            used: u.used,
            source: if plan.is_some() {
                EntitlementSource::Plan
            } else {
                EntitlementSource::Default
            },
        })
        .collect();
    Ok(Entitlements {
        tenant_id: tenant,
        plan: plan.map(|p| EntitledPlan {
            code: p.plan_code,
            name: p.plan_name,
            version: p.version,
        }),
        modules: crate::module_registry::service::modules_in(conn, tenant).await?,
        limits,
        flags: crate::feature_flags::read::evaluations(conn, tenant).await?,
    })
}

/// Anyone signed in: the caller's business's entitlements.
pub async fn mine(db: &Db, ctx: &RequestContext) -> AppResult<Entitlements> {
    let tenant = ctx.require_tenant()?;
    let tx = db.tenant_tx(tenant).await?;
    let out = gather(&tx, ctx, tenant).await?;
    tx.commit().await?;
    Ok(out)
}

/// Superadmins: one business's entitlements.
pub async fn of_tenant(db: &Db, ctx: &RequestContext, tenant: TenantId) -> AppResult<Entitlements> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    crate::tenants::service::find(&tx, tenant).await?;
    let out = gather(&tx, ctx, tenant).await?;
    tx.commit().await?;
    Ok(out)
}
