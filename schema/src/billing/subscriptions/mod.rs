//! One subscription per tenant, with Stripe's states: `incomplete` while a
//! first payment is pending, `trialing`, `active`, `past_due` (grace while
//! dunning retries), `unpaid` (read-only until paid), `canceled`, `paused`.
//!
//! `change.rs` chooses or changes the plan (upgrades now, prorated;
//! downgrades at the period end); `lifecycle.rs` cancels, pauses and
//! resumes; `cycle.rs` moves a subscription along its billing time
//! (trial ends, renewals, scheduled changes, dunning) and reacts to paid
//! and failed invoices; `record.rs` is what every change shares (save at
//! the next version, audit, one `billing.subscription.updated`); `store.rs`
//! owns the statements.

pub mod change;
pub mod cycle;
pub mod lifecycle;
pub mod read;
mod record;
pub(crate) mod store;

pub use change::{assign, choose};
pub use lifecycle::{cancel, pause, resume, set_payment_method};
pub use read::{current, of_tenant};

use crate::billing::plans::{Interval, PlanVersion};
use crate::text::{PlanCode, Token};
use chrono::{DateTime, Utc};
use entities::billing_subscriptions as rows;
use kernel::SubscriptionId;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubscriptionStatus {
    /// The first payment is pending.
    Incomplete,
    Trialing,
    Active,
    /// A renewal failed; retries are scheduled and the tenant keeps working.
    PastDue,
    /// Retries are exhausted: business modules are read-only until paid.
    Unpaid,
    Canceled,
    /// Paused by the tenant or operator: no invoices, read-only.
    Paused,
}
crate::wire::wire_enum!(
    SubscriptionStatus,
    rows::SubscriptionStatus {
        Incomplete,
        Trialing,
        Active,
        PastDue,
        Unpaid,
        Canceled,
        Paused
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: SubscriptionId,
    pub status: SubscriptionStatus,
    pub plan: PlanVersion,
    pub interval: Interval,
    /// A downgrade waiting for the period end; entitlements are the current
    /// plan's until then.
    pub pending_plan: Option<PlanVersion>,
    pub pending_interval: Option<Interval>,
    pub payment_method: Option<String>,
    pub trial_end: Option<DateTime<Utc>>,
    pub current_period_start: DateTime<Utc>,
    pub current_period_end: DateTime<Utc>,
    pub cancel_at_period_end: bool,
    pub canceled_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    /// Failed charges of the renewal being dunned.
    pub failed_attempts: i32,
    pub next_retry_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A plan to subscribe to, or to move to.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ChoosePlanInput")]
#[serde(rename_all = "camelCase")]
pub struct ChoosePlan {
    pub plan_code: PlanCode,
    pub interval: Interval,
    /// The provider's saved payment method (`pm_card_ok` in the sandbox);
    /// kept for renewals. Leave out to keep the one on file.
    pub payment_method: Option<Token>,
}

#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CancelSubscriptionInput")]
#[serde(rename_all = "camelCase")]
pub struct Cancel {
    /// `true`: keep it until the period ends; `false`: end it now.
    pub at_period_end: bool,
}

/// The payment method to keep on file.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SetPaymentMethodInput")]
#[serde(rename_all = "camelCase")]
pub struct SetPaymentMethod {
    /// The provider's saved payment method (`pm_card_ok` in the sandbox).
    pub payment_method: Token,
}
