use sea_orm::entity::prelude::*;

table! {
    "event_outbox",
    key { id: Uuid },
    pub tenant_id: Option<Uuid>,
    pub event_type: String,
    pub entity_id: Option<String>,
    pub entity_version: i64,
    pub payload: Json,
    pub occurred_at: DateTimeUtc,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub dispatched_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub sequence: Option<i64>,
    pub published_at: Option<DateTimeUtc>,
}

text_enum! {
    /// Where an outbox event is in its delivery (`event_outbox.status`).
    OutboxStatus {
        Pending = "pending",
        Dispatched = "dispatched",
        Failed = "failed",
    }
}
