use sea_orm::entity::prelude::*;

table! {
    "billing_webhook_events",
    key { provider: String, event_id: String },
    pub event_type: String,
    pub created: DateTimeUtc,
    pub customer: Option<String>,
    pub payload: Json,
    pub status: WebhookStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub received_at: DateTimeUtc,
    pub processed_at: Option<DateTimeUtc>,
}

text_enum! {
    /// Where a received webhook event stands.
    WebhookStatus {
        Pending = "pending",
        Processed = "processed",
        Ignored = "ignored",
        Dead = "dead",
    }
}
