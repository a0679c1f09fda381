//! Maintenance windows: the operator's planned downtime of the whole
//! platform or of chosen modules, with Statuspage's states (`scheduled` →
//! `in_progress` → `completed`, or `cancelled`), optionally weekly in a
//! stated time zone (keeping its wall-clock time across daylight-saving
//! changes), a reminder a set time before, and a banner to every business.
//!
//! While one runs, the request guard (`kernel::RequestContext::require`)
//! refuses writes to its modules with `CONFLICT`, details naming the window
//! and its end, and `Retry-After` over REST; reads keep working. The guard
//! decides by the request's clock, so a window shuts writes on time even
//! before the scheduler's tick marks it `in_progress`.

pub mod commands;
pub mod graphql;
pub mod read;
pub mod scheduler;
pub(crate) mod store;

pub use commands::{cancel, complete, schedule, update};
pub use read::{list, running, upcoming};

use crate::text::{Key, MessageBody, Reason, TimeZone, Title};
use chrono::{DateTime, Utc};
use entities::maintenance_windows::{self as rows, WindowStatus};
use kernel::{AppError, AppResult, MaintenanceNotice, MaintenanceWindowId};
use serde::{Deserialize, Serialize};

/// Where a window is, as Statuspage names it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MaintenanceStatus {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
}

crate::wire::wire_enum!(
    MaintenanceStatus,
    WindowStatus {
        Scheduled,
        InProgress,
        Completed,
        Cancelled
    }
);

/// A maintenance window.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceWindow {
    pub id: MaintenanceWindowId,
    pub title: String,
    pub message: String,
    /// The modules it takes down; empty: the whole platform.
    pub modules: Vec<String>,
    pub status: MaintenanceStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The zone whose wall-clock time a weekly window keeps.
    pub time_zone: String,
    pub repeats_weekly: bool,
    /// Shared by every occurrence of a weekly window.
    pub series_id: MaintenanceWindowId,
    pub remind_minutes_before: i32,
    pub reminded_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<rows::Model> for MaintenanceWindow {
    fn from(m: rows::Model) -> Self {
        Self {
            id: m.id.into(),
            title: m.title,
            message: m.message,
            modules: m.modules,
            status: m.status.into(),
            starts_at: m.starts_at,
            ends_at: m.ends_at,
            time_zone: m.time_zone,
            repeats_weekly: m.repeats_weekly,
            series_id: m.series_id.into(),
            remind_minutes_before: m.remind_minutes,
            reminded_at: m.reminded_at,
            started_at: m.started_at,
            finished_at: m.finished_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A window to schedule.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewMaintenanceWindowInput")]
#[serde(rename_all = "camelCase")]
pub struct NewMaintenanceWindow {
    pub title: Title,
    pub message: Option<MessageBody>,
    /// Module keys (`pos`, `menu`); none: the whole platform.
    pub modules: Option<Vec<Key>>,
    /// Default: now.
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: DateTime<Utc>,
    /// Default: UTC.
    pub time_zone: Option<TimeZone>,
    /// Every week at the same wall-clock time in `timeZone`.
    pub repeats_weekly: Option<bool>,
    /// Default: 60; 0 sends none.
    pub remind_minutes_before: Option<i32>,
    pub reason: Reason,
}

/// A change to a window; leave a field out to keep it. A running window
/// takes only a new title, message or end.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "MaintenanceWindowPatchInput")]
#[serde(rename_all = "camelCase")]
pub struct MaintenanceWindowPatch {
    pub title: Option<Title>,
    pub message: Option<MessageBody>,
    pub modules: Option<Vec<Key>>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub remind_minutes_before: Option<i32>,
    pub reason: Reason,
}

/// Calls a scheduled window off.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CancelMaintenanceInput")]
#[serde(rename_all = "camelCase")]
pub struct CancelMaintenance {
    /// For a weekly window: end the series too (default: only this week's).
    #[serde(default)]
    #[graphql(default = false)]
    pub end_series: bool,
    pub reason: Reason,
}

/// The windows around now that have not finished, as a JSON array: the
/// column every request's access statement carries, and the guard decides
/// with the request's clock which of them is running. Spliced into the
/// statement text at compile time rather than kept as a SQL function: a
/// SQL function's body is planned on every call, which made the access
/// statement two and a half times slower; inlined, the prepared statement
/// plans it once (see docs/PERFORMANCE.md).
macro_rules! maintenance_now {
    () => {
        "(SELECT coalesce(jsonb_agg(jsonb_build_object(
             'id', w.id, 'title', w.title, 'modules', w.modules,
             'startsAt', w.starts_at, 'endsAt', w.ends_at) ORDER BY w.starts_at), '[]'::jsonb)
          FROM maintenance_windows w
          WHERE w.status IN ('scheduled', 'in_progress')
            AND w.starts_at <= now() + interval '1 day' AND w.ends_at > now() - interval '1 day')"
    };
}
pub(crate) use maintenance_now;

/// The windows the access statement carries ([`maintenance_now!`]).
pub fn notices(json: serde_json::Value) -> AppResult<Vec<MaintenanceNotice>> {
    serde_json::from_value(json)
        .map_err(|e| AppError::internal(format!("maintenance windows unreadable: {e}")))
}
