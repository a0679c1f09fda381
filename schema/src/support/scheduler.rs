//! The support desk's timed work, one scheduler tick at a time, on every
//! replica: clocks that reach their warning share or their target
//! (`support.sla.warning`, `support.sla.breached`: platform events for the
//! operator, emailed), solved tickets that close by themselves, and uploads
//! nobody attached within a day. Rows are claimed with `SKIP LOCKED` and
//! changed in the transaction that records their events, so each happens once.

use super::{TicketStatus, store};
use crate::audit::service::record_change;
use chrono::Duration;
use entities::support_tickets::Status;
use kernel::{AppResult, Db, RequestContext, TenantId};
use serde_json::json;
use std::path::Path;

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub warned: usize,
    pub breached: usize,
    pub closed: usize,
    pub uploads_removed: usize,
}

/// One tick; `export_dir` holds the uploads' files.
pub async fn run_due(db: &Db, export_dir: &Path, ctx: &RequestContext) -> AppResult<Tick> {
    let mut tick = Tick::default();
    let now = ctx.now();

    let tx = db.system_tx().await?;
    for mut clock in store::due_clocks(&tx, now).await? {
        let tenant = TenantId(clock.tenant_id);
        let mut ticket = store::ticket_locked(&tx, tenant, clock.ticket_id.into()).await?;
        if clock.due_at.is_some_and(|due| due <= now) {
            clock.breached_at = clock.due_at;
            clock.warn_at = None;
            ticket.sla_breached = true;
            super::workflow::breached(&tx, &ticket, clock.metric, now).await?;
            tick.breached += 1;
        } else {
            clock.warned_at = Some(now);
            clock.warn_at = None;
            super::workflow::sla_event(&tx, "support.sla.warning", &ticket, clock.metric, now)
                .await?;
            tick.warned += 1;
        }
        store::save_clock(&tx, clock).await?;
        store::save_ticket(&tx, ticket).await?;
    }
    tx.commit().await?;

    let tx = db.system_tx().await?;
    let (settings, _) = store::settings(&tx).await?;
    let solved_before = now - Duration::hours(i64::from(settings.auto_close_hours));
    for before in store::to_close(&tx, solved_before).await? {
        let mut ticket = before.clone();
        ticket.status = Status::Closed;
        ticket.closed_at = Some(now);
        ticket.updated_at = now;
        let ticket = store::save_ticket(&tx, ticket).await?;
        let extra = json!({ "from": TicketStatus::Solved, "by": "schedule" });
        let change =
            super::workflow::change("support.ticket.status_changed", &before, &ticket, extra)?;
        record_change(&tx, ctx, TenantId(ticket.tenant_id), change).await?;
        tick.closed += 1;
    }
    tx.commit().await?;

    let tx = db.system_tx().await?;
    let stale = store::stale_uploads(&tx, now - Duration::days(1)).await?;
    for upload in &stale {
        store::delete_attachment(&tx, upload).await?;
    }
    tx.commit().await?;
    // Files go after their rows: a crash between leaves a file, never a row
    // without its file.
    for upload in &stale {
        super::attachments::remove(export_dir, upload).await?;
        tick.uploads_removed += 1;
    }
    Ok(tick)
}
