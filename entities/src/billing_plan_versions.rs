use sea_orm::entity::prelude::*;

table! {
    "billing_plan_versions",
    key { id: Uuid },
    pub plan_id: Uuid,
    pub version: i32,
    pub currency: String,
    pub monthly_price_minor: Option<i64>,
    pub yearly_price_minor: Option<i64>,
    pub trial_days: i32,
    pub modules: Vec<String>,
    pub max_locations: Option<i32>,
    pub max_users: Option<i32>,
    pub max_api_keys: Option<i32>,
    pub max_open_shifts: Option<i32>,
    pub max_monthly_tickets: Option<i32>,
    pub on_unpaid: UnpaidOutcome,
    pub created_at: DateTimeUtc,
}

text_enum! {
    /// What a subscription becomes after its last failed dunning retry.
    UnpaidOutcome {
        Unpaid = "unpaid",
        Canceled = "canceled",
    }
}
