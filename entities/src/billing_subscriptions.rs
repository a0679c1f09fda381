use sea_orm::entity::prelude::*;

table! {
    "billing_subscriptions",
    key { tenant_id: Uuid },
    pub id: Uuid,
    pub plan_version_id: Uuid,
    pub interval: BillingInterval,
    pub status: SubscriptionStatus,
    pub payment_method: Option<String>,
    pub trial_end: Option<DateTimeUtc>,
    pub current_period_start: DateTimeUtc,
    pub current_period_end: DateTimeUtc,
    pub cycle_anchor: DateTimeUtc,
    pub cancel_at_period_end: bool,
    pub canceled_at: Option<DateTimeUtc>,
    pub paused_at: Option<DateTimeUtc>,
    pub pending_plan_version_id: Option<Uuid>,
    pub pending_interval: Option<BillingInterval>,
    pub failed_attempts: i32,
    pub next_retry_at: Option<DateTimeUtc>,
    pub provider_event_at: Option<DateTimeUtc>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// How often a subscription renews.
    BillingInterval {
        Month = "month",
        Year = "year",
    }
}

text_enum! {
    /// A subscription's state, with Stripe's names.
    SubscriptionStatus {
        Incomplete = "incomplete",
        Trialing = "trialing",
        Active = "active",
        PastDue = "past_due",
        Unpaid = "unpaid",
        Canceled = "canceled",
        Paused = "paused",
    }
}
