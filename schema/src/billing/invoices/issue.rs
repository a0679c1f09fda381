//! Making invoices: the subscription's (issued and finalized in one go, in
//! the subscription change's transaction) and the superadmin's manual drafts
//! (lines added while a draft, then finalized).

use super::store::{self, Draft, NewLineRow, Transition};
use super::{Invoice, InvoiceReason, InvoiceStatus, LineKind, NewLine};
use crate::audit::service::Change;
use crate::billing::arithmetic::Totals;
use crate::billing::{clock, currency, settings};
use crate::command::Unit;
use crate::text::CurrencyCode;
use chrono::{DateTime, Datelike, Utc};
use kernel::{AppError, AppResult, Db, InvoiceId, RequestContext, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// What a subscription invoice bills.
pub(crate) struct Bill {
    pub reason: InvoiceReason,
    pub currency: String,
    pub period: (DateTime<Utc>, DateTime<Utc>),
    pub lines: Vec<NewLineRow>,
}

/// Makes, totals and finalizes an invoice in the caller's transaction. An
/// invoice of nothing to pay is paid as it is finalized.
pub(crate) async fn issue(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    bill: Bill,
    at: DateTime<Utc>,
) -> AppResult<Invoice> {
    let settings = settings::current(conn).await?;
    let id = InvoiceId::new();
    store::insert_draft(
        conn,
        Draft {
            tenant,
            id,
            reason: bill.reason,
            currency: &bill.currency,
            tax_name: &settings.tax_name,
            tax_rate_ppm: settings.tax_rate_ppm,
            period: bill.period,
            at,
        },
    )
    .await?;
    let amounts: Vec<i64> = bill.lines.iter().map(|l| l.amount_minor).collect();
    let totals = Totals::of(&amounts, 0, i64::from(settings.tax_rate_ppm))?;
    store::insert_lines(conn, tenant, id, 0, bill.lines).await?;
    open(conn, tenant, id, totals, &settings.invoice_prefix, at).await?;
    load(conn, tenant, id, false).await
}

async fn load(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: InvoiceId,
    lock: bool,
) -> AppResult<Invoice> {
    store::load(conn, tenant, id, lock)
        .await?
        .ok_or_else(|| AppError::not_found("invoice"))
}

/// Totals the draft once more, gives it the next number and opens it.
async fn finalize_in(
    conn: &impl ConnectionTrait,
    draft: &Invoice,
    prefix: &str,
    at: DateTime<Utc>,
) -> AppResult<Invoice> {
    if draft.status != InvoiceStatus::Draft {
        return Err(finalized(draft));
    }
    let amounts: Vec<i64> = draft.lines.iter().map(|l| l.amount_minor.0).collect();
    let totals = Totals::of(
        &amounts,
        draft.discount_minor.0,
        i64::from(draft.tax_rate_ppm),
    )?;
    open(conn, draft.tenant_id, draft.id, totals, prefix, at).await?;
    load(conn, draft.tenant_id, draft.id, false).await
}

/// Writes the totals, gives the next number and opens the invoice; one of
/// nothing to pay is paid as it opens.
async fn open(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: InvoiceId,
    totals: Totals,
    prefix: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    store::set_totals(conn, tenant, id, totals).await?;
    let year = at.year();
    let n = store::next_number(
        conn,
        entities::billing_sequences::SequenceKind::Invoice,
        year,
    )
    .await?;
    let number = format!("{prefix}-{year}-{n:06}");
    store::transition(conn, tenant, id, Transition::Finalized { number, at }).await?;
    if totals.total == 0 {
        store::transition(conn, tenant, id, Transition::Paid { amount: 0, at }).await?;
    }
    Ok(())
}

/// The error for changing an invoice that is no longer a draft.
pub(crate) fn finalized(invoice: &Invoice) -> AppError {
    AppError::conflict(format!(
        "invoice {} is {:?} and cannot be changed; correct it with a credit note",
        invoice.number.as_deref().unwrap_or("(draft)"),
        invoice.status
    ))
    .with_details(json!({ "invoiceId": invoice.id, "status": invoice.status }))
}

/// Opens the superadmin's unit in the tenant that owns `id`.
pub(crate) async fn unit_of_invoice<'c>(
    db: &Db,
    ctx: &'c RequestContext,
    id: InvoiceId,
) -> AppResult<Unit<'c>> {
    ctx.require_operator()?;
    let tx = db.system_tx().await?;
    let tenant = store::tenant_of(&tx, id).await?;
    tx.commit().await?;
    let tenant = tenant.ok_or_else(|| AppError::not_found("invoice"))?;
    Unit::open(db, ctx, tenant).await
}

fn check_line(line: &NewLine) -> AppResult<()> {
    if line.amount_minor.0 == 0 {
        return Err(AppError::invalid_field("amountMinor", "must not be zero"));
    }
    Ok(())
}

/// Superadmins: a manual draft invoice for a tenant (a set-up fee, a
/// one-off service), with its first lines.
pub async fn create_draft(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    currency_code: CurrencyCode,
    lines: Vec<NewLine>,
) -> AppResult<Invoice> {
    ctx.require_operator()?;
    currency::exponent(currency_code.as_str())?;
    lines.iter().try_for_each(check_line)?;
    let unit = Unit::open(db, ctx, tenant).await?;
    crate::tenants::service::find(&*unit, tenant).await?;
    let settings = settings::current(&*unit).await?;
    let now = clock::now(&*unit, ctx, tenant).await?;
    let id = InvoiceId::new();
    store::insert_draft(
        &*unit,
        Draft {
            tenant,
            id,
            reason: InvoiceReason::SubscriptionCreate,
            currency: currency_code.as_str(),
            tax_name: &settings.tax_name,
            tax_rate_ppm: settings.tax_rate_ppm,
            period: (now, now),
            at: now,
        },
    )
    .await?;
    store::insert_lines(&*unit, tenant, id, 0, manual(lines)).await?;
    let invoice = retotal(&*unit, tenant, id).await?;
    let change = Change::created("billing.invoice.created", "invoice", id, &invoice)?;
    unit.commit_with(change, invoice).await
}

fn manual(lines: Vec<NewLine>) -> Vec<NewLineRow> {
    lines
        .into_iter()
        .map(|l| NewLineRow {
            kind: if l.amount_minor.0 < 0 {
                LineKind::Credit
            } else {
                LineKind::Plan
            },
            description: l.description.into_inner(),
            amount_minor: l.amount_minor.0,
            period: None,
        })
        .collect()
}

/// Keeps a draft's figures current as lines are added.
async fn retotal(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: InvoiceId,
) -> AppResult<Invoice> {
    let draft = load(conn, tenant, id, false).await?;
    let amounts: Vec<i64> = draft.lines.iter().map(|l| l.amount_minor.0).collect();
    // A draft may go below zero while being edited; it cannot be finalized so.
    if let Ok(totals) = Totals::of(
        &amounts,
        draft.discount_minor.0,
        i64::from(draft.tax_rate_ppm),
    ) {
        store::set_totals(conn, tenant, id, totals).await?;
    }
    load(conn, tenant, id, false).await
}

/// Superadmins: adds a line to a draft; a finalized invoice is `CONFLICT`.
pub async fn add_line(
    db: &Db,
    ctx: &RequestContext,
    id: InvoiceId,
    line: NewLine,
) -> AppResult<Invoice> {
    check_line(&line)?;
    let unit = unit_of_invoice(db, ctx, id).await?;
    let before = load(&*unit, unit.tenant, id, true).await?;
    if before.status != InvoiceStatus::Draft {
        return Err(finalized(&before));
    }
    let position = i32::try_from(before.lines.len()).unwrap_or(i32::MAX);
    store::insert_lines(&*unit, unit.tenant, id, position, manual(vec![line])).await?;
    let invoice = retotal(&*unit, unit.tenant, id).await?;
    let change = Change::updated("billing.invoice.updated", "invoice", id, &before, &invoice)?;
    unit.commit_with(change, invoice).await
}

/// Superadmins: finalizes a draft: numbered, immutable, owed.
pub async fn finalize(db: &Db, ctx: &RequestContext, id: InvoiceId) -> AppResult<Invoice> {
    let unit = unit_of_invoice(db, ctx, id).await?;
    let before = load(&*unit, unit.tenant, id, true).await?;
    let settings = settings::current(&*unit).await?;
    let now = clock::now(&*unit, ctx, unit.tenant).await?;
    let invoice = finalize_in(&*unit, &before, &settings.invoice_prefix, now).await?;
    let change = Change::updated(
        "billing.invoice.finalized",
        "invoice",
        id,
        &before,
        &invoice,
    )?;
    unit.commit_with(change, invoice).await
}

/// Superadmins: a draft's discount, in minor units off its lines before
/// tax; more than the lines is `VALIDATION`, a finalized invoice `CONFLICT`.
pub async fn set_discount(
    db: &Db,
    ctx: &RequestContext,
    id: InvoiceId,
    amount: kernel::Long,
) -> AppResult<Invoice> {
    let unit = unit_of_invoice(db, ctx, id).await?;
    let before = load(&*unit, unit.tenant, id, true).await?;
    if before.status != InvoiceStatus::Draft {
        return Err(finalized(&before));
    }
    let amounts: Vec<i64> = before.lines.iter().map(|l| l.amount_minor.0).collect();
    let totals = Totals::of(&amounts, amount.0, i64::from(before.tax_rate_ppm))?;
    store::set_totals(&*unit, unit.tenant, id, totals).await?;
    let invoice = load(&*unit, unit.tenant, id, false).await?;
    let change = Change::updated("billing.invoice.updated", "invoice", id, &before, &invoice)?;
    unit.commit_with(change, invoice).await
}
