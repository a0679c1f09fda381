use sea_orm::entity::prelude::*;

table! {
    "maintenance_windows",
    key { id: Uuid },
    pub title: String,
    pub message: String,
    pub modules: Vec<String>,
    pub status: WindowStatus,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub time_zone: String,
    pub repeats_weekly: bool,
    pub series_id: Uuid,
    pub remind_minutes: i32,
    pub reminded_at: Option<DateTimeUtc>,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub announcement_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// Where a window is (`maintenance_windows.status`), as Statuspage names it.
    WindowStatus {
        Scheduled = "scheduled",
        InProgress = "in_progress",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}
