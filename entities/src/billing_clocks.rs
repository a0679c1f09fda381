use sea_orm::entity::prelude::*;

table! {
    "billing_clocks",
    key { tenant_id: Uuid },
    pub frozen_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}
