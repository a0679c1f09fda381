use sea_orm::entity::prelude::*;

table! {
    "feature_flag_plan_values",
    key { flag_key: String, plan_id: Uuid },
    pub value: String,
}
