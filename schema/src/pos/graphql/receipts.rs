//! Receipts over GraphQL: read, reprint, email.

use super::tickets::TicketIdInput;
use crate::gql::{rc, svc};
use crate::pos::receipts::{self, Receipt, ReceiptEmail};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use kernel::TicketId;

#[derive(InputObject)]
pub struct EmailReceiptInput {
    pub ticket_id: TicketId,
    #[graphql(flatten)]
    pub to: ReceiptEmail,
}

#[derive(SimpleObject)]
pub struct EmailReceiptPayload {
    pub queued: bool,
}

#[derive(Default)]
pub struct ReceiptsQuery;

#[Object]
impl ReceiptsQuery {
    /// The receipt: structured, and as text and HTML.
    async fn receipt(
        &self,
        ctx: &Context<'_>,
        ticket_id: TicketId,
    ) -> async_graphql::Result<Receipt> {
        Ok(receipts::get(&svc(ctx)?.db, rc(ctx)?, ticket_id).await?)
    }
}

#[derive(Default)]
pub struct ReceiptsMutation;

#[Object]
impl ReceiptsMutation {
    /// The receipt again, marked DUPLICATE.
    async fn reprint_receipt(
        &self,
        ctx: &Context<'_>,
        input: TicketIdInput,
    ) -> async_graphql::Result<Receipt> {
        Ok(receipts::reprint(&svc(ctx)?.db, rc(ctx)?, input.ticket_id).await?)
    }

    /// Emails the receipt (sent by the email job).
    async fn email_receipt(
        &self,
        ctx: &Context<'_>,
        input: EmailReceiptInput,
    ) -> async_graphql::Result<EmailReceiptPayload> {
        let queued = receipts::email(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.to).await?;
        Ok(EmailReceiptPayload { queued })
    }
}
