//! Payments, settling and refunds. Every write a terminal may retry takes an
//! idempotency key: the same key and request return the first result.

use super::card;
use super::tickets::{self, LineStatus, Ticket, TicketStatus, publish};
use super::{PAY, READ, REFUND, check_amount, check_text};
use crate::idempotency::{self, Key};
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentMethod {
    Cash,
    Card,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cash => "cash",
            Self::Card => "card",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub id: Uuid,
    #[graphql(skip)]
    pub ticket_id: Uuid,
    pub shift_id: Option<Uuid>,
    pub method: PaymentMethod,
    /// What the payment put against the ticket's total.
    pub amount_minor: i64,
    pub tip_minor: i64,
    /// Cash handed over.
    pub tendered_minor: Option<i64>,
    /// Cash given back.
    pub change_minor: i64,
    pub currency: String,
    pub card_brand: Option<String>,
    pub card_last4: Option<String>,
    pub provider_ref: Option<String>,
    pub refunded_minor: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct PaymentRow {
    id: Uuid,
    ticket_id: Uuid,
    shift_id: Option<Uuid>,
    method: entities::pos_payments::PaymentMethod,
    amount_minor: i64,
    tip_minor: i64,
    tendered_minor: Option<i64>,
    change_minor: i64,
    currency: String,
    card_brand: Option<String>,
    card_last4: Option<String>,
    provider_ref: Option<String>,
    refunded_minor: i64,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl From<PaymentRow> for Payment {
    fn from(r: PaymentRow) -> Self {
        Self {
            // Read through the entity's enum: an unknown method is an error.
            method: match r.method {
                entities::pos_payments::PaymentMethod::Cash => PaymentMethod::Cash,
                entities::pos_payments::PaymentMethod::Card => PaymentMethod::Card,
            },
            id: r.id,
            ticket_id: r.ticket_id,
            shift_id: r.shift_id,
            amount_minor: r.amount_minor,
            tip_minor: r.tip_minor,
            tendered_minor: r.tendered_minor,
            change_minor: r.change_minor,
            currency: r.currency,
            card_brand: r.card_brand,
            card_last4: r.card_last4,
            provider_ref: r.provider_ref,
            refunded_minor: r.refunded_minor,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

const PAYMENT_COLUMNS: &str =
    "id, ticket_id, shift_id, method, amount_minor, tip_minor, tendered_minor, change_minor,
  currency, card_brand, card_last4, provider_ref, refunded_minor, created_by, created_at";

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundLine {
    pub line_id: Uuid,
    pub quantity: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub id: Uuid,
    #[graphql(skip)]
    pub ticket_id: Uuid,
    pub payment_id: Uuid,
    pub amount_minor: i64,
    pub reason: String,
    /// Whether the goods went back into stock.
    pub restock: bool,
    pub lines: Vec<RefundLine>,
    pub provider_ref: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct RefundRow {
    id: Uuid,
    ticket_id: Uuid,
    payment_id: Uuid,
    amount_minor: i64,
    reason: String,
    restock: bool,
    lines: serde_json::Value,
    provider_ref: Option<String>,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<RefundRow> for Refund {
    type Error = AppError;
    fn try_from(r: RefundRow) -> AppResult<Self> {
        Ok(Self {
            lines: serde_json::from_value(r.lines)?,
            id: r.id,
            ticket_id: r.ticket_id,
            payment_id: r.payment_id,
            amount_minor: r.amount_minor,
            reason: r.reason,
            restock: r.restock,
            provider_ref: r.provider_ref,
            created_by: r.created_by,
            created_at: r.created_at,
        })
    }
}

/// Payments of many tickets (dataloader, receipts, reports).
pub(crate) async fn payments_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    tickets: &[Uuid],
) -> AppResult<Vec<Payment>> {
    Ok(PaymentRow::find_by_statement(sql(
        &format!(
            "SELECT {PAYMENT_COLUMNS} FROM pos_payments WHERE tenant_id = $1 AND ticket_id = ANY($2) ORDER BY id"
        ),
        [tenant.as_uuid().into(), tickets.to_vec().into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(Payment::from)
    .collect())
}

pub(crate) async fn refunds_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    tickets: &[Uuid],
) -> AppResult<Vec<Refund>> {
    RefundRow::find_by_statement(sql(
        "SELECT id, ticket_id, payment_id, amount_minor, reason, restock, lines, provider_ref, created_by, created_at
         FROM pos_refunds WHERE tenant_id = $1 AND ticket_id = ANY($2) ORDER BY id",
        [tenant.as_uuid().into(), tickets.to_vec().into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(Refund::try_from)
    .collect()
}

pub async fn payments_of_tickets(
    db: &Db,
    tenant: TenantId,
    tickets: &[Uuid],
) -> AppResult<Vec<Payment>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = payments_of(&tx, tenant, tickets).await?;
    tx.commit().await?;
    Ok(rows)
}

pub async fn refunds_of_tickets(
    db: &Db,
    tenant: TenantId,
    tickets: &[Uuid],
) -> AppResult<Vec<Refund>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = refunds_of(&tx, tenant, tickets).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The open shift at a location, if any.
pub(crate) async fn open_shift_at(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    location: Uuid,
) -> AppResult<Option<Uuid>> {
    Ok(tx
        .query_one_raw(sql(
            "SELECT id FROM pos_shifts WHERE tenant_id = $1 AND location_id = $2 AND status = 'open'",
            [tenant.as_uuid().into(), location.into()],
        ))
        .await?
        .map(|r| r.try_get::<Uuid>("", "id"))
        .transpose()?)
}

/// A payment as a terminal asks for it; its JSON is the idempotency fingerprint.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest {
    pub ticket_id: Uuid,
    pub method: PaymentMethod,
    /// Against the ticket; the balance when left out.
    pub amount_minor: Option<i64>,
    pub tip_minor: i64,
    /// Cash handed over; the amount plus tip when left out.
    pub tendered_minor: Option<i64>,
    /// The sandbox card token, for card payments.
    pub card_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResult {
    pub payment: Payment,
    pub ticket: Ticket,
    /// Cash to hand back.
    pub change_due_minor: i64,
}

pub async fn take(
    db: &Db,
    ctx: &RequestContext,
    request: PaymentRequest,
    idempotency_key: &str,
) -> AppResult<PaymentResult> {
    let tenant = ctx.require(PAY)?;
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
    let key = Key::new("pos.payment", idempotency_key, &request)?;
    let tx = db.tenant_tx(tenant).await?;
    let result = idempotency::once(&tx, tenant, Some(&key), async || {
        let ticket = tickets::find(&tx, tenant, request.ticket_id, true).await?;
        match ticket.status {
            TicketStatus::Open => {}
            TicketStatus::Voided => return Err(AppError::conflict("the ticket is voided")),
            TicketStatus::Settled => return Err(AppError::conflict("the ticket is settled")),
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
            return Err(AppError::authz("split payments are switched off for this business")
                .with_details(json!({ "feature": "pos.split_payments" })));
        }
        let amount = request.amount_minor.unwrap_or(ticket.balance_minor);
        let shift = open_shift_at(&tx, tenant, ticket.location_id).await?;
        let (tendered, change, charge) = match request.method {
            PaymentMethod::Cash => {
                if amount > ticket.balance_minor {
                    return Err(AppError::invalid_field(
                        "amountMinor",
                        "is more than the balance; hand over more cash instead and give change",
                    )
                    .with_details(json!({ "fields": { "amountMinor": "more than the balance" },
                                          "balanceMinor": ticket.balance_minor })));
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
                    .with_details(json!({ "fields": { "amountMinor": "more than the balance" },
                                          "balanceMinor": ticket.balance_minor })));
                }
                let charge = card::charge(request.card_token.as_deref(), amount + request.tip_minor)?;
                (None, 0, Some(charge))
            }
        };
        let payment: Payment = PaymentRow::find_by_statement(sql(
            &format!(
                "INSERT INTO pos_payments (tenant_id, id, ticket_id, shift_id, method, amount_minor, tip_minor,
                   tendered_minor, change_minor, currency, card_brand, card_last4, provider_ref, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {PAYMENT_COLUMNS}"
            ),
            [
                tenant.as_uuid().into(),
                Uuid::now_v7().into(),
                ticket.id.into(),
                shift.into(),
                request.method.as_str().into(),
                amount.into(),
                request.tip_minor.into(),
                tendered.into(),
                change.into(),
                currency.into(),
                charge.as_ref().map(|c| c.brand).into(),
                charge.as_ref().map(|c| c.last4).into(),
                charge.map(|c| c.reference).into(),
                ctx.user_id().map(|u| u.as_uuid()).into(),
            ],
        ))
        .one(&tx)
        .await?
        .ok_or_else(|| AppError::internal("payment not inserted"))?
        .into();
        let after = tickets::change(
            &tx,
            tenant,
            ticket.id,
            "paid_minor = paid_minor + $3, tip_minor = tip_minor + $4",
            vec![amount.into(), request.tip_minor.into()],
        )
        .await?;
        publish(
            &tx,
            ctx,
            tenant,
            "pos.ticket.paid",
            &after,
            json!({ "paymentId": payment.id, "method": payment.method, "amountMinor": amount,
                    "tipMinor": payment.tip_minor, "changeMinor": change }),
        )
        .await?;
        Ok(PaymentResult {
            change_due_minor: change,
            payment,
            ticket: after,
        })
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// Settles a fully paid ticket (`pos.ticket.settled`: the kitchen closes
/// it, stock is deducted). Settling a settled ticket returns it unchanged.
pub async fn settle(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: Uuid,
    idempotency_key: Option<&str>,
) -> AppResult<Ticket> {
    let tenant = ctx.require(PAY)?;
    let key = Key::optional(
        "pos.settle",
        idempotency_key,
        &json!({ "ticketId": ticket_id }),
    )?;
    let tx = db.tenant_tx(tenant).await?;
    let result = idempotency::once(&tx, tenant, key.as_ref(), async || {
        let ticket = tickets::find(&tx, tenant, ticket_id, true).await?;
        match ticket.status {
            TicketStatus::Settled => return Ok(ticket),
            TicketStatus::Voided => return Err(AppError::conflict("the ticket is voided")),
            TicketStatus::Open => {}
        }
        let lines: Vec<_> = tickets::lines_of(&tx, tenant, &[ticket_id])
            .await?
            .into_iter()
            .filter(|l| l.status == LineStatus::Active)
            .collect();
        if lines.is_empty() {
            return Err(AppError::validation(
                "the ticket has nothing on it; void it instead",
            ));
        }
        if ticket.balance_minor > 0 {
            return Err(AppError::conflict("the ticket is not fully paid")
                .with_details(json!({ "balanceMinor": ticket.balance_minor })));
        }
        let after = tickets::change(
            &tx,
            tenant,
            ticket_id,
            "status = 'settled', settled_at = now()",
            vec![],
        )
        .await?;
        let sold: Vec<_> = lines
            .iter()
            .map(|l| {
                json!({
                    "lineId": l.id, "menuItemId": l.menu_item_id, "quantity": l.quantity,
                    "modifierIds": l.modifiers.iter().map(|m| m.modifier_id).collect::<Vec<_>>(),
                })
            })
            .collect();
        publish(
            &tx,
            ctx,
            tenant,
            "pos.ticket.settled",
            &after,
            json!({ "settledAt": after.settled_at, "lines": sold }),
        )
        .await?;
        Ok(after)
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// A refund as asked for; its JSON is the idempotency fingerprint.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefundRequest {
    pub payment_id: Uuid,
    /// The rest of the payment (tip included) when left out.
    pub amount_minor: Option<i64>,
    pub reason: String,
    pub restock: bool,
    /// What goes back on the shelf; everything not yet returned when left out.
    pub lines: Option<Vec<RefundLine>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundResult {
    pub refund: Refund,
    pub ticket: Ticket,
}

/// Refunds a settled ticket's payment, in full or in part, to the tender
/// it was paid with. With `restock`, the goods go back into stock.
pub async fn refund(
    db: &Db,
    ctx: &RequestContext,
    request: RefundRequest,
    idempotency_key: &str,
) -> AppResult<RefundResult> {
    let tenant = ctx.require(REFUND)?;
    let reason = check_text("reason", Some(&request.reason), true)?.unwrap_or_default();
    if let Some(a) = request.amount_minor {
        check_amount("amountMinor", a, false)?;
    }
    if !request.restock && request.lines.is_some() {
        return Err(AppError::invalid_field(
            "lines",
            "are for restocking refunds",
        ));
    }
    let key = Key::new("pos.refund", idempotency_key, &request)?;
    let tx = db.tenant_tx(tenant).await?;
    let result = idempotency::once(&tx, tenant, Some(&key), async || {
        let payment: Payment = PaymentRow::find_by_statement(sql(
            &format!("SELECT {PAYMENT_COLUMNS} FROM pos_payments WHERE tenant_id = $1 AND id = $2"),
            [tenant.as_uuid().into(), request.payment_id.into()],
        ))
        .one(&tx)
        .await?
        .ok_or_else(|| AppError::not_found("payment"))?
        .into();
        let ticket = tickets::find(&tx, tenant, payment.ticket_id, true).await?;
        if ticket.status != TicketStatus::Settled {
            return Err(AppError::conflict("only settled tickets are refunded"));
        }
        // Re-read under the ticket's lock: a concurrent refund may have moved it.
        let refunded: i64 = tx
            .query_one_raw(sql(
                "SELECT refunded_minor FROM pos_payments WHERE tenant_id = $1 AND id = $2",
                [tenant.as_uuid().into(), payment.id.into()],
            ))
            .await?
            .ok_or_else(|| AppError::internal("payment vanished"))?
            .try_get("", "refunded_minor")?;
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
        let shift = open_shift_at(&tx, tenant, ticket.location_id).await?;
        if payment.method == PaymentMethod::Cash && shift.is_none() {
            return Err(AppError::conflict(
                "open a shift at this location before refunding cash",
            ));
        }
        let returned = if request.restock {
            restock_lines(&tx, tenant, ticket.id, request.lines.as_deref()).await?
        } else {
            Vec::new()
        };
        let provider_ref = match payment.method {
            PaymentMethod::Card => Some(card::refund(payment.provider_ref.as_deref().unwrap_or_default())),
            PaymentMethod::Cash => None,
        };
        let id = Uuid::now_v7();
        let lines_json = serde_json::to_value(returned.iter().map(|(l, _)| l).collect::<Vec<_>>())?;
        let refund: Refund = RefundRow::find_by_statement(sql(
            "INSERT INTO pos_refunds (tenant_id, id, ticket_id, payment_id, shift_id, amount_minor, reason, restock,
               lines, provider_ref, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             RETURNING id, ticket_id, payment_id, amount_minor, reason, restock, lines, provider_ref, created_by, created_at",
            [
                tenant.as_uuid().into(),
                id.into(),
                ticket.id.into(),
                payment.id.into(),
                shift.into(),
                amount.into(),
                reason.clone().into(),
                request.restock.into(),
                lines_json.into(),
                provider_ref.into(),
                ctx.user_id().map(|u| u.as_uuid()).into(),
            ],
        ))
        .one(&tx)
        .await?
        .ok_or_else(|| AppError::internal("refund not inserted"))?
        .try_into()?;
        tx.execute_raw(sql(
            "UPDATE pos_payments SET refunded_minor = refunded_minor + $3 WHERE tenant_id = $1 AND id = $2",
            [tenant.as_uuid().into(), payment.id.into(), amount.into()],
        ))
        .await?;
        let after = tickets::change(
            &tx,
            tenant,
            ticket.id,
            "refunded_minor = refunded_minor + $3",
            vec![amount.into()],
        )
        .await?;
        let restocked: Vec<_> = returned
            .iter()
            .map(|(l, line)| {
                json!({ "lineId": l.line_id, "menuItemId": line.menu_item_id, "quantity": l.quantity,
                        "modifierIds": line.modifiers.iter().map(|m| m.modifier_id).collect::<Vec<_>>() })
            })
            .collect();
        publish(
            &tx,
            ctx,
            tenant,
            "pos.ticket.refunded",
            &after,
            json!({ "refundId": refund.id, "paymentId": payment.id, "method": payment.method,
                    "amountMinor": amount, "reason": reason, "restock": request.restock,
                    "refundedAt": refund.created_at, "lines": restocked }),
        )
        .await?;
        Ok(RefundResult { refund, ticket: after })
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

/// Marks what goes back on the shelf, never more of a line than was sold.
async fn restock_lines(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    ticket: Uuid,
    asked: Option<&[RefundLine]>,
) -> AppResult<Vec<(RefundLine, tickets::TicketLine)>> {
    let lines: HashMap<Uuid, tickets::TicketLine> = tickets::lines_of(tx, tenant, &[ticket])
        .await?
        .into_iter()
        .filter(|l| l.status == LineStatus::Active)
        .map(|l| (l.id, l))
        .collect();
    let wanted: Vec<RefundLine> = match asked {
        Some(asked) => asked.to_vec(),
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
        tx.execute_raw(sql(
            "UPDATE pos_ticket_lines SET returned = returned + $3 WHERE tenant_id = $1 AND id = $2",
            [tenant.as_uuid().into(), w.line_id.into(), w.quantity.into()],
        ))
        .await?;
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

pub async fn get_payment(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<Payment> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let payment = PaymentRow::find_by_statement(sql(
        &format!("SELECT {PAYMENT_COLUMNS} FROM pos_payments WHERE tenant_id = $1 AND id = $2"),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("payment"))?
    .into();
    tx.commit().await?;
    Ok(payment)
}
