//! What both sides' commands share: moving a ticket's status with its SLA
//! clocks, attaching uploads to a message, telling the platform about a
//! breach.

use super::sla::{Clocks, Env};
use super::{SupportTicket, TicketStatus, store};
use crate::audit::service::Change;
use chrono::{DateTime, Utc};
use entities::support_sla_clocks::Metric;
use entities::support_sla_policies::Model as Policy;
use entities::support_tickets::{Model as Ticket, Status};
use jobs::outbox::{self, NewEvent};
use kernel::{AppError, AppResult, SupportAttachmentId, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

/// At most this many files on one message, and on one ticket.
pub const FILES_PER_MESSAGE: usize = 5;
pub const FILES_PER_TICKET: u64 = 20;

/// A ticket being changed: the row and its clocks, locked, with the desk's
/// calendar.
pub(crate) struct Open {
    pub ticket: Ticket,
    /// The ticket as loaded, for the audit row's `before`.
    before: Ticket,
    pub clocks: Clocks,
    calendar: super::calendar::Calendar,
    warn_percent: i32,
    pub now: DateTime<Utc>,
    /// Clocks found past their target while stopping them.
    pub late: Vec<Metric>,
}

impl Open {
    pub(crate) async fn load(
        conn: &impl ConnectionTrait,
        tenant: TenantId,
        id: kernel::SupportTicketId,
        now: DateTime<Utc>,
    ) -> AppResult<Self> {
        let ticket = store::ticket_locked(conn, tenant, id).await?;
        let clocks = store::clocks(conn, tenant, ticket.id).await?;
        let (settings, calendar) = store::settings(conn).await?;
        Ok(Self {
            before: ticket.clone(),
            ticket,
            clocks,
            calendar,
            warn_percent: settings.warn_percent,
            now,
            late: Vec::new(),
        })
    }

    /// A new ticket's clocks start.
    pub(crate) fn start_clocks(&mut self, policy: &Policy) -> AppResult<()> {
        let env = Env {
            calendar: &self.calendar,
            warn_percent: self.warn_percent,
            now: self.now,
        };
        self.clocks.opened(policy, &env)
    }

    /// The business wrote (after the status moved).
    pub(crate) fn business_replied(&mut self, policy: &Policy) -> AppResult<()> {
        let env = Env {
            calendar: &self.calendar,
            warn_percent: self.warn_percent,
            now: self.now,
        };
        self.clocks.tenant_replied(policy, self.ticket.status, &env)
    }

    /// The operator answered publicly.
    pub(crate) fn operator_replied(&mut self) {
        let env = Env {
            calendar: &self.calendar,
            warn_percent: self.warn_percent,
            now: self.now,
        };
        let late = self.clocks.operator_replied(&env);
        self.late.extend(late);
        if self.ticket.first_replied_at.is_none() {
            self.ticket.first_replied_at = Some(self.now);
        }
    }

    /// A new priority and its targets.
    pub(crate) fn reprioritize(&mut self, policy: &Policy) -> AppResult<()> {
        let env = Env {
            calendar: &self.calendar,
            warn_percent: self.warn_percent,
            now: self.now,
        };
        self.clocks.retarget(policy, &env)?;
        self.ticket.priority = policy.priority;
        Ok(())
    }

    pub(crate) fn status(&self) -> TicketStatus {
        self.ticket.status.into()
    }

    /// Moves the ticket to `to`, with its clocks and timestamps.
    pub(crate) fn move_to(&mut self, to: Status) -> AppResult<()> {
        let from = self.ticket.status;
        if from == to {
            return Ok(());
        }
        let env = Env {
            calendar: &self.calendar,
            warn_percent: self.warn_percent,
            now: self.now,
        };
        let late = self.clocks.status_changed(from, to, &env)?;
        self.late.extend(late);
        match to {
            Status::Solved => self.ticket.solved_at = Some(self.now),
            Status::Closed => self.ticket.closed_at = Some(self.now),
            _ => {
                self.ticket.solved_at = None;
                self.ticket.closed_at = None;
            }
        }
        self.ticket.status = to;
        Ok(())
    }

    /// Saves the ticket and its clocks, and tells the platform about clocks
    /// found late.
    pub(crate) async fn save(mut self, conn: &impl ConnectionTrait) -> AppResult<Ticket> {
        self.ticket.updated_at = self.now;
        store::save_clocks(conn, &self.clocks, &mut self.ticket).await?;
        for metric in std::mem::take(&mut self.late) {
            breached(conn, &self.ticket, metric, self.now).await?;
        }
        store::save_ticket(conn, self.ticket).await
    }

    /// Saves the change and answers it with its audited `action` (the
    /// event carries the ticket's id, number and status, and `extra`).
    pub(crate) async fn finish(
        self,
        conn: &impl ConnectionTrait,
        action: &'static str,
        extra: Value,
    ) -> AppResult<(Ticket, Change)> {
        let before = self.before.clone();
        let ticket = self.save(conn).await?;
        let change = change(action, &before, &ticket, extra)?;
        Ok((ticket, change))
    }
}

/// The event a change of a ticket tells the business's stream (and the
/// email consumer): never a message's body, which readers fetch.
pub(crate) fn event(ticket: &Ticket, extra: Value) -> Value {
    let mut data = json!({
        "ticketId": ticket.id,
        "number": ticket.number,
        "status": TicketStatus::from(ticket.status),
    });
    if let (Some(data), Some(extra)) = (data.as_object_mut(), extra.as_object()) {
        data.extend(extra.clone());
    }
    data
}

/// The audited change of a ticket from `before` to `after`, with its event.
pub(crate) fn change(
    action: &'static str,
    before: &Ticket,
    after: &Ticket,
    extra: Value,
) -> AppResult<Change> {
    let view = |t: &Ticket| SupportTicket::from(t.clone());
    Ok(Change::updated(
        action,
        "support_ticket",
        after.id,
        &view(before),
        &view(after),
    )?
    .with_event(event(after, extra)))
}

/// A platform event (no tenant stream) for the operator: a clock breached.
pub(crate) async fn breached(
    conn: &impl ConnectionTrait,
    ticket: &Ticket,
    metric: Metric,
    at: DateTime<Utc>,
) -> AppResult<()> {
    sla_event(conn, "support.sla.breached", ticket, metric, at).await
}

pub(crate) async fn sla_event(
    conn: &impl ConnectionTrait,
    event_type: &'static str,
    ticket: &Ticket,
    metric: Metric,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let data = json!({
        "tenantId": ticket.tenant_id,
        "ticketId": ticket.id,
        "number": ticket.number,
        "subject": ticket.subject,
        "metric": metric,
        "assigneeId": ticket.assignee_id,
        "at": at,
    });
    outbox::record(conn, None, NewEvent::new(event_type, ticket.id, data)).await?;
    Ok(())
}

/// Who uploads or attaches a file.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Uploader {
    User(Uuid),
    Operator(Uuid),
}

/// Attaches the caller's unclaimed uploads `ids` to `message`; any id that
/// is unknown, someone else's or already attached is `VALIDATION` naming it,
/// and the limits are checked here, so nothing is silently dropped.
pub(crate) async fn attach(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: Uuid,
    message: Uuid,
    ids: Option<Vec<SupportAttachmentId>>,
    uploader: Uploader,
) -> AppResult<()> {
    let mut ids: Vec<Uuid> = ids
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.as_uuid())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    if ids.len() > FILES_PER_MESSAGE {
        return Err(AppError::invalid_field(
            "attachmentIds",
            format!("at most {FILES_PER_MESSAGE} files per message"),
        )
        .with_details(json!({ "field": "attachmentIds", "limit": FILES_PER_MESSAGE })));
    }
    let already = store::attachments_on_ticket(conn, tenant, ticket).await?;
    if already + ids.len() as u64 > FILES_PER_TICKET {
        return Err(AppError::invalid_field(
            "attachmentIds",
            format!("at most {FILES_PER_TICKET} files per ticket"),
        )
        .with_details(
            json!({ "field": "attachmentIds", "limit": FILES_PER_TICKET, "attached": already }),
        ));
    }
    let found = store::unclaimed(conn, tenant, &ids).await?;
    let usable: Vec<Uuid> = found
        .iter()
        .filter(|a| match uploader {
            Uploader::User(u) => a.uploaded_by_user == Some(u),
            Uploader::Operator(o) => a.uploaded_by_operator == Some(o),
        })
        .map(|a| a.id)
        .collect();
    let unusable: Vec<Uuid> = ids
        .iter()
        .copied()
        .filter(|i| !usable.contains(i))
        .collect();
    if !unusable.is_empty() {
        return Err(AppError::invalid_field(
            "attachmentIds",
            "names files that are not your unattached uploads",
        )
        .with_details(json!({ "field": "attachmentIds", "unusable": unusable })));
    }
    store::claim(conn, tenant, &ids, ticket, message).await
}
