//! Refunding a settled ticket's payment, in full or in part, to the tender
//! it was paid with; with `restock`, the goods go back into stock. A refund
//! never exceeds what is left of its payment.

use super::store::{self, NewRefundRow};
use super::{LineReturn, NewRefund, PaymentMethod, RefundLine, RefundResult};
use crate::command::Unit;
use crate::idempotency::{self, Key};
use crate::pos::tickets::store::{self as tickets, LineUpdate, TicketUpdate};
use crate::pos::tickets::{LineStatus, TicketLine, TicketStatus, lock, ticket_event};
use crate::pos::{REFUND, card, check_amount, check_text, shifts};
use kernel::{AppError, AppResult, Db, LineId, PaymentId, RequestContext, TenantId, TicketId};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// What makes two attempts the same refund.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprint<'a> {
    payment_id: PaymentId,
    #[serde(flatten)]
    refund: &'a NewRefund,
}

pub async fn refund(
    db: &Db,
    ctx: &RequestContext,
    payment_id: PaymentId,
    request: NewRefund,
    idempotency_key: &str,
) -> AppResult<RefundResult> {
    let unit = Unit::begin(db, ctx, REFUND).await?;
    let tenant = unit.tenant;
    let reason = check_text("reason", Some(request.reason.as_str()), true)?.unwrap_or_default();
    if let Some(a) = request.amount_minor {
        check_amount("amountMinor", a, false)?;
    }
    if !request.restock && request.lines.is_some() {
        return Err(AppError::invalid_field(
            "lines",
            "are for restocking refunds",
        ));
    }
    let fingerprint = Fingerprint {
        payment_id,
        refund: &request,
    };
    let key = Key::new("pos.refund", idempotency_key, &fingerprint)?;
    let result = idempotency::once(&unit, tenant, Some(&key), async || {
        let payment = store::find(&*unit, tenant, payment_id)
            .await?
            .ok_or_else(|| AppError::not_found("payment"))?;
        let ticket = lock(&*unit, tenant, payment.ticket_id).await?;
        if ticket.status != TicketStatus::Settled {
            return Err(AppError::conflict("only settled tickets are refunded"));
        }
        // Re-read under the ticket's lock: a concurrent refund may have moved it.
        let refunded = store::find(&*unit, tenant, payment.id)
            .await?
            .ok_or_else(|| AppError::internal("payment vanished"))?
            .refunded_minor;
        let refundable = payment.amount_minor + payment.tip_minor - refunded;
        let amount = request.amount_minor.unwrap_or(refundable);
        if refundable <= 0 {
            return Err(AppError::conflict("the payment is already fully refunded"));
        }
        if amount > refundable {
            return Err(AppError::invalid_field("amountMinor", "is more than is left to refund")
                .with_details(json!({ "fields": { "amountMinor": "more than is left to refund" },
                                      "refundableMinor": refundable })));
        }
        let shift = shifts::store::open_at(&*unit, tenant, ticket.location_id).await?;
        if payment.method == PaymentMethod::Cash && shift.is_none() {
            return Err(AppError::conflict(
                "open a shift at this location before refunding cash",
            ));
        }
        let returned = if request.restock {
            restock_lines(&*unit, tenant, ticket.id, request.lines.as_deref()).await?
        } else {
            Vec::new()
        };
        let provider_ref = match payment.method {
            PaymentMethod::Card => Some(card::refund(payment.provider_ref.as_deref().unwrap_or_default())),
            PaymentMethod::Cash => None,
        };
        let lines: Vec<RefundLine> = returned.iter().map(|(l, _)| l.clone()).collect();
        let refund = store::insert_refund(
            &*unit,
            NewRefundRow {
                tenant,
                ticket: ticket.id,
                payment: payment.id,
                shift,
                amount_minor: amount,
                reason: &reason,
                restock: request.restock,
                lines: &lines,
                provider_ref,
                created_by: ctx.user_id(),
                at: unit.now(),
            },
        )
        .await?;
        store::add_refunded(&*unit, tenant, payment.id, amount).await?;
        let refunded = TicketUpdate::Refunded { amount_minor: amount };
        let after = tickets::update(&*unit, tenant, ticket.id, refunded, unit.now()).await?;
        let restocked: Vec<_> = returned
            .iter()
            .map(|(l, line)| {
                json!({ "lineId": l.line_id, "menuItemId": line.menu_item_id, "quantity": l.quantity,
                        "modifierIds": line.modifiers.iter().map(|m| m.modifier_id).collect::<Vec<_>>() })
            })
            .collect();
        unit.record(ticket_event(
            "pos.ticket.refunded",
            &after,
            json!({ "refundId": refund.id, "paymentId": payment.id, "method": payment.method,
                    "amountMinor": amount, "reason": reason, "restock": request.restock,
                    "refundedAt": refund.created_at, "lines": restocked }),
        ))
        .await?;
        Ok(RefundResult { refund, ticket: after })
    })
    .await?;
    unit.commit(result).await
}

/// Marks what goes back on the shelf, never more of a line than was sold.
async fn restock_lines(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: TicketId,
    asked: Option<&[LineReturn]>,
) -> AppResult<Vec<(RefundLine, TicketLine)>> {
    let lines: HashMap<LineId, TicketLine> = tickets::lines_of(conn, tenant, &[ticket])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active)
        .map(|l| (l.id, l))
        .collect();
    let wanted: Vec<RefundLine> = match asked {
        Some(asked) => asked
            .iter()
            .map(|l| RefundLine {
                line_id: l.line_id,
                quantity: l.quantity,
            })
            .collect(),
        None => lines
            .values()
            .filter(|l| l.quantity > l.returned)
            .map(|l| RefundLine {
                line_id: l.id,
                quantity: l.quantity - l.returned,
            })
            .collect(),
    };
    let mut out = Vec::with_capacity(wanted.len());
    for (i, w) in wanted.into_iter().enumerate() {
        let line = lines.get(&w.line_id).ok_or_else(|| {
            AppError::invalid_field(&format!("lines[{i}].lineId"), "not a line of this ticket")
        })?;
        if w.quantity < 1 || w.quantity > line.quantity - line.returned {
            return Err(AppError::invalid_field(
                &format!("lines[{i}].quantity"),
                format!(
                    "must be between 1 and {} (not yet returned)",
                    line.quantity - line.returned
                ),
            ));
        }
        tickets::update_line(conn, tenant, w.line_id, LineUpdate::Returned(w.quantity)).await?;
        out.push((w, line.clone()));
    }
    if out.is_empty() {
        return Err(AppError::invalid_field(
            "lines",
            "nothing is left to restock",
        ));
    }
    Ok(out)
}
