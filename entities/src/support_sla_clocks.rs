use sea_orm::entity::prelude::*;

table! {
    "support_sla_clocks",
    key { tenant_id: Uuid, ticket_id: Uuid, metric: Metric },
    pub target_minutes: i32,
    pub elapsed_seconds: i64,
    pub running_since: Option<DateTimeUtc>,
    pub due_at: Option<DateTimeUtc>,
    pub warn_at: Option<DateTimeUtc>,
    pub warned_at: Option<DateTimeUtc>,
    pub breached_at: Option<DateTimeUtc>,
    pub stopped_at: Option<DateTimeUtc>,
}

text_enum! {
    /// Which promise a clock measures (`support_sla_clocks.metric`).
    Metric {
        FirstReply = "first_reply",
        NextReply = "next_reply",
        Resolution = "resolution",
    }
}
