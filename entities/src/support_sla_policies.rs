use super::support_tickets::Priority;
use sea_orm::entity::prelude::*;

table! {
    "support_sla_policies",
    key { priority: Priority },
    pub first_reply_minutes: i32,
    pub next_reply_minutes: i32,
    pub resolution_minutes: i32,
    pub updated_at: DateTimeUtc,
}
