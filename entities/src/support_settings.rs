use sea_orm::entity::prelude::*;

table! {
    "support_settings",
    key { id: bool },
    pub time_zone: String,
    pub hours: Json,
    pub holidays: Vec<Date>,
    pub auto_close_hours: i32,
    pub warn_percent: i32,
    pub updated_at: DateTimeUtc,
}
