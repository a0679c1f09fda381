//! The support desk's calendar (zone, weekly hours, holidays), auto-close
//! delay, warning share, and SLA targets per priority. Superadmins read and
//! change them, saying why; a new calendar re-times every running clock from
//! now on, a new policy applies to tickets opened or reprioritised after it.

use super::calendar::{Calendar, Opening};
use super::sla::{Clocks, Env};
use super::{
    NewOpening, SettingsPatch, SlaPolicy, SlaPolicyChange, SupportOpening, SupportSettings, store,
};
use crate::audit::service as audit;
use entities::support_settings::Model as Row;
use entities::support_sla_clocks::Entity as ClockRows;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

const MAX_HOLIDAYS: usize = 400;
const MAX_TARGET_MINUTES: i32 = 525_600;

/// `HH:MM` as minutes after midnight; `24:00` is 1440.
fn minute(field: &str, t: &str) -> AppResult<u16> {
    let bad = || AppError::invalid_field(field, "must be HH:MM on a 24-hour clock");
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m > 59 || h > 24 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn time(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn opening(o: &NewOpening) -> AppResult<Opening> {
    let weekday = u8::try_from(o.weekday)
        .ok()
        .filter(|d| (1..=7).contains(d))
        .ok_or_else(|| AppError::invalid_field("hours", "weekday is 1 (Monday) to 7 (Sunday)"))?;
    Ok(Opening {
        weekday,
        opens: minute("opens", o.opens.as_str())?,
        closes: minute("closes", o.closes.as_str())?,
    })
}

fn view(
    row: &Row,
    policies: Vec<entities::support_sla_policies::Model>,
) -> AppResult<SupportSettings> {
    let hours = store::openings_of(row)?
        .iter()
        .map(|o| SupportOpening {
            weekday: i32::from(o.weekday),
            opens: time(o.opens),
            closes: time(o.closes),
        })
        .collect();
    Ok(SupportSettings {
        time_zone: row.time_zone.clone(),
        hours,
        holidays: row.holidays.clone(),
        auto_close_hours: row.auto_close_hours,
        warn_percent: row.warn_percent,
        policies: policies
            .into_iter()
            .map(|p| SlaPolicy {
                priority: p.priority.into(),
                first_reply_minutes: p.first_reply_minutes,
                next_reply_minutes: p.next_reply_minutes,
                resolution_minutes: p.resolution_minutes,
            })
            .collect(),
    })
}

/// Superadmins: the desk's calendar, rules and SLA targets.
pub async fn get(db: &Db, ctx: &RequestContext) -> AppResult<SupportSettings> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let (row, _) = store::settings(&tx).await?;
    let policies = store::policies(&tx).await?;
    tx.commit().await?;
    view(&row, policies)
}

/// Superadmins: changes the calendar or rules; every running clock is
/// re-timed against the new calendar from now on.
pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    patch: SettingsPatch,
) -> AppResult<SupportSettings> {
    let (_, ctx) = ctx.operator(patch.reason.as_str())?;
    let tx = db.system_tx().await?;
    let (before_row, old_calendar) = store::settings(&tx).await?;
    let policies = store::policies(&tx).await?;
    let before = view(&before_row, policies.clone())?;
    let mut row = before_row.clone();
    if let Some(zone) = patch.time_zone {
        row.time_zone = zone.into();
    }
    if let Some(hours) = patch.hours {
        let openings = hours.iter().map(opening).collect::<AppResult<Vec<_>>>()?;
        row.hours = serde_json::to_value(openings)?;
    }
    if let Some(holidays) = patch.holidays {
        if holidays.len() > MAX_HOLIDAYS {
            return Err(AppError::invalid_field(
                "holidays",
                format!("at most {MAX_HOLIDAYS} dates"),
            ));
        }
        row.holidays = store::holidays(&holidays);
    }
    if let Some(hours) = patch.auto_close_hours {
        if !(1..=8760).contains(&hours) {
            return Err(AppError::invalid_field(
                "autoCloseHours",
                "must be 1 to 8760",
            ));
        }
        row.auto_close_hours = hours;
    }
    if let Some(percent) = patch.warn_percent {
        if !(1..=99).contains(&percent) {
            return Err(AppError::invalid_field("warnPercent", "must be 1 to 99"));
        }
        row.warn_percent = percent;
    }
    let calendar = store::calendar_of(&row)?;
    row.updated_at = ctx.now();
    store::save_settings(&tx, row.clone()).await?;
    retime(&tx, &old_calendar, &calendar, row.warn_percent, ctx.now()).await?;
    let after = view(&row, policies)?;
    audit::record_platform(
        &tx,
        &ctx,
        "support.settings.updated",
        "support_settings",
        "desk",
        Some(serde_json::to_value(&before)?),
        Some(serde_json::to_value(&after)?),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Every running clock: time counted so far under the old calendar, the
/// rest under the new one.
async fn retime(
    conn: &impl ConnectionTrait,
    old: &Calendar,
    new: &Calendar,
    warn_percent: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    use entities::support_sla_clocks::Column;
    let running = ClockRows::find()
        .filter(Column::RunningSince.is_not_null())
        .all(conn)
        .await?;
    let mut by_ticket: std::collections::BTreeMap<(uuid::Uuid, uuid::Uuid), Vec<_>> =
        std::collections::BTreeMap::new();
    for row in running {
        by_ticket
            .entry((row.tenant_id, row.ticket_id))
            .or_default()
            .push(row);
    }
    for ((tenant, ticket), rows) in by_ticket {
        let mut clocks = Clocks {
            tenant: TenantId(tenant),
            ticket,
            rows,
        };
        clocks.retime(
            &Env {
                calendar: old,
                warn_percent,
                now,
            },
            &Env {
                calendar: new,
                warn_percent,
                now,
            },
        )?;
        let mut row = store::ticket_locked(conn, TenantId(tenant), ticket.into()).await?;
        store::save_clocks(conn, &clocks, &mut row).await?;
        store::save_ticket(conn, row).await?;
    }
    Ok(())
}

/// Superadmins: new SLA targets for one priority.
pub async fn set_policy(
    db: &Db,
    ctx: &RequestContext,
    change: SlaPolicyChange,
) -> AppResult<SupportSettings> {
    let (_, ctx) = ctx.operator(change.reason.as_str())?;
    for (field, value) in [
        ("firstReplyMinutes", change.first_reply_minutes),
        ("nextReplyMinutes", change.next_reply_minutes),
        ("resolutionMinutes", change.resolution_minutes),
    ] {
        if !(1..=MAX_TARGET_MINUTES).contains(&value) {
            return Err(AppError::invalid_field(
                field,
                format!("must be 1 to {MAX_TARGET_MINUTES} business minutes"),
            ));
        }
    }
    let tx = db.system_tx().await?;
    let before = store::policy(&tx, change.priority.into()).await?;
    let after = entities::support_sla_policies::Model {
        priority: before.priority,
        first_reply_minutes: change.first_reply_minutes,
        next_reply_minutes: change.next_reply_minutes,
        resolution_minutes: change.resolution_minutes,
        updated_at: ctx.now(),
    };
    store::save_policy(&tx, after.clone()).await?;
    let json = |p: &entities::support_sla_policies::Model| {
        serde_json::json!({
            "priority": p.priority,
            "firstReplyMinutes": p.first_reply_minutes,
            "nextReplyMinutes": p.next_reply_minutes,
            "resolutionMinutes": p.resolution_minutes,
        })
    };
    audit::record_platform(
        &tx,
        &ctx,
        "support.sla_policy.updated",
        "support_sla_policy",
        serde_json::to_value(before.priority)?
            .as_str()
            .unwrap_or_default(),
        Some(json(&before)),
        Some(json(&after)),
    )
    .await?;
    let (row, _) = store::settings(&tx).await?;
    let policies = store::policies(&tx).await?;
    tx.commit().await?;
    view(&row, policies)
}
