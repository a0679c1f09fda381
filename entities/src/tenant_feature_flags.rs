use sea_orm::entity::prelude::*;

table! {
    "tenant_feature_flags",
    key { tenant_id: Uuid, flag_key: String },
    pub updated_at: DateTimeUtc,
    pub value: String,
}
