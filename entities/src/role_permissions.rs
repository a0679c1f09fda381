use sea_orm::entity::prelude::*;

table! {
    "role_permissions",
    key { tenant_id: Uuid, role_id: Uuid, permission: String },

}
