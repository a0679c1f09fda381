//! Collecting an open invoice from the tenant's saved payment method, and
//! what a charge's outcome does. The charge is asked for after the
//! invoice's transaction commits (never a network call inside one); its
//! outcome arrives by webhook (`webhooks.rs`) and lands in [`settled`].

use crate::billing::clock;
use crate::billing::invoices::InvoiceStatus;
use crate::billing::invoices::store::{self as invoices, Transition};
use crate::billing::provider::ChargeRequest;
use crate::billing::subscriptions::{cycle, store as subscriptions};
use crate::command::Unit;
use crate::services::Services;
use kernel::{AppError, AppResult, ErrorCode, InvoiceId, RequestContext, TenantId};

/// Asks the provider to charge `invoice` if it is open and owed and the
/// tenant has a payment method on file. A failure is logged: the invoice
/// stays open and the superadmin (or a retry) can collect it later.
pub async fn collect(
    services: &Services,
    ctx: &RequestContext,
    tenant: TenantId,
    invoice: InvoiceId,
) {
    if let Err(err) = try_collect(services, ctx, tenant, invoice).await {
        tracing::warn!(
            module = "billing",
            action = "collect",
            tenant_id = %tenant,
            invoice_id = %invoice,
            error = %err,
            "could not ask the payment provider to charge the invoice"
        );
    }
}

async fn try_collect(
    services: &Services,
    ctx: &RequestContext,
    tenant: TenantId,
    id: InvoiceId,
) -> AppResult<()> {
    let Some(provider) = services.billing.provider.clone() else {
        return Ok(());
    };
    let unit = Unit::open(&services.db, ctx, tenant).await?;
    let invoice = invoices::load(&*unit, tenant, id, true)
        .await?
        .ok_or_else(|| AppError::not_found("invoice"))?;
    let method = subscriptions::find(&*unit, tenant, false)
        .await?
        .and_then(|s| s.payment_method);
    let (InvoiceStatus::Open, Some(method)) = (invoice.status, method) else {
        return unit.commit(()).await;
    };
    if invoice.amount_due_minor.0 <= 0 {
        return unit.commit(()).await;
    }
    invoices::transition(&*unit, tenant, id, Transition::Attempted).await?;
    unit.commit(()).await?;
    let request = ChargeRequest {
        // One key per attempt: a retried request never charges twice, a
        // dunning retry is a new charge.
        idempotency_key: format!("{id}-{}", invoice.attempt_count + 1),
        customer: tenant.to_string(),
        payment_method: method,
        amount_minor: invoice.amount_due_minor.0,
        currency: invoice.currency.clone(),
        invoice_id: id.as_uuid(),
        description: format!("Invoice {}", invoice.number.as_deref().unwrap_or_default()),
    };
    match provider.charge(&request).await {
        Ok(accepted) => {
            let unit = Unit::open(&services.db, ctx, tenant).await?;
            invoices::record_intent(&*unit, tenant, id, &accepted.payment_intent_id).await?;
            unit.commit(()).await
        }
        // The provider refused the request itself (an unknown payment
        // method): a failed payment, as a decline would be.
        Err(err) if err.code() == ErrorCode::Validation => {
            settled(services, ctx, tenant, id, Outcome::Failed, None)
                .await
                .map(|_| ())
        }
        Err(err) => Err(err),
    }
}

/// A charge's outcome, as the provider reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
}

/// Applies a charge's outcome to the invoice and its subscription, at the
/// tenant's billing time. An outcome for an invoice no longer open (paid by
/// an earlier delivery, voided) changes nothing. `reported_at` is the
/// provider event's time: the subscription remembers the newest it applied,
/// and an older one is not applied (`Ok(false)`), checked under the
/// subscription's lock so concurrent deliveries cannot slip past each other.
pub async fn settled(
    services: &Services,
    ctx: &RequestContext,
    tenant: TenantId,
    id: InvoiceId,
    outcome: Outcome,
    reported_at: Option<chrono::DateTime<chrono::Utc>>,
) -> AppResult<bool> {
    let unit = Unit::open(&services.db, ctx, tenant).await?;
    if let Some(at) = reported_at {
        let newest = subscriptions::find(&*unit, tenant, true)
            .await?
            .and_then(|s| s.provider_event_at);
        if newest.is_some_and(|n| at < n) {
            return unit.commit(false).await;
        }
        subscriptions::note_provider_event(&*unit, tenant, at).await?;
    }
    let Some(invoice) = invoices::load(&*unit, tenant, id, true).await? else {
        return unit.commit(true).await;
    };
    let now = clock::now(&*unit, ctx, tenant).await?;
    match (outcome, invoice.status) {
        (Outcome::Succeeded, InvoiceStatus::Open | InvoiceStatus::Uncollectible) => {
            cycle::invoice_paid(&unit, &invoice, now).await?;
            let after = invoices::load(&*unit, tenant, id, false).await?;
            let change = crate::audit::service::Change::updated(
                "billing.invoice.paid",
                "invoice",
                id,
                &invoice,
                &after,
            )?;
            unit.commit_with(change, true).await
        }
        (Outcome::Failed, InvoiceStatus::Open) => {
            cycle::payment_failed(&unit, &invoice, now).await?;
            let change = crate::audit::service::Change::new(
                "billing.invoice.payment_failed",
                "invoice",
                id,
            )
            .with_after(
                serde_json::json!({ "invoiceId": id, "attemptCount": invoice.attempt_count }),
            );
            unit.commit_with(change, true).await
        }
        _ => unit.commit(true).await,
    }
}
