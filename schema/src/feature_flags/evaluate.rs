//! Evaluating a flag for one business, OpenFeature-style: the strongest
//! source wins (per-tenant override > plan value > percentage rollout >
//! default), a disabled flag answers its default, and every answer says why.

use super::bucket;
use kernel::TenantId;
use serde::{Deserialize, Serialize};

/// Why a flag has its value (OpenFeature's resolution reasons).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlagReason {
    /// A rule about this business decided: its override or its plan.
    TargetingMatch,
    /// The business's sticky bucket is inside the rollout.
    Split,
    /// Nothing targeted the business: the flag's default.
    Default,
    /// The flag is switched off: its default, for everyone.
    Disabled,
    /// The flag could not be evaluated (see `errorCode`): the caller's default.
    Error,
}

/// Why an evaluation failed (OpenFeature's error codes).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlagErrorCode {
    FlagNotFound,
}

/// Which rule gave the value.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FlagSource {
    /// The operator's value for this business.
    Override,
    /// The value for the business's plan.
    Plan,
    /// The percentage rollout.
    Rollout,
    /// The flag's default (also when it is disabled).
    Default,
    /// The caller's own default: no such flag.
    Caller,
}

/// One flag's value for one business, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlagEvaluation {
    pub key: String,
    pub value: String,
    /// The value as a boolean, for a boolean flag.
    pub bool_value: Option<bool>,
    /// The variant's name (the value itself); none on an error.
    pub variant: Option<String>,
    pub reason: FlagReason,
    pub source: FlagSource,
    pub error_code: Option<FlagErrorCode>,
}

/// What evaluation needs of a flag and of the business.
pub(crate) struct FlagInputs<'a> {
    pub key: &'a str,
    pub boolean: bool,
    pub default_value: &'a str,
    pub enabled: bool,
    pub rollout_percent: i32,
    pub rollout_value: Option<&'a str>,
    pub plan_value: Option<&'a str>,
    pub override_value: Option<&'a str>,
}

pub(crate) fn evaluate(flag: &FlagInputs<'_>, tenant: TenantId) -> FlagEvaluation {
    let (value, reason, source) = if !flag.enabled {
        (
            flag.default_value,
            FlagReason::Disabled,
            FlagSource::Default,
        )
    } else if let Some(value) = flag.override_value {
        (value, FlagReason::TargetingMatch, FlagSource::Override)
    } else if let Some(value) = flag.plan_value {
        (value, FlagReason::TargetingMatch, FlagSource::Plan)
    } else if bucket::inside(flag.key, tenant, flag.rollout_percent) {
        (
            flag.rollout_value.unwrap_or(flag.default_value),
            FlagReason::Split,
            FlagSource::Rollout,
        )
    } else {
        (flag.default_value, FlagReason::Default, FlagSource::Default)
    };
    FlagEvaluation {
        key: flag.key.to_owned(),
        value: value.to_owned(),
        bool_value: flag.boolean.then_some(value == "true"),
        variant: Some(value.to_owned()),
        reason,
        source,
        error_code: None,
    }
}

/// The answer for a flag that does not exist: the caller's default.
pub(crate) fn not_found(key: &str, default: &str) -> FlagEvaluation {
    FlagEvaluation {
        key: key.to_owned(),
        value: default.to_owned(),
        bool_value: match default {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        variant: None,
        reason: FlagReason::Error,
        source: FlagSource::Caller,
        error_code: Some(FlagErrorCode::FlagNotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn flag<'a>() -> FlagInputs<'a> {
        FlagInputs {
            key: "new-checkout",
            boolean: true,
            default_value: "false",
            enabled: true,
            rollout_percent: 0,
            rollout_value: Some("true"),
            plan_value: None,
            override_value: None,
        }
    }

    #[test]
    fn precedence_is_override_then_plan_then_rollout_then_default() {
        let tenant = TenantId(Uuid::new_v4());
        let base = evaluate(&flag(), tenant);
        assert_eq!(
            (base.value.as_str(), base.reason),
            ("false", FlagReason::Default)
        );

        let everyone = FlagInputs {
            rollout_percent: 100,
            ..flag()
        };
        let split = evaluate(&everyone, tenant);
        assert_eq!(
            (split.value.as_str(), split.reason),
            ("true", FlagReason::Split)
        );
        assert_eq!(split.bool_value, Some(true));

        let planned = FlagInputs {
            plan_value: Some("false"),
            ..everyone
        };
        let plan = evaluate(&planned, tenant);
        assert_eq!(
            (plan.value.as_str(), plan.source),
            ("false", FlagSource::Plan)
        );
        assert_eq!(plan.reason, FlagReason::TargetingMatch);

        let overridden = FlagInputs {
            override_value: Some("true"),
            ..planned
        };
        let over = evaluate(&overridden, tenant);
        assert_eq!(
            (over.value.as_str(), over.source),
            ("true", FlagSource::Override)
        );

        let off = FlagInputs {
            enabled: false,
            ..overridden
        };
        let disabled = evaluate(&off, tenant);
        assert_eq!(
            (disabled.value.as_str(), disabled.reason),
            ("false", FlagReason::Disabled)
        );
    }

    #[test]
    fn an_unknown_flag_answers_the_callers_default() {
        let answer = not_found("nope", "blue");
        assert_eq!(answer.value, "blue");
        assert_eq!(answer.reason, FlagReason::Error);
        assert_eq!(answer.error_code, Some(FlagErrorCode::FlagNotFound));
        assert_eq!(not_found("nope", "true").bool_value, Some(true));
    }
}
