use sea_orm::entity::prelude::*;

table! {
    "announcement_dismissals",
    key { tenant_id: Uuid, user_id: Uuid, announcement_id: Uuid },
    pub revision: i32,
    pub dismissed_at: DateTimeUtc,
}
