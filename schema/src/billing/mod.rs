//! Billing: the operator sells plans, tenants pay, entitlements follow.
//!
//! Where things are: `plans/` is the versioned catalog; `subscriptions/`
//! one subscription per tenant with Stripe's states (changes, renewals,
//! dunning); `invoices/` numbering, arithmetic, credit notes and rendering;
//! `clock.rs` a tenant's billing time (a test clock when set);
//! `entitlements.rs` the limits services check; `arithmetic.rs` proration,
//! tax and totals on minor units; `provider/` the payment provider and
//! `signature.rs` its webhook signatures.

pub mod arithmetic;
pub mod clock;
pub mod currency;
pub mod entitlements;
pub mod graphql;
pub mod invoices;
pub mod notices;
pub mod payments;
pub mod plans;
pub mod provider;
pub mod settings;
pub mod signature;
pub mod subscriptions;
pub mod webhooks;

/// See the tenant's plan, subscription and invoices.
pub const READ: &str = "billing.subscription.read";
/// Choose or change the plan, cancel, pause, resume.
pub const MANAGE: &str = "billing.subscription.manage";
