//! What the operator's support desk does: answer publicly, note internally,
//! assign, move a ticket, change its priority. A public answer and a move
//! are in the business's audit trail and stream; notes and assignments are
//! the operator's own business and are audited on the platform's trail.
//!
//! Answers and notes need no `reason`: the message is its own record.
//! Moving, assigning and reprioritising a ticket do.

use super::workflow::{self, Open, Uploader};
use super::{
    Assignment, NewSupportNote, PriorityChange, StatusChange, SupportAnswer, SupportCaseThread,
    SupportNote, TicketStatus, read, store,
};
use crate::audit::service as audit;
use crate::command::Unit;
use entities::support_internal_notes::Model as Note;
use entities::support_messages::Model as Message;
use entities::support_tickets::Status;
use kernel::{
    AppError, AppResult, Db, RequestContext, SupportMessageId, SupportNoteId, SupportTicketId,
    TenantId, UserId,
};
use serde_json::json;

/// The business a ticket belongs to and the operator's display name.
async fn locate(db: &Db, operator: UserId, id: SupportTicketId) -> AppResult<(TenantId, String)> {
    let tx = db.system_tx().await?;
    let tenant = store::tenant_of(&tx, id).await?;
    let name = store::active_superadmin(&tx, operator.as_uuid())
        .await?
        .ok_or_else(|| AppError::authz("only active superadmins may answer tickets"))?;
    tx.commit().await?;
    Ok((tenant, name))
}

/// Superadmins: a public answer, which the business sees and is emailed;
/// it meets the reply clocks and leaves the ticket `PENDING` unless told
/// otherwise (`OPEN`, `ON_HOLD`, `SOLVED`).
pub async fn answer(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
    input: SupportAnswer,
) -> AppResult<SupportCaseThread> {
    let operator = ctx.require_superadmin()?;
    let to = match input.status.unwrap_or(TicketStatus::Pending) {
        s @ (TicketStatus::Open
        | TicketStatus::Pending
        | TicketStatus::OnHold
        | TicketStatus::Solved) => Status::from(s),
        _ => {
            return Err(AppError::invalid_field(
                "status",
                "an answer leaves a ticket OPEN, PENDING, ON_HOLD or SOLVED",
            ));
        }
    };
    let (tenant, name) = locate(db, operator, id).await?;
    let unit = Unit::open(db, ctx, tenant).await?;
    let mut open = Open::load(&*unit, tenant, id, unit.now()).await?;
    if open.ticket.status == Status::Closed {
        return Err(AppError::conflict("this ticket is closed").with_details(json!({ "id": id })));
    }
    let message = Message {
        tenant_id: tenant.as_uuid(),
        id: SupportMessageId::new().as_uuid(),
        ticket_id: open.ticket.id,
        author_user_id: None,
        author_operator_id: Some(operator.as_uuid()),
        author_name: name,
        body: input.body.into(),
        created_at: unit.now(),
    };
    store::insert_message(&*unit, message.clone()).await?;
    workflow::attach(
        &*unit,
        tenant,
        open.ticket.id,
        message.id,
        input.attachment_ids,
        Uploader::Operator(operator.as_uuid()),
    )
    .await?;
    open.operator_replied();
    open.move_to(to)?;
    let extra = json!({ "messageId": message.id, "by": "operator" });
    let (_, change) = open
        .finish(&*unit, "support.ticket.answered", extra)
        .await?;
    unit.record(change).await?;
    unit.commit(()).await?;
    read::case(db, ctx, id).await
}

/// Superadmins: an internal note, which no path to the business carries.
pub async fn note(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
    input: NewSupportNote,
) -> AppResult<SupportNote> {
    let operator = ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let tenant = store::tenant_of(&tx, id).await?;
    let name = store::active_superadmin(&tx, operator.as_uuid())
        .await?
        .ok_or_else(|| AppError::authz("only active superadmins may add notes"))?;
    let note = Note {
        id: SupportNoteId::new().as_uuid(),
        tenant_id: tenant.as_uuid(),
        ticket_id: id.as_uuid(),
        author_operator_id: operator.as_uuid(),
        body: input.body.into(),
        created_at: ctx.now(),
    };
    store::insert_note(&tx, note.clone()).await?;
    // On the platform's trail, without the text: the note is its own record.
    audit::record_platform(
        &tx,
        ctx,
        "support.note.added",
        "support_ticket",
        id,
        None,
        Some(json!({ "tenantId": tenant, "noteId": note.id })),
    )
    .await?;
    tx.commit().await?;
    Ok(SupportNote {
        id: note.id.into(),
        author_id: operator,
        author_name: name,
        body: note.body,
        created_at: note.created_at,
    })
}

/// Superadmins: gives a ticket to an active superadmin, or to nobody.
pub async fn assign(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
    input: Assignment,
) -> AppResult<SupportCaseThread> {
    let (_, ctx) = ctx.operator(input.reason.as_str())?;
    let tx = db.system_tx().await?;
    let tenant = store::tenant_of(&tx, id).await?;
    let mut ticket = store::ticket_locked(&tx, tenant, id).await?;
    if let Some(assignee) = input.assignee_id
        && store::active_superadmin(&tx, assignee.as_uuid())
            .await?
            .is_none()
    {
        return Err(AppError::invalid_field(
            "assigneeId",
            "is not an active superadmin",
        ));
    }
    let before = ticket.assignee_id;
    ticket.assignee_id = input.assignee_id.map(|a| a.as_uuid());
    ticket.updated_at = ctx.now();
    let ticket = store::save_ticket(&tx, ticket).await?;
    audit::record_platform(
        &tx,
        &ctx,
        "support.ticket.assigned",
        "support_ticket",
        id,
        Some(json!({ "tenantId": tenant, "assigneeId": before })),
        Some(json!({ "tenantId": tenant, "assigneeId": ticket.assignee_id })),
    )
    .await?;
    tx.commit().await?;
    read::case(db, &ctx, id).await
}

/// Superadmins: moves a ticket. `CLOSED` only from `SOLVED`; nothing moves
/// a closed ticket; `NEW` is where tickets start, not a place to go back to.
pub async fn set_status(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
    input: StatusChange,
) -> AppResult<SupportCaseThread> {
    let (operator, ctx) = ctx.operator(input.reason.as_str())?;
    let to = Status::from(input.status);
    if to == Status::New {
        return Err(AppError::invalid_field(
            "status",
            "a ticket cannot go back to NEW",
        ));
    }
    let (tenant, _) = locate(db, operator, id).await?;
    let unit = Unit::open(db, &ctx, tenant).await?;
    let mut open = Open::load(&*unit, tenant, id, unit.now()).await?;
    let from = open.ticket.status;
    if from == Status::Closed || (to == Status::Closed && from != Status::Solved) {
        return Err(AppError::conflict(format!(
            "a {} ticket cannot be moved to {}",
            TicketStatus::from(from).as_str(),
            input.status.as_str()
        ))
        .with_details(json!({ "id": id, "status": TicketStatus::from(from) })));
    }
    if from == to {
        unit.commit(()).await?;
        return read::case(db, &ctx, id).await;
    }
    open.move_to(to)?;
    let extra = json!({ "from": TicketStatus::from(from), "by": "operator" });
    let (_, change) = open
        .finish(&*unit, "support.ticket.status_changed", extra)
        .await?;
    unit.record(change).await?;
    unit.commit(()).await?;
    read::case(db, &ctx, id).await
}

/// Superadmins: a new priority; the running clocks take its targets.
pub async fn set_priority(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
    input: PriorityChange,
) -> AppResult<SupportCaseThread> {
    let (operator, ctx) = ctx.operator(input.reason.as_str())?;
    let (tenant, _) = locate(db, operator, id).await?;
    let unit = Unit::open(db, &ctx, tenant).await?;
    let mut open = Open::load(&*unit, tenant, id, unit.now()).await?;
    if matches!(open.ticket.status, Status::Closed) {
        return Err(AppError::conflict("this ticket is closed").with_details(json!({ "id": id })));
    }
    let policy = store::policy(&*unit, input.priority.into()).await?;
    open.reprioritize(&policy)?;
    let extra = json!({ "priority": input.priority });
    let (_, change) = open
        .finish(&*unit, "support.ticket.reprioritized", extra)
        .await?;
    unit.record(change).await?;
    unit.commit(()).await?;
    read::case(db, &ctx, id).await
}
