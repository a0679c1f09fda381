//! Payments over GraphQL: read one, take one, settle, refund.

use crate::gql::{rc, svc};
use crate::pos::payments::{self, NewPayment, NewRefund, Payment, PaymentResult, RefundResult};
use crate::pos::tickets::Ticket;
use crate::text::IdempotencyKey;
use async_graphql::{Context, InputObject, Object};
use kernel::{PaymentId, TicketId};

#[derive(InputObject)]
pub struct TakePaymentInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub payment: NewPayment,
    /// One per payment attempt: a retry with it returns the first result.
    pub idempotency_key: IdempotencyKey,
}

#[derive(InputObject)]
pub struct SettleTicketInput {
    pub ticket_id: TicketId,
    pub idempotency_key: Option<IdempotencyKey>,
}

#[derive(InputObject)]
pub struct RefundPaymentInput {
    pub payment_id: PaymentId,
    #[graphql(flatten)]
    pub refund: NewRefund,
    pub idempotency_key: IdempotencyKey,
}

#[derive(Default)]
pub struct PaymentsQuery;

#[Object]
impl PaymentsQuery {
    async fn payment(&self, ctx: &Context<'_>, id: PaymentId) -> async_graphql::Result<Payment> {
        Ok(payments::get_payment(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }
}

#[derive(Default)]
pub struct PaymentsMutation;

#[Object]
impl PaymentsMutation {
    /// Takes a cash or card payment, in full or in part.
    async fn take_payment(
        &self,
        ctx: &Context<'_>,
        input: TakePaymentInput,
    ) -> async_graphql::Result<PaymentResult> {
        let (db, rc) = (&svc(ctx)?.db, rc(ctx)?);
        let key = &input.idempotency_key;
        Ok(payments::take(db, rc, input.ticket_id, input.payment, key).await?)
    }

    /// Settles a fully paid ticket (`pos.ticket.settled`).
    async fn settle_ticket(
        &self,
        ctx: &Context<'_>,
        input: SettleTicketInput,
    ) -> async_graphql::Result<Ticket> {
        let key = input.idempotency_key.as_deref();
        Ok(payments::settle(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, key).await?)
    }

    /// Refunds a payment to its tender; needs `pos.payment.refund`.
    async fn refund_payment(
        &self,
        ctx: &Context<'_>,
        input: RefundPaymentInput,
    ) -> async_graphql::Result<RefundResult> {
        let (db, rc) = (&svc(ctx)?.db, rc(ctx)?);
        let key = &input.idempotency_key;
        Ok(payments::refund(db, rc, input.payment_id, input.refund, key).await?)
    }
}
