//! Payments and refunds: the types, the inputs (one each for GraphQL, REST
//! and OpenAPI) and the reads. Taking a payment is `take.rs`, settling a
//! paid ticket `settle.rs`, refunding `refund.rs`; every statement is in
//! `store.rs`. Each write a terminal may retry takes an idempotency key: the
//! same key and request return the first result.

mod refund;
mod settle;
pub(crate) mod store;
mod take;

pub use refund::refund;
pub use settle::settle;
pub use take::take;

use super::READ;
use super::tickets::Ticket;
use crate::command::Unit;
use crate::text::{Reason, Token};
use chrono::{DateTime, Utc};
use entities::pos_payments as payment_rows;
use kernel::{
    AppError, AppResult, Db, LineId, PaymentId, RefundId, RequestContext, ShiftId, TenantId,
    TicketId, UserId,
};
use serde::{Deserialize, Serialize};

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

impl From<payment_rows::PaymentMethod> for PaymentMethod {
    fn from(m: payment_rows::PaymentMethod) -> Self {
        match m {
            payment_rows::PaymentMethod::Cash => Self::Cash,
            payment_rows::PaymentMethod::Card => Self::Card,
        }
    }
}

impl From<PaymentMethod> for payment_rows::PaymentMethod {
    fn from(m: PaymentMethod) -> Self {
        match m {
            PaymentMethod::Cash => Self::Cash,
            PaymentMethod::Card => Self::Card,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub id: PaymentId,
    #[graphql(skip)]
    pub ticket_id: TicketId,
    pub shift_id: Option<ShiftId>,
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
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl From<payment_rows::Model> for Payment {
    fn from(r: payment_rows::Model) -> Self {
        Self {
            method: r.method.into(),
            id: r.id.into(),
            ticket_id: r.ticket_id.into(),
            shift_id: r.shift_id.map(Into::into),
            amount_minor: r.amount_minor,
            tip_minor: r.tip_minor,
            tendered_minor: r.tendered_minor,
            change_minor: r.change_minor,
            currency: r.currency,
            card_brand: r.card_brand,
            card_last4: r.card_last4,
            provider_ref: r.provider_ref,
            refunded_minor: r.refunded_minor,
            created_by: r.created_by.map(Into::into),
            created_at: r.created_at,
        }
    }
}

/// A line that went back on the shelf with a refund.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundLine {
    pub line_id: LineId,
    pub quantity: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub id: RefundId,
    #[graphql(skip)]
    pub ticket_id: TicketId,
    pub payment_id: PaymentId,
    pub amount_minor: i64,
    pub reason: String,
    /// Whether the goods went back into stock.
    pub restock: bool,
    pub lines: Vec<RefundLine>,
    pub provider_ref: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<entities::pos_refunds::Model> for Refund {
    type Error = AppError;
    fn try_from(r: entities::pos_refunds::Model) -> AppResult<Self> {
        Ok(Self {
            lines: serde_json::from_value(r.lines)?,
            id: r.id.into(),
            ticket_id: r.ticket_id.into(),
            payment_id: r.payment_id.into(),
            amount_minor: r.amount_minor,
            reason: r.reason,
            restock: r.restock,
            provider_ref: r.provider_ref,
            created_by: r.created_by.map(Into::into),
            created_at: r.created_at,
        })
    }
}

/// A payment as a terminal asks for it (the ticket is in the path or the
/// GraphQL input).
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewPaymentInput")]
#[schema(as = PaymentBody)]
#[serde(rename_all = "camelCase")]
pub struct NewPayment {
    pub method: PaymentMethod,
    /// Against the ticket; the balance when left out.
    pub amount_minor: Option<i64>,
    /// On top of the amount; 0 when left out.
    #[graphql(default)]
    #[serde(default)]
    pub tip_minor: i64,
    /// Cash handed over; change is what exceeds amount and tip.
    pub tendered_minor: Option<i64>,
    /// Sandbox tokens: `tok_visa`, `tok_mastercard`, `tok_amex` approve; `tok_declined` and `tok_insufficient_funds` decline.
    pub card_token: Option<Token>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResult {
    pub payment: Payment,
    pub ticket: Ticket,
    /// Cash to hand back.
    pub change_due_minor: i64,
}

/// A line to put back on the shelf, and how many.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RefundLineInput")]
#[schema(as = RefundLineBody)]
#[serde(rename_all = "camelCase")]
pub struct LineReturn {
    pub line_id: LineId,
    pub quantity: i32,
}

/// A refund as asked for (the payment is in the path or the GraphQL input).
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewRefundInput")]
#[schema(as = RefundBody)]
#[serde(rename_all = "camelCase")]
pub struct NewRefund {
    /// The rest of the payment (tip included) when left out.
    pub amount_minor: Option<i64>,
    /// Why, up to 500 characters.
    pub reason: Reason,
    /// Put the goods back into stock.
    #[graphql(default)]
    #[serde(default)]
    pub restock: bool,
    /// With `restock`: what goes back; every line not yet returned when left out.
    pub lines: Option<Vec<LineReturn>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundResult {
    pub refund: Refund,
    pub ticket: Ticket,
}

pub async fn get_payment(db: &Db, ctx: &RequestContext, id: PaymentId) -> AppResult<Payment> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let payment = store::find(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("payment"))?;
    unit.commit(payment).await
}

pub async fn payments_of_tickets(
    db: &Db,
    tenant: TenantId,
    tickets: &[TicketId],
) -> AppResult<Vec<Payment>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::payments_of(&tx, tenant, tickets).await?;
    tx.commit().await?;
    Ok(rows)
}

pub async fn refunds_of_tickets(
    db: &Db,
    tenant: TenantId,
    tickets: &[TicketId],
) -> AppResult<Vec<Refund>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::refunds_of(&tx, tenant, tickets).await?;
    tx.commit().await?;
    Ok(rows)
}
