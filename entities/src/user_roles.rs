use sea_orm::entity::prelude::*;

table! {
    "user_roles",
    key { tenant_id: Uuid, user_id: Uuid, role_id: Uuid },
    pub created_at: DateTimeUtc,
}
