//! Choosing a plan (the tenant owner) or assigning one (a superadmin: the
//! seed's "plan assignment"). A first subscription starts its trial, or is
//! `incomplete` until its first invoice is paid. A move to a dearer plan
//! (compared per year) applies at once and bills the difference for the
//! rest of the period, prorated to the second; a move to a cheaper one
//! waits for the period end, visible as the pending plan.

use super::{ChoosePlan, Subscription, SubscriptionStatus, record, store};
use crate::billing::arithmetic::proration;
use crate::billing::invoices::issue::{Bill, issue};
use crate::billing::invoices::store::NewLineRow;
use crate::billing::invoices::{Invoice, InvoiceReason, LineKind};
use crate::billing::plans::{self, Interval, PlanVersion};
use crate::billing::{MANAGE, clock, payments};
use crate::command::Unit;
use crate::services::Services;
use chrono::{DateTime, Duration, Utc};
use entities::billing_subscriptions::Model;
use kernel::{AppError, AppResult, RequestContext, SubscriptionId, TenantId};

/// The tenant owner chooses or changes the plan.
pub async fn choose(
    services: &Services,
    ctx: &RequestContext,
    input: ChoosePlan,
) -> AppResult<Subscription> {
    let unit = Unit::begin(&services.db, ctx, MANAGE).await?;
    apply(services, unit, input).await
}

/// A superadmin assigns or changes a tenant's plan.
pub async fn assign(
    services: &Services,
    ctx: &RequestContext,
    tenant: TenantId,
    input: ChoosePlan,
) -> AppResult<Subscription> {
    ctx.require_operator()?;
    let unit = Unit::open(&services.db, ctx, tenant).await?;
    crate::tenants::service::find(&*unit, tenant).await?;
    apply(services, unit, input).await
}

/// What a change produced: the new row, its kind for the event, and an
/// invoice to collect once committed.
struct Outcome {
    row: Model,
    kind: &'static str,
    invoice: Option<Invoice>,
}

async fn apply(services: &Services, unit: Unit<'_>, input: ChoosePlan) -> AppResult<Subscription> {
    let tenant = unit.tenant;
    let now = clock::now(&*unit, unit.ctx, tenant).await?;
    let plan = plans::service::on_sale(&*unit, &input.plan_code).await?;
    plan.price(input.interval)?;
    let payment_method = input.payment_method.map(|t| t.into_inner());
    let before = store::find(&*unit, tenant, true).await?;
    let outcome = match &before {
        Some(row)
            if row.status != entities::billing_subscriptions::SubscriptionStatus::Canceled =>
        {
            change_plan(
                &*unit,
                tenant,
                row,
                &plan,
                input.interval,
                payment_method,
                now,
            )
            .await?
        }
        _ => {
            start(
                &*unit,
                tenant,
                before.as_ref(),
                &plan,
                input.interval,
                payment_method,
                now,
            )
            .await?
        }
    };
    let before_view = match &before {
        Some(row) => Some(record::view(&*unit, row).await?),
        None => None,
    };
    let after = record::view(&*unit, &outcome.row).await?;
    let change = record::change(outcome.kind, before_view.as_ref(), &after)?;
    let ctx = unit.ctx;
    let after = unit.commit_with(change, after).await?;
    if let Some(invoice) = outcome.invoice {
        payments::collect(services, ctx, tenant, invoice.id).await;
    }
    Ok(after)
}

pub(crate) fn plan_line(
    plan: &PlanVersion,
    interval: Interval,
    period: (DateTime<Utc>, DateTime<Utc>),
) -> AppResult<NewLineRow> {
    Ok(NewLineRow {
        kind: LineKind::Plan,
        description: format!(
            "{} (version {}), one {}",
            plan.plan_name,
            plan.version,
            interval.noun()
        ),
        amount_minor: plan.price(interval)?,
        period: Some(period),
    })
}

/// A first subscription (or a new one after a cancellation: no second trial).
async fn start(
    conn: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    previous: Option<&Model>,
    plan: &PlanVersion,
    interval: Interval,
    payment_method: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<Outcome> {
    let trial = plan.trial_days > 0 && previous.is_none();
    let mut row = Model {
        tenant_id: tenant.as_uuid(),
        id: SubscriptionId::new().as_uuid(),
        plan_version_id: plan.id.as_uuid(),
        interval: interval.into(),
        status: SubscriptionStatus::Incomplete.into(),
        payment_method: payment_method.or_else(|| previous.and_then(|p| p.payment_method.clone())),
        trial_end: None,
        current_period_start: now,
        current_period_end: interval.period_end(now)?,
        cycle_anchor: now,
        cancel_at_period_end: false,
        canceled_at: None,
        paused_at: None,
        pending_plan_version_id: None,
        pending_interval: None,
        failed_attempts: 0,
        next_retry_at: None,
        provider_event_at: previous.and_then(|p| p.provider_event_at),
        version: previous.map_or(1, |p| p.version + 1),
        created_at: now,
        updated_at: now,
    };
    let mut invoice = None;
    if trial {
        let end = now + Duration::days(i64::from(plan.trial_days));
        row.status = SubscriptionStatus::Trialing.into();
        row.trial_end = Some(end);
        row.current_period_end = end;
        row.cycle_anchor = end;
    } else {
        let period = (row.current_period_start, row.current_period_end);
        let issued = issue(
            conn,
            tenant,
            Bill {
                reason: InvoiceReason::SubscriptionCreate,
                currency: plan.currency.clone(),
                period,
                lines: vec![plan_line(plan, interval, period)?],
            },
            now,
        )
        .await?;
        if issued.amount_due_minor.0 == 0 {
            row.status = SubscriptionStatus::Active.into();
        }
        invoice = Some(issued);
    }
    let row = match previous {
        None => store::insert(conn, row).await?,
        Some(_) => {
            store::save(
                conn,
                Model {
                    version: row.version - 1,
                    ..row
                },
                now,
            )
            .await?
        }
    };
    Ok(Outcome {
        row,
        kind: if trial { "trial_started" } else { "created" },
        invoice,
    })
}

async fn change_plan(
    conn: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    row: &Model,
    plan: &PlanVersion,
    interval: Interval,
    payment_method: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<Outcome> {
    let status: SubscriptionStatus = row.status.into();
    match status {
        SubscriptionStatus::Unpaid => {
            return Err(AppError::conflict(
                "the subscription is unpaid: pay the open invoice before changing the plan",
            ));
        }
        SubscriptionStatus::Paused => {
            return Err(AppError::conflict(
                "the subscription is paused: resume it before changing the plan",
            ));
        }
        SubscriptionStatus::Incomplete => {
            return Err(AppError::conflict(
                "the first payment is pending: change the plan once it is paid",
            ));
        }
        _ => {}
    }
    let mut next = row.clone();
    if let Some(pm) = payment_method {
        next.payment_method = Some(pm);
    }
    let current_interval: Interval = row.interval.into();
    let same = row.plan_version_id == plan.id.as_uuid() && current_interval == interval;
    if same {
        if row.pending_plan_version_id.is_none() {
            return Err(AppError::conflict(format!(
                "the subscription is already on {} (version {}), billed per {}",
                plan.plan_code,
                plan.version,
                interval.noun()
            )));
        }
        // Choosing the current plan again calls off a scheduled downgrade.
        next.pending_plan_version_id = None;
        next.pending_interval = None;
        let row = store::save(conn, next, now).await?;
        return Ok(Outcome {
            row,
            kind: "pending_change_canceled",
            invoice: None,
        });
    }
    next.pending_plan_version_id = None;
    next.pending_interval = None;
    if status == SubscriptionStatus::Trialing {
        // During a trial nothing is billed yet: the new plan applies at once.
        next.plan_version_id = plan.id.as_uuid();
        next.interval = interval.into();
        let row = store::save(conn, next, now).await?;
        return Ok(Outcome {
            row,
            kind: "plan_changed",
            invoice: None,
        });
    }
    let old = plans::version_of(conn, row.plan_version_id.into()).await?;
    if old.currency != plan.currency {
        return Err(AppError::invalid_field(
            "planCode",
            format!(
                "the plan is priced in {}, the subscription in {}",
                plan.currency, old.currency
            ),
        ));
    }
    let upgrade = plan.yearly_equivalent(interval)? > old.yearly_equivalent(current_interval)?;
    if !upgrade {
        next.pending_plan_version_id = Some(plan.id.as_uuid());
        next.pending_interval = Some(interval.into());
        let row = store::save(conn, next, now).await?;
        return Ok(Outcome {
            row,
            kind: "downgrade_scheduled",
            invoice: None,
        });
    }
    let period_secs = (row.current_period_end - row.current_period_start).num_seconds();
    let remaining = (row.current_period_end - now)
        .num_seconds()
        .clamp(0, period_secs);
    let old_price = old.price(current_interval)?;
    let new_price = plan.price(interval)?;
    let share = format!("{} of {} days left", days(remaining), days(period_secs));
    let (lines, period) = if current_interval == interval {
        let amount = proration(old_price, new_price, remaining, period_secs)?;
        let line = NewLineRow {
            kind: LineKind::Proration,
            description: format!(
                "{} instead of {} for the rest of the period ({share}, to the second)",
                plan.plan_name, old.plan_name
            ),
            amount_minor: amount,
            period: Some((now, row.current_period_end)),
        };
        (vec![line], (now, row.current_period_end))
    } else {
        // A new interval starts a new period: the unused time is credited.
        let end = interval.period_end(now)?;
        let unused = proration(0, old_price, remaining, period_secs)?.min(new_price);
        next.current_period_start = now;
        next.current_period_end = end;
        next.cycle_anchor = now;
        let credit = NewLineRow {
            kind: LineKind::Credit,
            description: format!("Unused time on {} ({share})", old.plan_name),
            amount_minor: -unused,
            period: Some((now, row.current_period_end)),
        };
        (
            vec![plan_line(plan, interval, (now, end))?, credit],
            (now, end),
        )
    };
    next.plan_version_id = plan.id.as_uuid();
    next.interval = interval.into();
    let invoice = issue(
        conn,
        tenant,
        Bill {
            reason: InvoiceReason::SubscriptionUpdate,
            currency: plan.currency.clone(),
            period,
            lines,
        },
        now,
    )
    .await?;
    let row = store::save(conn, next, now).await?;
    Ok(Outcome {
        row,
        kind: "upgraded",
        invoice: Some(invoice),
    })
}

/// Seconds as days with two decimals, for people reading an invoice line.
fn days(secs: i64) -> String {
    let hundredths = (secs * 100 + 43_200) / 86_400;
    if hundredths % 100 == 0 {
        format!("{}", hundredths / 100)
    } else {
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    }
}
