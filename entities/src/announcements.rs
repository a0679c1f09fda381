use sea_orm::entity::prelude::*;

table! {
    "announcements",
    key { id: Uuid },
    pub title: String,
    pub body: String,
    pub severity: Severity,
    pub display: Display,
    pub dismissable: bool,
    pub audience: Audience,
    pub tenant_ids: Vec<Uuid>,
    pub plan_codes: Vec<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub revision: i32,
    pub published_revision: i32,
    pub end_published: bool,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// How loud an announcement is (`announcements.severity`).
    Severity {
        Info = "info",
        Warning = "warning",
        Critical = "critical",
    }
}

text_enum! {
    /// Where a client shows it (`announcements.display`).
    Display {
        Banner = "banner",
        Notification = "notification",
    }
}

text_enum! {
    /// Who it is for (`announcements.audience`).
    Audience {
        All = "all",
        Tenants = "tenants",
        Plans = "plans",
    }
}
