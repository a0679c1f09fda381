//! What a business's users do with support: open a ticket, reply (which
//! reopens a solved one), mark it solved. Each change is in the business's
//! audit trail and event stream (`support.ticket.*`).

use super::workflow::{self, Open, Uploader, event};
use super::{NewSupportTicket, Priority, SupportReply, SupportThread, SupportTicket, store};
use crate::audit::service::Change;
use crate::command::Unit;
use entities::support_messages::Model as Message;
use entities::support_tickets::{ActiveModel, Model as Ticket, Status};
use kernel::{AppError, AppResult, Db, RequestContext, SupportMessageId, SupportTicketId};
use sea_orm::ActiveValue::{NotSet, Set};
use serde_json::json;

pub(crate) const WRITE: &str = "support.ticket.write";
pub(crate) const READ: &str = "support.ticket.read";

/// A user of the business opens a ticket with its first message.
pub async fn open(
    db: &Db,
    ctx: &RequestContext,
    input: NewSupportTicket,
) -> AppResult<SupportThread> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let (_, user) = ctx.require_user()?;
    let now = unit.now();
    let priority = input.priority.unwrap_or(Priority::Normal);
    let ticket = store::insert_ticket(
        &*unit,
        ActiveModel {
            tenant_id: Set(unit.tenant.as_uuid()),
            id: Set(SupportTicketId::new().as_uuid()),
            number: NotSet,
            subject: Set(input.subject.into()),
            category: Set(input.category.into()),
            priority: Set(priority.into()),
            status: Set(Status::New),
            requester_id: Set(user.as_uuid()),
            assignee_id: Set(None),
            sla_due_at: Set(None),
            sla_breached: Set(false),
            first_replied_at: Set(None),
            solved_at: Set(None),
            closed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    let message = message_of(&unit, &ticket, user.as_uuid(), input.body.into()).await?;
    workflow::attach(
        &*unit,
        unit.tenant,
        ticket.id,
        message.id,
        input.attachment_ids,
        Uploader::User(user.as_uuid()),
    )
    .await?;
    let mut open = Open::load(&*unit, unit.tenant, ticket.id.into(), now).await?;
    let policy = store::policy(&*unit, open.ticket.priority).await?;
    open.start_clocks(&policy)?;
    let ticket = open.save(&*unit).await?;
    let view = SupportTicket::from(ticket.clone());
    let change = Change::created("support.ticket.opened", "support_ticket", ticket.id, &view)?
        .with_event(event(
            &ticket,
            json!({ "messageId": message.id, "by": "business" }),
        ));
    unit.record(change).await?;
    let messages = store::conversation(&*unit, unit.tenant, ticket.id).await?;
    unit.commit(SupportThread {
        ticket: view,
        messages,
    })
    .await
}

async fn message_of(
    unit: &Unit<'_>,
    ticket: &Ticket,
    user: uuid::Uuid,
    body: String,
) -> AppResult<Message> {
    let message = Message {
        tenant_id: unit.tenant.as_uuid(),
        id: SupportMessageId::new().as_uuid(),
        ticket_id: ticket.id,
        author_user_id: Some(user),
        author_operator_id: None,
        author_name: store::user_name(&**unit, unit.tenant, user).await?,
        body,
        created_at: unit.now(),
    };
    store::insert_message(&**unit, message.clone()).await?;
    Ok(message)
}

/// A user of the business replies; a solved ticket reopens, one waiting on
/// the business goes back to the operator. A closed ticket is `CONFLICT`:
/// open a new one.
pub async fn reply(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
    input: SupportReply,
) -> AppResult<SupportThread> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let mut open = Open::load(&*unit, unit.tenant, id, unit.now()).await?;
    // Checked after the lookup, so another business's id is `NOT_FOUND`
    // whoever asks; people reply, keys do not.
    let (_, user) = ctx.require_user()?;
    let before = open.ticket.status;
    let to = match open.ticket.status {
        Status::Closed => {
            return Err(AppError::conflict(
                "this ticket is closed; open a new one that refers to it",
            )
            .with_details(json!({ "id": id, "number": open.ticket.number })));
        }
        Status::New => Status::New,
        _ => Status::Open,
    };
    let message = message_of(&unit, &open.ticket, user.as_uuid(), input.body.into()).await?;
    workflow::attach(
        &*unit,
        unit.tenant,
        open.ticket.id,
        message.id,
        input.attachment_ids,
        Uploader::User(user.as_uuid()),
    )
    .await?;
    open.move_to(to)?;
    let policy = store::policy(&*unit, open.ticket.priority).await?;
    open.business_replied(&policy)?;
    let reopened = before == Status::Solved;
    let extra = json!({ "messageId": message.id, "by": "business", "reopened": reopened });
    let (ticket, change) = open.finish(&*unit, "support.ticket.replied", extra).await?;
    unit.record(change).await?;
    let messages = store::conversation(&*unit, unit.tenant, ticket.id).await?;
    unit.commit(SupportThread {
        ticket: ticket.into(),
        messages,
    })
    .await
}

/// A user of the business says the problem is solved.
pub async fn solve(db: &Db, ctx: &RequestContext, id: SupportTicketId) -> AppResult<SupportTicket> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let mut open = Open::load(&*unit, unit.tenant, id, unit.now()).await?;
    if matches!(open.ticket.status, Status::Solved | Status::Closed) {
        return Err(AppError::conflict("this ticket is already solved")
            .with_details(json!({ "id": id, "status": open.status() })));
    }
    let from = open.status();
    open.move_to(Status::Solved)?;
    let extra = json!({ "from": from, "by": "business" });
    let (ticket, change) = open
        .finish(&*unit, "support.ticket.status_changed", extra)
        .await?;
    unit.commit_with(change, ticket.into()).await
}
