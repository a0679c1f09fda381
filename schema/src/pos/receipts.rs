//! Receipts: one structured view of a ticket, rendered as plain text (for
//! printers) and HTML (for email). Reprints are marked as duplicates;
//! emailing goes through the outbox and the email job.

use super::READ;
use super::payments::{self, PaymentMethod};
use super::tickets::{self, LineStatus, TicketStatus};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::notifications::templates::{escape, money};
use chrono::{DateTime, NaiveDate, Utc};
use kernel::{AppError, AppResult, Db, RequestContext, TenantId, TicketId};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptLine {
    pub name: String,
    pub quantity: i32,
    pub modifiers: Vec<String>,
    pub note: Option<String>,
    /// Unit price with modifiers.
    pub unit_price_minor: i64,
    pub gross_minor: i64,
    pub discount_minor: i64,
    pub net_minor: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptTax {
    pub rate_bp: i32,
    /// The net amount taxed at this rate.
    pub base_minor: i64,
    pub tax_minor: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptPayment {
    pub method: PaymentMethod,
    pub amount_minor: i64,
    pub tip_minor: i64,
    pub tendered_minor: Option<i64>,
    pub change_minor: i64,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptRefund {
    pub amount_minor: i64,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    pub ticket_id: TicketId,
    pub business_name: String,
    pub location_name: String,
    /// `2026-11-25 #42`.
    pub number: String,
    pub business_day: NaiveDate,
    pub label: Option<String>,
    pub status: TicketStatus,
    pub currency: String,
    pub lines: Vec<ReceiptLine>,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub taxes: Vec<ReceiptTax>,
    pub tax_minor: i64,
    pub service_charge_minor: i64,
    pub total_minor: i64,
    pub tip_minor: i64,
    pub payments: Vec<ReceiptPayment>,
    pub refunds: Vec<ReceiptRefund>,
    pub settled_at: Option<DateTime<Utc>>,
    /// A reprint: marked DUPLICATE.
    pub duplicate: bool,
    pub text: String,
    pub html: String,
}

/// Where to email a receipt (the ticket is in the path or the GraphQL input).
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ReceiptEmailInput")]
#[schema(as = EmailReceiptBody)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptEmail {
    pub email: crate::text::EmailAddress,
}

pub(crate) async fn build(
    tx: &impl ConnectionTrait,
    tenant: TenantId,
    ticket_id: TicketId,
    duplicate: bool,
) -> AppResult<Receipt> {
    let ticket = tickets::read::find(tx, tenant, ticket_id).await?;
    let names = tickets::store::receipt_names(tx, tenant, ticket.location_id)
        .await?
        .ok_or_else(|| AppError::internal("ticket without location"))?;
    let lines: Vec<_> = tickets::store::lines_of(tx, tenant, &[ticket_id])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active)
        .collect();
    let mut taxes: BTreeMap<i32, (i64, i64)> = BTreeMap::new();
    for l in &lines {
        let entry = taxes.entry(l.tax_rate_bp).or_default();
        entry.0 += l.net_minor;
        entry.1 += l.tax_minor;
    }
    let payments = payments::store::payments_of(tx, tenant, &[ticket_id]).await?;
    let refunds = payments::store::refunds_of(tx, tenant, &[ticket_id]).await?;
    let mut receipt = Receipt {
        ticket_id,
        business_name: names.business,
        location_name: names.location,
        number: format!("{} #{}", ticket.business_day, ticket.number),
        business_day: ticket.business_day,
        label: ticket.label.clone(),
        status: ticket.status,
        currency: ticket.currency.clone().unwrap_or_default(),
        lines: lines
            .iter()
            .map(|l| ReceiptLine {
                name: match &l.variant_name {
                    Some(v) => format!("{} ({v})", l.name),
                    None => l.name.clone(),
                },
                quantity: l.quantity,
                modifiers: l.modifiers.iter().map(|m| m.name.clone()).collect(),
                note: l.note.clone(),
                unit_price_minor: l.unit_price_minor
                    + l.modifiers.iter().map(|m| m.price_delta_minor).sum::<i64>(),
                gross_minor: l.gross_minor,
                discount_minor: l.discount_minor,
                net_minor: l.net_minor,
            })
            .collect(),
        subtotal_minor: ticket.subtotal_minor,
        discount_minor: ticket.discount_minor,
        taxes: taxes
            .into_iter()
            .map(|(rate_bp, (base_minor, tax_minor))| ReceiptTax {
                rate_bp,
                base_minor,
                tax_minor,
            })
            .collect(),
        tax_minor: ticket.tax_minor,
        service_charge_minor: ticket.service_charge_minor,
        total_minor: ticket.total_minor,
        tip_minor: ticket.tip_minor,
        payments: payments
            .iter()
            .map(|p| ReceiptPayment {
                method: p.method,
                amount_minor: p.amount_minor,
                tip_minor: p.tip_minor,
                tendered_minor: p.tendered_minor,
                change_minor: p.change_minor,
                card_brand: p.card_brand.clone(),
                card_last4: p.card_last4.clone(),
            })
            .collect(),
        refunds: refunds
            .iter()
            .map(|r| ReceiptRefund {
                amount_minor: r.amount_minor,
                reason: r.reason.clone(),
                created_at: r.created_at,
            })
            .collect(),
        settled_at: ticket.settled_at,
        duplicate,
        text: String::new(),
        html: String::new(),
    };
    receipt.text = render_text(&receipt);
    receipt.html = render_html(&receipt);
    Ok(receipt)
}

fn percent(bp: i32) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    if frac == 0 {
        format!("{whole} %")
    } else {
        format!("{whole}.{frac:02} %")
    }
}

fn tender(p: &ReceiptPayment) -> String {
    match (p.method, &p.card_brand, &p.card_last4) {
        (PaymentMethod::Card, Some(brand), Some(last4)) => format!("Card {brand} ****{last4}"),
        (PaymentMethod::Card, _, _) => "Card".to_owned(),
        (PaymentMethod::Cash, _, _) => "Cash".to_owned(),
    }
}

/// 40 columns: what a receipt printer shows.
pub fn render_text(r: &Receipt) -> String {
    let c = r.currency.as_str();
    let mut out = String::new();
    let row = |out: &mut String, left: &str, right: &str| {
        let width = 40usize.saturating_sub(right.chars().count() + 1);
        let left: String = left.chars().take(width).collect();
        let _ = writeln!(out, "{left:<width$} {right}");
    };
    if r.duplicate {
        let _ = writeln!(out, "*** DUPLICATE ***");
    }
    let _ = writeln!(
        out,
        "{}\n{}\nTicket {}",
        r.business_name, r.location_name, r.number
    );
    if let Some(label) = &r.label {
        let _ = writeln!(out, "{label}");
    }
    out.push('\n');
    for l in &r.lines {
        row(
            &mut out,
            &format!("{} x {}", l.quantity, l.name),
            &money(l.gross_minor, c),
        );
        for m in &l.modifiers {
            let _ = writeln!(out, "    + {m}");
        }
        if let Some(note) = &l.note {
            let _ = writeln!(out, "    \"{note}\"");
        }
    }
    out.push('\n');
    row(&mut out, "Subtotal", &money(r.subtotal_minor, c));
    if r.discount_minor != 0 {
        row(&mut out, "Discounts", &money(-r.discount_minor, c));
    }
    for t in &r.taxes {
        row(
            &mut out,
            &format!("Tax {} on {}", percent(t.rate_bp), money(t.base_minor, c)),
            &money(t.tax_minor, c),
        );
    }
    if r.service_charge_minor != 0 {
        row(
            &mut out,
            "Service charge",
            &money(r.service_charge_minor, c),
        );
    }
    row(&mut out, "TOTAL", &money(r.total_minor, c));
    if r.tip_minor != 0 {
        row(&mut out, "Tip", &money(r.tip_minor, c));
    }
    for p in &r.payments {
        row(
            &mut out,
            &tender(p),
            &money(p.amount_minor + p.tip_minor, c),
        );
        if p.change_minor > 0 {
            row(&mut out, "  Change", &money(p.change_minor, c));
        }
    }
    for refund in &r.refunds {
        row(
            &mut out,
            &format!("Refund: {}", refund.reason),
            &money(-refund.amount_minor, c),
        );
    }
    let _ = writeln!(out, "\nThank you!");
    out
}

pub fn render_html(r: &Receipt) -> String {
    let c = r.currency.as_str();
    let mut rows = String::new();
    let mut row = |left: &str, right: &str| {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td style=\"text-align:right\">{}</td></tr>",
            escape(left),
            escape(right)
        );
    };
    for l in &r.lines {
        let mut name = format!("{} x {}", l.quantity, l.name);
        if !l.modifiers.is_empty() {
            name.push_str(&format!(" ({})", l.modifiers.join(", ")));
        }
        row(&name, &money(l.gross_minor, c));
    }
    row("Subtotal", &money(r.subtotal_minor, c));
    if r.discount_minor != 0 {
        row("Discounts", &money(-r.discount_minor, c));
    }
    for t in &r.taxes {
        row(
            &format!("Tax {}", percent(t.rate_bp)),
            &money(t.tax_minor, c),
        );
    }
    if r.service_charge_minor != 0 {
        row("Service charge", &money(r.service_charge_minor, c));
    }
    row("Total", &money(r.total_minor, c));
    if r.tip_minor != 0 {
        row("Tip", &money(r.tip_minor, c));
    }
    for p in &r.payments {
        row(&tender(p), &money(p.amount_minor + p.tip_minor, c));
    }
    for refund in &r.refunds {
        row(
            &format!("Refund: {}", refund.reason),
            &money(-refund.amount_minor, c),
        );
    }
    format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\">{}<h1>{}</h1><p>{}<br>Ticket {}</p><table>{rows}</table><p>Thank you!</p></body></html>",
        if r.duplicate {
            "<p><strong>DUPLICATE</strong></p>"
        } else {
            ""
        },
        escape(&r.business_name),
        escape(&r.location_name),
        escape(&r.number),
    )
}

pub async fn get(db: &Db, ctx: &RequestContext, ticket_id: TicketId) -> AppResult<Receipt> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let receipt = build(&*unit, unit.tenant, ticket_id, false).await?;
    unit.commit(receipt).await
}

/// A reprint, marked DUPLICATE and kept in the audit trail.
pub async fn reprint(db: &Db, ctx: &RequestContext, ticket_id: TicketId) -> AppResult<Receipt> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let receipt = build(&*unit, unit.tenant, ticket_id, true).await?;
    // Audit only: a reprint is no event anyone reacts to.
    crate::audit::service::record(
        &*unit,
        ctx,
        crate::audit::service::AuditEntry {
            tenant_id: Some(unit.tenant),
            action: "pos.receipt.reprinted",
            entity_type: "pos_ticket",
            entity_id: Some(ticket_id.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    unit.commit(receipt).await
}

fn check_email(raw: &str) -> AppResult<String> {
    let email = raw.trim();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if !valid {
        return Err(AppError::invalid_field("email", "must be an email address"));
    }
    Ok(email.to_owned())
}

/// Asks the email job to send the receipt (`pos.receipt.email_requested`).
pub async fn email(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: TicketId,
    input: ReceiptEmail,
) -> AppResult<bool> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let to = check_email(&input.email)?;
    let ticket = tickets::read::find(&*unit, unit.tenant, ticket_id).await?;
    if ticket.status == TicketStatus::Voided {
        return Err(AppError::conflict("a voided ticket has no receipt"));
    }
    unit.commit_with(
        Change::new("pos.receipt.email_requested", "pos_ticket", ticket_id)
            .with_after(json!({ "ticketId": ticket_id, "email": to }))
            .with_version(ticket.version),
        true,
    )
    .await
}

/// The email of a receipt (for the notifications consumer).
pub async fn email_of(
    db: &Db,
    tenant: TenantId,
    ticket_id: TicketId,
    to: &str,
) -> AppResult<jobs::email::Email> {
    let tx = db.tenant_tx(tenant).await?;
    let receipt = build(&tx, tenant, ticket_id, false).await?;
    tx.commit().await?;
    Ok(jobs::email::Email {
        to: to.to_owned(),
        subject: format!(
            "Your receipt from {} ({})",
            receipt.business_name, receipt.number
        ),
        text: receipt.text,
        html: receipt.html,
    })
}
