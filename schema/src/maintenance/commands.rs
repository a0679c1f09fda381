//! The operator's commands on maintenance windows. Each says why; each is
//! audited on the platform with the window before and after.

use super::{
    CancelMaintenance, MaintenanceWindow, MaintenanceWindowPatch, NewMaintenanceWindow, scheduler,
    store,
};
use crate::audit::service as audit;
use crate::module_registry::catalog::catalog;
use crate::superadmin::OperatorReason;
use crate::text::Key;
use entities::maintenance_windows::{ActiveModel, Model, WindowStatus};
use kernel::{AppError, AppResult, Db, MaintenanceWindowId, RequestContext};
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use serde_json::json;

/// The window, locked for a change, or `NOT_FOUND`.
async fn locked(conn: &impl ConnectionTrait, id: MaintenanceWindowId) -> AppResult<Model> {
    store::find_locked(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("maintenance window").with_details(json!({ "id": id })))
}

/// Module keys, checked against the catalog, sorted, once each.
fn modules(given: Vec<Key>) -> AppResult<Vec<String>> {
    let catalog = catalog()?;
    let mut keys: Vec<String> = given.into_iter().map(String::from).collect();
    keys.sort();
    keys.dedup();
    let unknown: Vec<&String> = keys
        .iter()
        .filter(|k| !catalog.modules.iter().any(|m| &m.key == *k))
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::invalid_field(
            "modules",
            format!(
                "unknown module: {}",
                unknown
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(keys)
}

fn check_reminder(minutes: i32) -> AppResult<i32> {
    if (0..=10_080).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(AppError::invalid_field(
            "remindMinutesBefore",
            "must be 0 to 10080 (a week)",
        ))
    }
}

pub(super) async fn audit_window(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    action: &str,
    before: Option<&Model>,
    after: &Model,
) -> AppResult<()> {
    let view = |m: &Model| serde_json::to_value(MaintenanceWindow::from(m.clone()));
    audit::record_platform(
        conn,
        ctx,
        action,
        "maintenance_window",
        after.id,
        before.map(view).transpose()?,
        Some(view(after)?),
    )
    .await
}

/// Superadmins: schedules a window (or one every week).
pub async fn schedule(
    db: &Db,
    ctx: &RequestContext,
    input: NewMaintenanceWindow,
) -> AppResult<MaintenanceWindow> {
    let (operator, ctx) = ctx.operator(input.reason.as_str())?;
    let now = ctx.now();
    let starts_at = input.starts_at.unwrap_or(now);
    crate::superadmin::check_period(starts_at, input.ends_at, now)?;
    let modules = modules(input.modules.unwrap_or_default())?;
    let remind = check_reminder(input.remind_minutes_before.unwrap_or(60))?;
    let tx = db.system_tx().await?;
    let zone = match input.time_zone {
        Some(zone) => crate::locations::service::check_timezone(&tx, zone.as_str())
            .await
            .map_err(|_| {
                AppError::invalid_field(
                    "timeZone",
                    "must be an IANA time zone such as Europe/Paris",
                )
            })?,
        None => "UTC".to_owned(),
    };
    let id = MaintenanceWindowId::new();
    let row = store::insert(
        &tx,
        ActiveModel {
            id: Set(id.as_uuid()),
            title: Set(input.title.into()),
            message: Set(input.message.map(String::from).unwrap_or_default()),
            modules: Set(modules),
            status: Set(WindowStatus::Scheduled),
            starts_at: Set(starts_at),
            ends_at: Set(input.ends_at),
            time_zone: Set(zone),
            repeats_weekly: Set(input.repeats_weekly.unwrap_or(false)),
            series_id: Set(id.as_uuid()),
            remind_minutes: Set(remind),
            reminded_at: Set(None),
            started_at: Set(None),
            finished_at: Set(None),
            announcement_id: Set(None),
            created_by: Set(Some(operator.as_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    audit_window(&tx, &ctx, "maintenance.scheduled", None, &row).await?;
    tx.commit().await?;
    Ok(row.into())
}

/// Superadmins: changes a window that has not finished. A running one
/// takes a new title, message or end (to extend or shorten it).
pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: MaintenanceWindowId,
    patch: MaintenanceWindowPatch,
) -> AppResult<MaintenanceWindow> {
    let (_, ctx) = ctx.operator(patch.reason.as_str())?;
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let before = locked(&tx, id).await?;
    let running = before.status == WindowStatus::InProgress;
    match before.status {
        WindowStatus::Scheduled | WindowStatus::InProgress => {}
        WindowStatus::Completed | WindowStatus::Cancelled => {
            return Err(
                AppError::conflict("the window has finished; schedule a new one")
                    .with_details(json!({ "id": id })),
            );
        }
    }
    if running
        && (patch.modules.is_some()
            || patch.starts_at.is_some()
            || patch.remind_minutes_before.is_some())
    {
        return Err(
            AppError::conflict("a running window takes only a new title, message or end")
                .with_details(json!({ "id": id })),
        );
    }
    let starts_at = patch.starts_at.unwrap_or(before.starts_at);
    let ends_at = patch.ends_at.unwrap_or(before.ends_at);
    crate::superadmin::check_period(starts_at, ends_at, now)?;
    let mut change: ActiveModel = before.clone().into();
    if let Some(title) = patch.title {
        change.title = Set(title.into());
    }
    if let Some(message) = patch.message {
        change.message = Set(message.into());
    }
    if let Some(given) = patch.modules {
        change.modules = Set(modules(given)?);
    }
    if let Some(minutes) = patch.remind_minutes_before {
        change.remind_minutes = Set(check_reminder(minutes)?);
        change.reminded_at = Set(None);
    }
    if patch.starts_at.is_some() {
        // A moved window is reminded of again.
        change.reminded_at = Set(None);
    }
    change.starts_at = Set(starts_at);
    change.ends_at = Set(ends_at);
    change.updated_at = Set(now);
    let after = store::update(&tx, change).await?;
    if let Some(banner) = after.announcement_id {
        scheduler::revise_banner(&tx, &ctx, &after, banner.into()).await?;
    }
    audit_window(&tx, &ctx, "maintenance.updated", Some(&before), &after).await?;
    tx.commit().await?;
    Ok(after.into())
}

/// Superadmins: calls off a scheduled window (a weekly one goes on next
/// week unless `endSeries`).
pub async fn cancel(
    db: &Db,
    ctx: &RequestContext,
    id: MaintenanceWindowId,
    input: CancelMaintenance,
) -> AppResult<MaintenanceWindow> {
    let (_, ctx) = ctx.operator(input.reason.as_str())?;
    let tx = db.system_tx().await?;
    let before = locked(&tx, id).await?;
    if before.status != WindowStatus::Scheduled {
        return Err(AppError::conflict(
            "only a scheduled window can be cancelled; complete a running one",
        )
        .with_details(json!({ "id": id, "status": before.status })));
    }
    let after = scheduler::finish(
        &tx,
        &ctx,
        &before,
        WindowStatus::Cancelled,
        !input.end_series,
    )
    .await?;
    audit_window(&tx, &ctx, "maintenance.cancelled", Some(&before), &after).await?;
    tx.commit().await?;
    Ok(after.into())
}

/// Superadmins: ends a running window early; writes open at once.
pub async fn complete(
    db: &Db,
    ctx: &RequestContext,
    id: MaintenanceWindowId,
    input: OperatorReason,
) -> AppResult<MaintenanceWindow> {
    let (_, ctx) = ctx.operator(input.reason.as_str())?;
    let tx = db.system_tx().await?;
    let before = locked(&tx, id).await?;
    let running = before.status == WindowStatus::InProgress
        || (before.status == WindowStatus::Scheduled && before.starts_at <= ctx.now());
    if !running {
        return Err(AppError::conflict("the window is not running")
            .with_details(json!({ "id": id, "status": before.status })));
    }
    let after = scheduler::finish(&tx, &ctx, &before, WindowStatus::Completed, true).await?;
    audit_window(&tx, &ctx, "maintenance.completed", Some(&before), &after).await?;
    tx.commit().await?;
    Ok(after.into())
}
