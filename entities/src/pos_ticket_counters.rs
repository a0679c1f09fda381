use sea_orm::entity::prelude::*;

table! {
    "pos_ticket_counters",
    key { tenant_id: Uuid, business_day: Date },
    pub last_number: i32,
}
