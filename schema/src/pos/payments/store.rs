//! Every statement on `pos_payments` and `pos_refunds`.

use super::{Payment, Refund, RefundLine};
use chrono::{DateTime, Utc};
use entities::{pos_payments as payments, pos_refunds as refunds};
use kernel::{AppResult, PaymentId, RefundId, ShiftId, TenantId, TicketId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: PaymentId,
) -> AppResult<Option<Payment>> {
    Ok(
        payments::Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
            .one(conn)
            .await?
            .map(Payment::from),
    )
}

/// Payments of many tickets (relations loader, receipts).
pub(crate) async fn payments_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    tickets: &[TicketId],
) -> AppResult<Vec<Payment>> {
    Ok(payments::Entity::find()
        .filter(payments::Column::TenantId.eq(tenant))
        .filter(payments::Column::TicketId.is_in(tickets.iter().copied()))
        .order_by_asc(payments::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Payment::from)
        .collect())
}

pub(crate) async fn refunds_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    tickets: &[TicketId],
) -> AppResult<Vec<Refund>> {
    refunds::Entity::find()
        .filter(refunds::Column::TenantId.eq(tenant))
        .filter(refunds::Column::TicketId.is_in(tickets.iter().copied()))
        .order_by_asc(refunds::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Refund::try_from)
        .collect()
}

/// Writes a new payment, as the service made it, and reads it back.
pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    payment: Payment,
) -> AppResult<Payment> {
    Ok(payments::Entity::insert(payments::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(payment.id.as_uuid()),
        ticket_id: Set(payment.ticket_id.as_uuid()),
        shift_id: Set(payment.shift_id.map(|s| s.as_uuid())),
        method: Set(payment.method.into()),
        amount_minor: Set(payment.amount_minor),
        tip_minor: Set(payment.tip_minor),
        tendered_minor: Set(payment.tendered_minor),
        change_minor: Set(payment.change_minor),
        currency: Set(payment.currency),
        card_brand: Set(payment.card_brand),
        card_last4: Set(payment.card_last4),
        provider_ref: Set(payment.provider_ref),
        refunded_minor: Set(payment.refunded_minor),
        created_by: Set(payment.created_by.map(|u| u.as_uuid())),
        created_at: Set(payment.created_at),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// Counts `amount` more as refunded from the payment.
pub(crate) async fn add_refunded(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: PaymentId,
    amount_minor: i64,
) -> AppResult<()> {
    payments::Entity::update_many()
        .filter(payments::Column::TenantId.eq(tenant))
        .filter(payments::Column::Id.eq(id))
        .col_expr(
            payments::Column::RefundedMinor,
            Expr::col(payments::Column::RefundedMinor).add(amount_minor),
        )
        .exec(conn)
        .await?;
    Ok(())
}

pub(crate) struct NewRefundRow<'a> {
    pub tenant: TenantId,
    pub ticket: TicketId,
    pub payment: PaymentId,
    pub shift: Option<ShiftId>,
    pub amount_minor: i64,
    pub reason: &'a str,
    pub restock: bool,
    pub lines: &'a [RefundLine],
    pub provider_ref: Option<String>,
    pub created_by: Option<UserId>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert_refund(
    conn: &impl ConnectionTrait,
    row: NewRefundRow<'_>,
) -> AppResult<Refund> {
    refunds::Entity::insert(refunds::ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(RefundId::new().as_uuid()),
        ticket_id: Set(row.ticket.as_uuid()),
        payment_id: Set(row.payment.as_uuid()),
        shift_id: Set(row.shift.map(|s| s.as_uuid())),
        amount_minor: Set(row.amount_minor),
        reason: Set(row.reason.to_owned()),
        restock: Set(row.restock),
        lines: Set(serde_json::to_value(row.lines)?),
        provider_ref: Set(row.provider_ref),
        created_by: Set(row.created_by.map(|u| u.as_uuid())),
        created_at: Set(row.at),
    })
    .exec_with_returning(conn)
    .await?
    .try_into()
}
