//! What happens to a finalized invoice (superadmins): paid out of band,
//! voided, written off as uncollectible, or corrected by a credit note. A
//! paid or voided invoice that was the last one owed reactivates its
//! subscription at once.

use super::issue::unit_of_invoice;
use super::store::{self, Transition};
use super::{Invoice, InvoiceStatus, NewCreditNote};
use crate::audit::service::Change;
use crate::billing::arithmetic::creditable;
use crate::billing::clock;
use crate::billing::subscriptions::cycle;
use crate::command::Unit;
use chrono::Datelike;
use kernel::{AppError, AppResult, Db, InvoiceId, RequestContext};
use serde_json::json;

async fn locked(unit: &Unit<'_>, id: InvoiceId) -> AppResult<Invoice> {
    store::load(&**unit, unit.tenant, id, true)
        .await?
        .ok_or_else(|| AppError::not_found("invoice"))
}

async fn reload(unit: &Unit<'_>, id: InvoiceId) -> AppResult<Invoice> {
    store::load(&**unit, unit.tenant, id, false)
        .await?
        .ok_or_else(|| AppError::not_found("invoice"))
}

fn illegal(invoice: &Invoice, to: &str) -> AppError {
    AppError::conflict(format!("a {:?} invoice cannot become {to}", invoice.status).to_lowercase())
        .with_details(json!({ "invoiceId": invoice.id, "status": invoice.status }))
}

/// Paid outside the provider (a bank transfer): `open` or `uncollectible`
/// → `paid`.
pub async fn mark_paid(db: &Db, ctx: &RequestContext, id: InvoiceId) -> AppResult<Invoice> {
    let unit = unit_of_invoice(db, ctx, id).await?;
    let before = locked(&unit, id).await?;
    if !matches!(
        before.status,
        InvoiceStatus::Open | InvoiceStatus::Uncollectible
    ) {
        return Err(illegal(&before, "paid"));
    }
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    cycle::invoice_paid(&unit, &before, now).await?;
    let after = reload(&unit, id).await?;
    let change = Change::updated("billing.invoice.paid", "invoice", id, &before, &after)?;
    unit.commit_with(change, after).await
}

/// `open` or `uncollectible` → `void`: nothing is owed any more.
pub async fn void(db: &Db, ctx: &RequestContext, id: InvoiceId) -> AppResult<Invoice> {
    let unit = unit_of_invoice(db, ctx, id).await?;
    let before = locked(&unit, id).await?;
    if !matches!(
        before.status,
        InvoiceStatus::Open | InvoiceStatus::Uncollectible
    ) {
        return Err(illegal(&before, "void"));
    }
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    store::transition(&*unit, unit.tenant, id, Transition::Voided { at: now }).await?;
    cycle::reactivate_if_settled(&unit, now).await?;
    let after = reload(&unit, id).await?;
    let change = Change::updated("billing.invoice.voided", "invoice", id, &before, &after)?;
    unit.commit_with(change, after).await
}

/// `open` → `uncollectible`: written off, still payable.
pub async fn mark_uncollectible(
    db: &Db,
    ctx: &RequestContext,
    id: InvoiceId,
) -> AppResult<Invoice> {
    let unit = unit_of_invoice(db, ctx, id).await?;
    let before = locked(&unit, id).await?;
    if before.status != InvoiceStatus::Open {
        return Err(illegal(&before, "uncollectible"));
    }
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    store::transition(
        &*unit,
        unit.tenant,
        id,
        Transition::Uncollectible { at: now },
    )
    .await?;
    let after = reload(&unit, id).await?;
    let change = Change::updated(
        "billing.invoice.uncollectible",
        "invoice",
        id,
        &before,
        &after,
    )?;
    unit.commit_with(change, after).await
}

/// A credit note against a finalized invoice; credit notes never add up
/// to more than the invoice. Crediting all that is owed on an open
/// invoice settles it.
pub async fn credit(db: &Db, ctx: &RequestContext, input: NewCreditNote) -> AppResult<Invoice> {
    let id = input.invoice_id;
    let amount = input.amount_minor.0;
    if amount <= 0 {
        return Err(AppError::invalid_field("amountMinor", "must be positive"));
    }
    let unit = unit_of_invoice(db, ctx, id).await?;
    let before = locked(&unit, id).await?;
    if matches!(before.status, InvoiceStatus::Draft) {
        return Err(AppError::conflict("a draft is edited, not credited")
            .with_details(json!({ "invoiceId": id })));
    }
    if before.status == InvoiceStatus::Void {
        return Err(illegal(&before, "credited"));
    }
    let room = creditable(before.total_minor.0, before.credited_minor.0);
    if amount > room {
        return Err(AppError::invalid_field(
            "amountMinor",
            format!("at most {room} can still be credited on this invoice"),
        )
        .with_details(json!({ "creditable": room })));
    }
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    let year = now.year();
    let n = store::next_number(
        &*unit,
        entities::billing_sequences::SequenceKind::CreditNote,
        year,
    )
    .await?;
    let number = format!("CN-{year}-{n:06}");
    store::insert_credit_note(&*unit, unit.tenant, id, &number, amount, &input.reason, now).await?;
    let credited = before.credited_minor.0 + amount;
    store::transition(
        &*unit,
        unit.tenant,
        id,
        Transition::Credited {
            total_credited: credited,
        },
    )
    .await?;
    let owed = before.total_minor.0 - before.amount_paid_minor.0 - credited;
    if before.status == InvoiceStatus::Open && owed <= 0 {
        store::transition(
            &*unit,
            unit.tenant,
            id,
            Transition::Paid {
                amount: before.amount_paid_minor.0,
                at: now,
            },
        )
        .await?;
        cycle::reactivate_if_settled(&unit, now).await?;
    }
    let after = reload(&unit, id).await?;
    let change = Change::updated("billing.invoice.credited", "invoice", id, &before, &after)?;
    unit.commit_with(change, after).await
}
