use sea_orm::entity::prelude::*;

table! {
    "consumed_events",
    key { tenant_id: Uuid, consumer: String, event_id: Uuid },
    pub applied_at: DateTimeUtc,
}
