use super::read::{self, SupportQueue};
use super::{
    Assignment, NewSupportNote, NewSupportTicket, PriorityChange, QueueFilter, QueueSort,
    SettingsPatch, SlaPolicyChange, StatusChange, SupportAnswer, SupportCaseThread, SupportNote,
    SupportReply, SupportSettings, SupportThread, SupportTicket, TicketStatus, desk, settings,
    tickets,
};
use crate::gql::{connection, page, rc, svc};
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, Subscription};
use futures_util::{Stream, StreamExt};
use kernel::SupportTicketId;

#[derive(InputObject)]
pub struct ReplyToSupportTicketInput {
    pub ticket_id: SupportTicketId,
    #[graphql(flatten)]
    pub reply: SupportReply,
}

#[derive(InputObject)]
pub struct AnswerSupportTicketInput {
    pub ticket_id: SupportTicketId,
    #[graphql(flatten)]
    pub answer: SupportAnswer,
}

#[derive(InputObject)]
pub struct AddSupportNoteInput {
    pub ticket_id: SupportTicketId,
    #[graphql(flatten)]
    pub note: NewSupportNote,
}

#[derive(InputObject)]
pub struct AssignSupportTicketInput {
    pub ticket_id: SupportTicketId,
    #[graphql(flatten)]
    pub assignment: Assignment,
}

#[derive(InputObject)]
pub struct SetSupportTicketStatusInput {
    pub ticket_id: SupportTicketId,
    #[graphql(flatten)]
    pub change: StatusChange,
}

#[derive(InputObject)]
pub struct SetSupportTicketPriorityInput {
    pub ticket_id: SupportTicketId,
    #[graphql(flatten)]
    pub change: PriorityChange,
}

#[derive(Default)]
pub struct SupportQuery;

#[Object]
impl SupportQuery {
    /// The business's support tickets, newest first.
    async fn support_tickets(
        &self,
        ctx: &Context<'_>,
        status: Option<TicketStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, SupportTicket>> {
        let result = read::tickets(&svc(ctx)?.db, rc(ctx)?, status, page(first, after)?).await?;
        Ok(connection(result, |t| t.id.as_uuid()))
    }

    /// One of the business's tickets with its conversation.
    async fn support_ticket(
        &self,
        ctx: &Context<'_>,
        id: SupportTicketId,
    ) -> async_graphql::Result<SupportThread> {
        Ok(read::thread(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Superadmins: the support queue, by SLA due time unless told otherwise.
    async fn support_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] filter: QueueFilter,
        #[graphql(default)] sort: QueueSort,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> async_graphql::Result<SupportQueue> {
        Ok(read::queue(&svc(ctx)?.db, rc(ctx)?, filter, sort, first, offset).await?)
    }

    /// Superadmins: one ticket with its conversation, internal notes and SLA clocks.
    async fn support_case(
        &self,
        ctx: &Context<'_>,
        id: SupportTicketId,
    ) -> async_graphql::Result<SupportCaseThread> {
        Ok(read::case(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Superadmins: the support desk's calendar, rules and SLA targets.
    async fn support_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<SupportSettings> {
        Ok(settings::get(&svc(ctx)?.db, rc(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct SupportMutation;

#[Object]
impl SupportMutation {
    /// Open a support ticket (attach files uploaded to `/v1/support/uploads`).
    async fn open_support_ticket(
        &self,
        ctx: &Context<'_>,
        input: NewSupportTicket,
    ) -> async_graphql::Result<SupportThread> {
        Ok(tickets::open(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Reply on a ticket; a solved one reopens.
    async fn reply_to_support_ticket(
        &self,
        ctx: &Context<'_>,
        input: ReplyToSupportTicketInput,
    ) -> async_graphql::Result<SupportThread> {
        Ok(tickets::reply(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.reply).await?)
    }

    /// Say a ticket is solved.
    async fn solve_support_ticket(
        &self,
        ctx: &Context<'_>,
        ticket_id: SupportTicketId,
    ) -> async_graphql::Result<SupportTicket> {
        Ok(tickets::solve(&svc(ctx)?.db, rc(ctx)?, ticket_id).await?)
    }

    /// Superadmins: answer a ticket publicly.
    async fn answer_support_ticket(
        &self,
        ctx: &Context<'_>,
        input: AnswerSupportTicketInput,
    ) -> async_graphql::Result<SupportCaseThread> {
        Ok(desk::answer(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.answer).await?)
    }

    /// Superadmins: add an internal note, never shown to the business.
    async fn add_support_note(
        &self,
        ctx: &Context<'_>,
        input: AddSupportNoteInput,
    ) -> async_graphql::Result<SupportNote> {
        Ok(desk::note(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.note).await?)
    }

    /// Superadmins: give a ticket to a superadmin, or to nobody.
    async fn assign_support_ticket(
        &self,
        ctx: &Context<'_>,
        input: AssignSupportTicketInput,
    ) -> async_graphql::Result<SupportCaseThread> {
        Ok(desk::assign(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.assignment).await?)
    }

    /// Superadmins: move a ticket (`CLOSED` only from `SOLVED`).
    async fn set_support_ticket_status(
        &self,
        ctx: &Context<'_>,
        input: SetSupportTicketStatusInput,
    ) -> async_graphql::Result<SupportCaseThread> {
        Ok(desk::set_status(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.change).await?)
    }

    /// Superadmins: change a ticket's priority; its running clocks follow.
    async fn set_support_ticket_priority(
        &self,
        ctx: &Context<'_>,
        input: SetSupportTicketPriorityInput,
    ) -> async_graphql::Result<SupportCaseThread> {
        Ok(desk::set_priority(&svc(ctx)?.db, rc(ctx)?, input.ticket_id, input.change).await?)
    }

    /// Superadmins: change the desk's calendar or rules.
    async fn update_support_settings(
        &self,
        ctx: &Context<'_>,
        input: SettingsPatch,
    ) -> async_graphql::Result<SupportSettings> {
        Ok(settings::update(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Superadmins: new SLA targets for one priority.
    async fn set_sla_policy(
        &self,
        ctx: &Context<'_>,
        input: SlaPolicyChange,
    ) -> async_graphql::Result<SupportSettings> {
        Ok(settings::set_policy(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }
}

#[derive(Default)]
pub struct SupportSubscription;

#[Subscription]
impl SupportSubscription {
    /// A ticket of the business with its conversation, at once and again
    /// whenever it changes (a reply, an answer, a move).
    async fn support_ticket(
        &self,
        ctx: &Context<'_>,
        id: SupportTicketId,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<SupportThread>>> {
        let (services, request) = (svc(ctx)?, rc(ctx)?);
        // Refuse at once what the first read would refuse.
        read::thread(&services.db, request, id).await?;
        let mine = id.to_string();
        let keep = move |e: &jobs::envelope::Envelope| {
            e.data.get("ticketId").and_then(|t| t.as_str()) == Some(mine.as_str())
        };
        let updates = crate::events::service::refreshed(
            services,
            request,
            vec!["support.ticket.".to_owned()],
            keep,
            move |services, request| async move { read::thread(&services.db, &request, id).await },
        )
        .await?;
        Ok(updates.map(|r| r.map_err(Into::into)))
    }
}
