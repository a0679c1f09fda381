//! Taking a payment: cash (with change, into the open shift's drawer) or a
//! sandbox card, in full or in part.

use super::store;
use super::{NewPayment, Payment, PaymentMethod, PaymentResult};
use crate::command::Unit;
use crate::idempotency::{self, Key};
use crate::pos::tickets::store::{self as tickets, TicketUpdate};
use crate::pos::tickets::{TicketStatus, lock, ticket_event};
use crate::pos::{PAY, card, check_amount, shifts};
use kernel::{AppError, AppResult, Db, PaymentId, RequestContext, TicketId};
use serde::Serialize;
use serde_json::json;

/// What makes two attempts the same payment.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprint<'a> {
    ticket_id: TicketId,
    #[serde(flatten)]
    payment: &'a NewPayment,
}

pub async fn take(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: TicketId,
    request: NewPayment,
    idempotency_key: &str,
) -> AppResult<PaymentResult> {
    let unit = Unit::begin(db, ctx, PAY).await?;
    let tenant = unit.tenant;
    check_amount("tipMinor", request.tip_minor, true)?;
    if let Some(a) = request.amount_minor {
        check_amount("amountMinor", a, false)?;
    }
    if let Some(t) = request.tendered_minor {
        check_amount("tenderedMinor", t, false)?;
    }
    if request.tip_minor > 0 && !ctx.feature_enabled("pos.tips") {
        return Err(AppError::authz("tips are switched off for this business")
            .with_details(json!({ "feature": "pos.tips" })));
    }
    let fingerprint = Fingerprint {
        ticket_id,
        payment: &request,
    };
    let key = Key::new("pos.payment", idempotency_key, &fingerprint)?;
    let result = idempotency::once(&unit, tenant, Some(&key), async || {
        let ticket = lock(&*unit, tenant, ticket_id).await?;
        match ticket.status {
            TicketStatus::Open => {}
            TicketStatus::Voided => return Err(AppError::conflict("the ticket is voided")),
            TicketStatus::Settled => return Err(AppError::conflict("the ticket is settled")),
            TicketStatus::Merged => {
                return Err(AppError::conflict("the ticket was merged into another"));
            }
        }
        let currency = ticket
            .currency
            .clone()
            .filter(|_| ticket.total_minor > 0)
            .ok_or_else(|| AppError::validation("the ticket has nothing to pay"))?;
        if ticket.balance_minor <= 0 {
            return Err(AppError::conflict("the ticket is already paid in full"));
        }
        if ticket.paid_minor > 0 && !ctx.feature_enabled("pos.split_payments") {
            return Err(
                AppError::authz("split payments are switched off for this business")
                    .with_details(json!({ "feature": "pos.split_payments" })),
            );
        }
        let amount = request.amount_minor.unwrap_or(ticket.balance_minor);
        let shift = shifts::store::open_at(&*unit, tenant, ticket.location_id).await?;
        let (tendered, change, charge) = match request.method {
            PaymentMethod::Cash => {
                if amount > ticket.balance_minor {
                    return Err(AppError::invalid_field(
                        "amountMinor",
                        "is more than the balance; hand over more cash instead and give change",
                    )
                    .with_details(
                        json!({ "fields": { "amountMinor": "more than the balance" },
                                          "balanceMinor": ticket.balance_minor }),
                    ));
                }
                if shift.is_none() {
                    return Err(AppError::conflict(
                        "open a shift at this location before taking cash",
                    ));
                }
                let tendered = request.tendered_minor.unwrap_or(amount + request.tip_minor);
                if tendered < amount + request.tip_minor {
                    return Err(AppError::invalid_field(
                        "tenderedMinor",
                        "is less than the amount and tip",
                    ));
                }
                (Some(tendered), tendered - amount - request.tip_minor, None)
            }
            PaymentMethod::Card => {
                if request.tendered_minor.is_some() {
                    return Err(AppError::invalid_field(
                        "tenderedMinor",
                        "is for cash payments",
                    ));
                }
                if amount > ticket.balance_minor {
                    return Err(AppError::invalid_field(
                        "amountMinor",
                        "a card cannot be charged more than the balance",
                    )
                    .with_details(
                        json!({ "fields": { "amountMinor": "more than the balance" },
                                          "balanceMinor": ticket.balance_minor }),
                    ));
                }
                let charge =
                    card::charge(request.card_token.as_deref(), amount + request.tip_minor)?;
                (None, 0, Some(charge))
            }
        };
        let payment = store::insert(
            &*unit,
            tenant,
            Payment {
                id: PaymentId::new(),
                ticket_id: ticket.id,
                shift_id: shift,
                method: request.method,
                amount_minor: amount,
                tip_minor: request.tip_minor,
                tendered_minor: tendered,
                change_minor: change,
                currency,
                card_brand: charge.as_ref().map(|c| c.brand.to_owned()),
                card_last4: charge.as_ref().map(|c| c.last4.to_owned()),
                provider_ref: charge.map(|c| c.reference),
                refunded_minor: 0,
                created_by: ctx.user_id(),
                created_at: unit.now(),
            },
        )
        .await?;
        let paid = TicketUpdate::Paid {
            amount_minor: amount,
            tip_minor: request.tip_minor,
        };
        let after = tickets::update(&*unit, tenant, ticket.id, paid, unit.now()).await?;
        unit.record(ticket_event(
            "pos.ticket.paid",
            &after,
            json!({ "paymentId": payment.id, "method": payment.method, "amountMinor": amount,
                    "tipMinor": payment.tip_minor, "changeMinor": change }),
        ))
        .await?;
        Ok(PaymentResult {
            change_due_minor: change,
            payment,
            ticket: after,
        })
    })
    .await?;
    unit.commit(result).await
}
