//! The scheduler's work on maintenance windows: the reminder a set time
//! before, the start, the end, and a weekly window's next occurrence. Every
//! replica ticks; rows are claimed with `SKIP LOCKED` and changed in the
//! transaction that tells the tenants, so each transition happens once.
//!
//! Businesses hear of a window twice over: a banner announcement (live in
//! every app, shown again when it changes) and `maintenance.reminder`,
//! `.started`, `.completed`, `.cancelled` events in their streams, with the
//! window's modules and times for apps that go offline-first.

use super::{MaintenanceStatus, commands::audit_window, store};
use crate::announcements::Severity;
use crate::announcements::commands::{announce_platform, end_platform, revise_platform};
use chrono::{DateTime, Utc};
use entities::maintenance_windows::{ActiveModel, Model, WindowStatus};
use jobs::outbox::{self, NewEvent};
use kernel::{AnnouncementId, AppResult, Db, RequestContext};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use store::Due;

/// At most `max` characters (the announcement's own limits).
fn clip(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => text[..cut].to_owned(),
        None => text,
    }
}

fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The banner's title and body for a window in its current state.
fn banner(row: &Model) -> (String, String, Severity) {
    let what = if row.modules.is_empty() {
        "the whole platform".to_owned()
    } else {
        row.modules.join(", ")
    };
    let (title, lead, severity) = if row.status == WindowStatus::InProgress {
        (
            format!("Maintenance in progress: {}", row.title),
            format!("Changes to {what} are paused until {}.", when(row.ends_at)),
            Severity::Critical,
        )
    } else {
        (
            format!("Scheduled maintenance: {}", row.title),
            format!(
                "Changes to {what} will pause from {} to {}.",
                when(row.starts_at),
                when(row.ends_at)
            ),
            Severity::Warning,
        )
    };
    let body = if row.message.is_empty() {
        format!("{lead} Reading keeps working.")
    } else {
        format!("{lead} Reading keeps working.\n\n{}", row.message)
    };
    (clip(title, 200), clip(body, 5000), severity)
}

/// Tells every business's stream `event_type` about the window.
async fn tell(conn: &impl ConnectionTrait, row: &Model, event_type: &'static str) -> AppResult<()> {
    let tenants = store::every_tenant(conn).await?;
    let event = NewEvent {
        event_type,
        entity_id: row.id.to_string(),
        version: 1,
        data: json!({
            "windowId": row.id,
            "title": row.title,
            "modules": row.modules,
            "startsAt": row.starts_at,
            "endsAt": row.ends_at,
            "status": MaintenanceStatus::from(row.status),
        }),
    };
    outbox::record_for_each(conn, &tenants, event).await
}

/// Rewrites the window's banner after a change.
pub(super) async fn revise_banner(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    row: &Model,
    id: AnnouncementId,
) -> AppResult<()> {
    let (title, body, severity) = banner(row);
    revise_platform(conn, ctx, id, title, body, severity, row.ends_at).await
}

/// Shows the banner (a new one, or the reminder's rewritten).
async fn show_banner(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    row: &Model,
    change: &mut ActiveModel,
) -> AppResult<()> {
    match row.announcement_id {
        Some(id) => revise_banner(conn, ctx, row, id.into()).await,
        None => {
            let (title, body, severity) = banner(row);
            let made = announce_platform(conn, ctx, title, body, severity, row.ends_at).await?;
            change.announcement_id = Set(Some(made.id));
            Ok(())
        }
    }
}

async fn remind(conn: &impl ConnectionTrait, ctx: &RequestContext, row: Model) -> AppResult<()> {
    let mut change: ActiveModel = row.clone().into();
    change.reminded_at = Set(Some(ctx.now()));
    show_banner(conn, ctx, &row, &mut change).await?;
    let after = store::update(conn, change).await?;
    tell(conn, &after, "maintenance.reminder").await?;
    audit_window(conn, ctx, "maintenance.reminded", Some(&row), &after).await
}

async fn start(conn: &impl ConnectionTrait, ctx: &RequestContext, row: Model) -> AppResult<()> {
    let now = ctx.now();
    let mut change: ActiveModel = row.clone().into();
    change.status = Set(WindowStatus::InProgress);
    change.started_at = Set(Some(now));
    change.updated_at = Set(now);
    let mut running = row.clone();
    running.status = WindowStatus::InProgress;
    show_banner(conn, ctx, &running, &mut change).await?;
    let after = store::update(conn, change).await?;
    tell(conn, &after, "maintenance.started").await?;
    audit_window(conn, ctx, "maintenance.started", Some(&row), &after).await?;
    if after.ends_at <= now {
        // Missed whole (the platform was down through it): end it too.
        let done = finish(conn, ctx, &after, WindowStatus::Completed, true).await?;
        audit_window(conn, ctx, "maintenance.completed", Some(&after), &done).await?;
    }
    Ok(())
}

/// Marks a window completed or cancelled, ends its banner, tells the
/// businesses, and for a weekly window schedules next week's (unless the
/// series ends here).
pub(super) async fn finish(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    row: &Model,
    status: WindowStatus,
    continue_series: bool,
) -> AppResult<Model> {
    let now = ctx.now();
    let mut change: ActiveModel = row.clone().into();
    change.status = Set(status);
    change.finished_at = Set(Some(now));
    change.updated_at = Set(now);
    if status == WindowStatus::Completed && row.started_at.is_none() {
        change.started_at = Set(Some(now));
    }
    let after = store::update(conn, change).await?;
    if let Some(banner) = after.announcement_id {
        end_platform(conn, ctx, banner.into()).await?;
    }
    let told = row.reminded_at.is_some() || row.status == WindowStatus::InProgress;
    if status == WindowStatus::Completed || told {
        let event = if status == WindowStatus::Completed {
            "maintenance.completed"
        } else {
            "maintenance.cancelled"
        };
        tell(conn, &after, event).await?;
    }
    if after.repeats_weekly && continue_series {
        let (starts_at, ends_at) = store::next_in_series(conn, &after).await?;
        store::insert_next(
            conn,
            store::next_occurrence(&after, starts_at, ends_at, now),
        )
        .await?;
    }
    Ok(after)
}

async fn transition(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    what: Due,
    row: Model,
) -> AppResult<()> {
    match what {
        Due::Remind => remind(conn, ctx, row).await,
        Due::Start => start(conn, ctx, row).await,
        Due::Complete => {
            let after = finish(conn, ctx, &row, WindowStatus::Completed, true).await?;
            audit_window(conn, ctx, "maintenance.completed", Some(&row), &after).await
        }
    }
}

/// One scheduler tick; returns how many transitions it made. Each window's
/// transition runs in a savepoint of the tick's transaction: one that fails
/// is logged and retried next tick without holding the others back.
pub async fn run_due(db: &Db, ctx: &RequestContext) -> AppResult<usize> {
    let tx = db.system_tx().await?;
    let due = store::due(&tx, ctx.now()).await?;
    let mut done = 0;
    for (what, row) in due {
        let id = row.id;
        let step = tx.begin().await?;
        match transition(&step, ctx, what, row).await {
            Ok(()) => {
                step.commit().await?;
                done += 1;
            }
            Err(err) => {
                tracing::warn!(module = "maintenance", window = %id, error = %err, "a maintenance transition failed; retrying next tick");
                step.rollback().await?;
            }
        }
    }
    tx.commit().await?;
    Ok(done)
}
