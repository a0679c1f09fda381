use sea_orm::entity::prelude::*;

table! {
    "tenant_event_streams",
    key { tenant_id: Uuid },
    pub last_sequence: i64,
    pub updated_at: DateTimeUtc,
}
