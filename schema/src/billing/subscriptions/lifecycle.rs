//! Cancel (at the period end, or now), pause and resume: the tenant owner
//! for their own business, a superadmin for any.

use super::change::plan_line;
use super::{Cancel, Subscription, SubscriptionStatus, record, store};
use crate::billing::invoices::InvoiceReason;
use crate::billing::invoices::issue::{Bill, issue};
use crate::billing::plans::{self, Interval};
use crate::billing::{MANAGE, clock, payments};
use crate::command::Unit;
use crate::services::Services;
use entities::billing_subscriptions::Model;
use kernel::{AppError, AppResult, RequestContext, TenantId};

/// The unit of a lifecycle command: the caller's own tenant (`None`, with
/// the manage permission) or one a superadmin names.
pub(crate) async fn unit<'c>(
    services: &Services,
    ctx: &'c RequestContext,
    tenant: Option<TenantId>,
) -> AppResult<Unit<'c>> {
    match tenant {
        None => Unit::begin(&services.db, ctx, MANAGE).await,
        Some(tenant) => {
            ctx.require_operator()?;
            Unit::open(&services.db, ctx, tenant).await
        }
    }
}

pub(crate) async fn locked(unit: &Unit<'_>) -> AppResult<Model> {
    store::find(&**unit, unit.tenant, true)
        .await?
        .ok_or_else(|| AppError::not_found("subscription"))
}

fn refuse(row: &Model, what: &str) -> AppError {
    let status: SubscriptionStatus = row.status.into();
    AppError::conflict(format!("a {status:?} subscription cannot be {what}").to_lowercase())
        .with_details(serde_json::json!({ "status": status }))
}

/// Cancels now, or at the period end (entitlements stay until then).
pub async fn cancel(
    services: &Services,
    ctx: &RequestContext,
    tenant: Option<TenantId>,
    input: Cancel,
) -> AppResult<Subscription> {
    let unit = unit(services, ctx, tenant).await?;
    let row = locked(&unit).await?;
    let status: SubscriptionStatus = row.status.into();
    if status == SubscriptionStatus::Canceled {
        return Err(refuse(&row, "canceled"));
    }
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    let mut next = row.clone();
    next.pending_plan_version_id = None;
    next.pending_interval = None;
    let kind = if input.at_period_end && status != SubscriptionStatus::Paused {
        if row.cancel_at_period_end {
            return Err(AppError::conflict(
                "the subscription already ends at the period end",
            ));
        }
        next.cancel_at_period_end = true;
        "cancel_scheduled"
    } else {
        next.status = SubscriptionStatus::Canceled.into();
        next.canceled_at = Some(now);
        next.next_retry_at = None;
        "canceled"
    };
    finish(unit, &row, next, kind, now).await
}

/// Pauses: no invoices, business modules read-only, until resumed.
pub async fn pause(
    services: &Services,
    ctx: &RequestContext,
    tenant: Option<TenantId>,
) -> AppResult<Subscription> {
    let unit = unit(services, ctx, tenant).await?;
    let row = locked(&unit).await?;
    let status: SubscriptionStatus = row.status.into();
    if !matches!(
        status,
        SubscriptionStatus::Active | SubscriptionStatus::Trialing
    ) {
        return Err(refuse(&row, "paused"));
    }
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    let mut next = row.clone();
    next.status = SubscriptionStatus::Paused.into();
    next.paused_at = Some(now);
    finish(unit, &row, next, "paused", now).await
}

/// Resumes a paused subscription: a new period starts now, invoiced.
pub async fn resume(
    services: &Services,
    ctx: &RequestContext,
    tenant: Option<TenantId>,
) -> AppResult<Subscription> {
    let unit = unit(services, ctx, tenant).await?;
    let row = locked(&unit).await?;
    if SubscriptionStatus::from(row.status) != SubscriptionStatus::Paused {
        return Err(refuse(&row, "resumed"));
    }
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    let interval: Interval = row.interval.into();
    let plan = plans::version_of(&*unit, row.plan_version_id.into()).await?;
    let period = (now, interval.period_end(now)?);
    let invoice = issue(
        &*unit,
        unit.tenant,
        Bill {
            reason: InvoiceReason::SubscriptionCycle,
            currency: plan.currency.clone(),
            period,
            lines: vec![plan_line(&plan, interval, period)?],
        },
        now,
    )
    .await?;
    let mut next = row.clone();
    next.status = SubscriptionStatus::Active.into();
    next.paused_at = None;
    next.trial_end = None;
    next.current_period_start = period.0;
    next.current_period_end = period.1;
    next.cycle_anchor = period.0;
    let tenant = unit.tenant;
    let after = finish(unit, &row, next, "resumed", now).await?;
    payments::collect(services, ctx, tenant, invoice.id).await;
    Ok(after)
}

async fn finish(
    unit: Unit<'_>,
    before: &Model,
    next: Model,
    kind: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Subscription> {
    let after = record::save(&unit, before, next, kind, now).await?;
    unit.commit(after).await
}

/// Saves the payment method on file. A subscription waiting on a payment
/// (`incomplete`, `past_due`, `unpaid`) has its open invoices charged with
/// it at once: paying restores a read-only business on the next request.
pub async fn set_payment_method(
    services: &Services,
    ctx: &RequestContext,
    tenant: Option<TenantId>,
    input: super::SetPaymentMethod,
) -> AppResult<Subscription> {
    let unit = unit(services, ctx, tenant).await?;
    let row = locked(&unit).await?;
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    let mut next = row.clone();
    next.payment_method = Some(input.payment_method.into_inner());
    let status: SubscriptionStatus = row.status.into();
    let owed = if matches!(
        status,
        SubscriptionStatus::Incomplete | SubscriptionStatus::PastDue | SubscriptionStatus::Unpaid
    ) {
        crate::billing::invoices::store::open_of(&*unit, unit.tenant).await?
    } else {
        Vec::new()
    };
    let tenant = unit.tenant;
    let after = finish(unit, &row, next, "payment_method_updated", now).await?;
    for invoice in owed {
        payments::collect(services, ctx, tenant, invoice.id).await;
    }
    Ok(after)
}
