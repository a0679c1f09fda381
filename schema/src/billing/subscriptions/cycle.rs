//! A subscription moving along its billing time: a trial ends, a period
//! renews (applying a scheduled downgrade or cancellation), a failed
//! renewal is retried on the operator's schedule, and paid or failed
//! invoices move the subscription between `active`, `past_due`, `unpaid`
//! and `canceled`. Each step is one transaction with its own audit row and
//! one `billing.subscription.updated`.
//!
//! Dunning: a failed charge makes an `active` subscription `past_due` and
//! schedules the next try `retry_days[n]` days after the invoice was
//! finalized (1, 3, 5, 7 by default); when the last retry fails it becomes
//! `unpaid` (business modules read-only) or `canceled`, as the plan says.
//! Paying the open invoice makes it `active` at once.

use super::change::plan_line;
use super::{SubscriptionStatus, record, store};
use crate::billing::invoices::issue::{Bill, issue};
use crate::billing::invoices::store::{self as invoices, Transition};
use crate::billing::invoices::{Invoice, InvoiceReason, InvoiceStatus};
use crate::billing::plans::{self, Interval, UnpaidOutcome};
use crate::billing::{clock, payments, settings};
use crate::command::Unit;
use crate::services::Services;
use chrono::{DateTime, Duration, Utc};
use entities::billing_subscriptions::Model;
use kernel::{AppError, AppResult, InvoiceId, RequestContext, TenantId};
use sea_orm::ConnectionTrait;

/// More steps than any real catch-up needs (a year of monthly renewals
/// with retries), so a bug cannot loop forever.
const MAX_STEPS: u32 = 100;

/// One step: the row after it, what happened, and an invoice to collect.
struct Step {
    row: Model,
    kind: &'static str,
    collect: Option<InvoiceId>,
}

/// Runs every step that is due at the tenant's billing time; returns how
/// many ran.
pub async fn run(services: &Services, ctx: &RequestContext, tenant: TenantId) -> AppResult<u32> {
    for done in 0..MAX_STEPS {
        let unit = Unit::open(&services.db, ctx, tenant).await?;
        let Some(row) = store::find(&*unit, tenant, true).await? else {
            unit.commit(()).await?;
            return Ok(done);
        };
        let now = clock::now(&*unit, ctx, tenant).await?;
        let Some(step) = due(&*unit, tenant, &row, now).await? else {
            unit.commit(()).await?;
            return Ok(done);
        };
        let collect = step.collect;
        record::save(&unit, &row, step.row, step.kind, now).await?;
        unit.commit(()).await?;
        if let Some(invoice) = collect {
            payments::collect(services, ctx, tenant, invoice).await;
        }
    }
    Err(AppError::internal(format!(
        "billing cycle of {tenant} did not settle in {MAX_STEPS} steps"
    )))
}

async fn due(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    row: &Model,
    now: DateTime<Utc>,
) -> AppResult<Option<Step>> {
    let status: SubscriptionStatus = row.status.into();
    let mut next = row.clone();
    match status {
        SubscriptionStatus::Trialing if row.current_period_end <= now => {
            if row.cancel_at_period_end {
                return Ok(Some(cancel_at_end(next)));
            }
            let invoice = renew(conn, tenant, &mut next).await?;
            next.status = SubscriptionStatus::Active.into();
            next.trial_end = row.trial_end;
            Ok(Some(Step {
                row: next,
                kind: "trial_ended",
                collect: Some(invoice.id),
            }))
        }
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
            if row.current_period_end <= now =>
        {
            if row.cancel_at_period_end {
                return Ok(Some(cancel_at_end(next)));
            }
            let invoice = renew(conn, tenant, &mut next).await?;
            Ok(Some(Step {
                row: next,
                kind: "renewed",
                collect: Some(invoice.id),
            }))
        }
        SubscriptionStatus::PastDue if row.next_retry_at.is_some_and(|at| at <= now) => {
            next.next_retry_at = None;
            let open = invoices::open_of(conn, tenant).await?;
            let collect = open.first().map(|i| i.id);
            Ok(Some(Step {
                row: next,
                kind: "payment_retried",
                collect,
            }))
        }
        _ => Ok(None),
    }
}

fn cancel_at_end(mut next: Model) -> Step {
    next.status = SubscriptionStatus::Canceled.into();
    next.canceled_at = Some(next.current_period_end);
    next.cancel_at_period_end = false;
    next.next_retry_at = None;
    Step {
        row: next,
        kind: "canceled",
        collect: None,
    }
}

/// Starts the next period (with a scheduled change applied) and invoices it.
async fn renew(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    next: &mut Model,
) -> AppResult<Invoice> {
    let start = next.current_period_end;
    if let (Some(plan), Some(interval)) = (next.pending_plan_version_id, next.pending_interval) {
        if interval != next.interval {
            // A move to another interval starts a cycle of its own.
            next.cycle_anchor = start;
        }
        next.plan_version_id = plan;
        next.interval = interval;
    }
    next.pending_plan_version_id = None;
    next.pending_interval = None;
    let interval: Interval = next.interval.into();
    let end = interval.period_end_from(next.cycle_anchor, start)?;
    next.current_period_start = start;
    next.current_period_end = end;
    let plan = plans::version_of(conn, next.plan_version_id.into()).await?;
    issue(
        conn,
        tenant,
        Bill {
            reason: InvoiceReason::SubscriptionCycle,
            currency: plan.currency.clone(),
            period: (start, end),
            lines: vec![plan_line(&plan, interval, (start, end))?],
        },
        start,
    )
    .await
}

/// A charge of `invoice` succeeded: the invoice is paid and a subscription
/// waiting on it is `active` again (read-only ends on the very next request).
pub(crate) async fn invoice_paid(
    unit: &Unit<'_>,
    invoice: &Invoice,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if matches!(
        invoice.status,
        InvoiceStatus::Open | InvoiceStatus::Uncollectible
    ) {
        invoices::transition(
            &**unit,
            unit.tenant,
            invoice.id,
            Transition::Paid {
                amount: invoice.amount_due_minor.0 + invoice.amount_paid_minor.0,
                at,
            },
        )
        .await?;
    }
    reactivate_if_settled(unit, at).await
}

/// After an invoice is paid or voided: a subscription that owes nothing
/// more becomes `active`.
pub(crate) async fn reactivate_if_settled(unit: &Unit<'_>, at: DateTime<Utc>) -> AppResult<()> {
    let Some(row) = store::find(&**unit, unit.tenant, true).await? else {
        return Ok(());
    };
    let status: SubscriptionStatus = row.status.into();
    if !matches!(
        status,
        SubscriptionStatus::Incomplete | SubscriptionStatus::PastDue | SubscriptionStatus::Unpaid
    ) || !invoices::open_of(&**unit, unit.tenant).await?.is_empty()
    {
        return Ok(());
    }
    let mut next = row.clone();
    next.status = SubscriptionStatus::Active.into();
    next.failed_attempts = 0;
    next.next_retry_at = None;
    record::save(unit, &row, next, "payment_succeeded", at).await?;
    Ok(())
}

/// A charge of `invoice` failed: dunning starts or goes on.
pub(crate) async fn payment_failed(
    unit: &Unit<'_>,
    invoice: &Invoice,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let Some(row) = store::find(&**unit, unit.tenant, true).await? else {
        return Ok(());
    };
    let status: SubscriptionStatus = row.status.into();
    if !matches!(
        status,
        SubscriptionStatus::Active | SubscriptionStatus::PastDue
    ) {
        return Ok(());
    }
    let retry_days = settings::current(&**unit).await?.retry_days;
    let mut next = row.clone();
    next.failed_attempts = row.failed_attempts + 1;
    let retry = usize::try_from(row.failed_attempts)
        .ok()
        .and_then(|n| retry_days.get(n));
    let from = invoice.finalized_at.unwrap_or(at);
    let kind = match retry {
        Some(days) => {
            next.status = SubscriptionStatus::PastDue.into();
            next.next_retry_at = Some(from + Duration::days(i64::from(*days)));
            "payment_failed"
        }
        None => {
            next.next_retry_at = None;
            let plan = plans::version_of(&**unit, row.plan_version_id.into()).await?;
            match plan.on_unpaid {
                UnpaidOutcome::Unpaid => {
                    next.status = SubscriptionStatus::Unpaid.into();
                    "unpaid"
                }
                UnpaidOutcome::Canceled => {
                    next.status = SubscriptionStatus::Canceled.into();
                    next.canceled_at = Some(at);
                    "canceled"
                }
            }
        }
    };
    record::save(unit, &row, next, kind, at).await?;
    Ok(())
}

/// Runs the due steps of every tenant that follows real time (tenants on
/// a test clock move only when it is advanced). Called by the job runner's
/// billing tick; a tenant's failure is logged and does not stop the rest.
pub async fn run_all_due(services: &Services, ctx: &RequestContext) -> AppResult<u32> {
    let tx = services.db.system_tx().await?;
    let due = store::due_tenants(&tx, ctx.now()).await?;
    tx.commit().await?;
    let mut steps = 0;
    for tenant in due {
        match run(services, ctx, tenant).await {
            Ok(n) => steps += n,
            Err(err) => tracing::warn!(
                module = "billing",
                action = "cycle",
                tenant_id = %tenant,
                error = %err,
                "billing cycle failed; retrying next tick"
            ),
        }
    }
    Ok(steps)
}
