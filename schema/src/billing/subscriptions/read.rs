//! What a tenant (or a superadmin, for any tenant) reads of its billing:
//! the subscription, usage against each limit, and the next invoice.

use super::{Subscription, SubscriptionStatus, record, store};
use crate::billing::entitlements::{LimitUsage, usage_of};
use crate::billing::plans::Interval;
use crate::billing::{READ, clock, settings};
use crate::command::Unit;
use chrono::{DateTime, Utc};
use kernel::{AppResult, Db, Long, RequestContext, TenantId};
use serde::Serialize;

/// The next renewal: when, and what it will cost with today's tax.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpcomingInvoice {
    pub date: DateTime<Utc>,
    pub currency: String,
    pub total_minor: Long,
}

/// A tenant's billing at a glance.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillingOverview {
    /// `None`: the operator has put the business on no plan.
    pub subscription: Option<Subscription>,
    pub usage: Vec<LimitUsage>,
    /// `None` when nothing will renew (canceled, paused, ending).
    pub upcoming_invoice: Option<UpcomingInvoice>,
    /// The tenant's billing time (a test clock's, when it has one).
    pub billing_time: DateTime<Utc>,
}

async fn overview(
    conn: &impl sea_orm::ConnectionTrait,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<BillingOverview> {
    let now = clock::now(conn, ctx, tenant).await?;
    let row = store::find(conn, tenant, false).await?;
    let subscription = match &row {
        Some(row) => Some(record::view(conn, row).await?),
        None => None,
    };
    let plan = subscription.as_ref().map(|s| &s.plan);
    let usage = usage_of(conn, tenant, plan, now).await?;
    let upcoming_invoice = match &subscription {
        Some(s)
            if !s.cancel_at_period_end
                && matches!(
                    s.status,
                    SubscriptionStatus::Trialing
                        | SubscriptionStatus::Active
                        | SubscriptionStatus::PastDue
                ) =>
        {
            let (plan, interval): (_, Interval) = match (&s.pending_plan, s.pending_interval) {
                (Some(p), Some(i)) => (p.clone(), i),
                _ => (s.plan.clone(), s.interval),
            };
            let tax = settings::current(conn).await?.tax_rate_ppm;
            let totals = crate::billing::arithmetic::Totals::of(
                &[plan.price(interval)?],
                0,
                i64::from(tax),
            )?;
            Some(UpcomingInvoice {
                date: s.current_period_end,
                currency: plan.currency,
                total_minor: Long(totals.total),
            })
        }
        _ => None,
    };
    Ok(BillingOverview {
        subscription,
        usage,
        upcoming_invoice,
        billing_time: now,
    })
}

/// The caller's tenant's billing.
pub async fn current(db: &Db, ctx: &RequestContext) -> AppResult<BillingOverview> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let value = overview(&*unit, ctx, unit.tenant).await?;
    unit.commit(value).await
}

/// Superadmins: any tenant's billing.
pub async fn of_tenant(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<BillingOverview> {
    ctx.require_superadmin()?;
    let unit = Unit::open(db, ctx, tenant).await?;
    crate::tenants::service::find(&*unit, tenant).await?;
    let value = overview(&*unit, ctx, tenant).await?;
    unit.commit(value).await
}
