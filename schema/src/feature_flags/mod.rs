//! Tenant feature flags: the operator defines a flag (a boolean or one of
//! several string variants, with a default), gives it values per plan, rolls
//! it out to a sticky share of businesses, and overrides it per business.
//!
//! Evaluation (`evaluate.rs`) is OpenFeature's: a value, a variant and a
//! reason (`TARGETING_MATCH`, `SPLIT`, `DEFAULT`, `DISABLED`, or `ERROR` with
//! `FLAG_NOT_FOUND`). Flags are read from PostgreSQL on every evaluation, so
//! a change applies on every replica by the next request.

pub mod bucket;
pub mod commands;
pub mod evaluate;
pub mod graphql;
pub mod read;
pub(crate) mod store;

pub use commands::{create, delete, set_for_tenant, update};
pub use evaluate::{FlagErrorCode, FlagEvaluation, FlagReason, FlagSource};
pub use read::{evaluate_all, evaluate_one, list, of_tenant};

use crate::text::{Description, FlagValue, Key, PlanCode, Reason};
use chrono::{DateTime, Utc};
use entities::feature_flags as rows;
use serde::{Deserialize, Serialize};

/// What values a flag takes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlagKind {
    /// `true` or `false`.
    Boolean,
    /// One of the flag's named variants.
    Variant,
}

crate::wire::wire_enum!(FlagKind, rows::FlagKind { Boolean, Variant });

/// What a flag is for the subscribers of one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanFlagValue {
    pub plan_code: String,
    pub value: String,
}

/// A flag as the operator defines it.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeatureFlag {
    pub key: String,
    pub description: String,
    pub kind: FlagKind,
    /// Every value it may take (`false`, `true` for a boolean).
    pub variants: Vec<String>,
    pub default_value: String,
    /// Off: every business gets the default (reason `DISABLED`).
    pub enabled: bool,
    /// The share of businesses (by a sticky bucket of flag and tenant) that
    /// get `rolloutValue`.
    pub rollout_percent: i32,
    pub rollout_value: Option<String>,
    pub plan_values: Vec<PlanFlagValue>,
    /// How many businesses the operator has overridden it for.
    pub overrides: i32,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new flag.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewFeatureFlagInput")]
#[serde(rename_all = "camelCase")]
pub struct NewFeatureFlag {
    /// `new-checkout`, `kds.beta`: a lowercase letter first.
    pub key: Key,
    pub description: Option<Description>,
    pub kind: FlagKind,
    /// With `VARIANT`: its 2 to 50 values; a boolean's are `false`, `true`.
    pub variants: Option<Vec<FlagValue>>,
    pub default_value: FlagValue,
    /// Default: on.
    pub enabled: Option<bool>,
    /// Default: 0.
    pub rollout_percent: Option<i32>,
    /// The value inside the rollout; for a boolean, the opposite of the
    /// default unless given.
    pub rollout_value: Option<FlagValue>,
    pub plan_values: Option<Vec<PlanFlagValueInput>>,
    pub reason: Reason,
}

/// A plan's value of a flag.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanFlagValueInput {
    pub plan_code: PlanCode,
    pub value: FlagValue,
}

/// A change to a flag; leave a field out to keep it. `planValues`, when
/// given, replaces the whole list.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "FeatureFlagPatchInput")]
#[serde(rename_all = "camelCase")]
pub struct FeatureFlagPatch {
    pub description: Option<Description>,
    pub default_value: Option<FlagValue>,
    pub enabled: Option<bool>,
    pub rollout_percent: Option<i32>,
    pub rollout_value: Option<FlagValue>,
    pub plan_values: Option<Vec<PlanFlagValueInput>>,
    pub reason: Reason,
}

/// The operator sets (or with no `value`, clears) a flag for one business.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "FeatureFlagOverrideInput")]
#[serde(rename_all = "camelCase")]
pub struct FlagOverride {
    /// `null` removes the override, so plan, rollout and default decide again.
    pub value: Option<FlagValue>,
    pub reason: Reason,
}
