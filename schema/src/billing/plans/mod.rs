//! The operator's plan catalog: what a plan costs per interval, how long
//! its trial is, and what it entitles a tenant to (modules, features,
//! limits). A price or entitlement change makes a new version; a
//! subscription keeps its version until it is moved.

pub mod service;
pub(crate) mod store;

pub use service::{archive, create, get, list, revise, version_of};

use crate::text::{CurrencyCode, Description, Key, Name, PlanCode};
use chrono::{DateTime, Utc};
use entities::billing_plan_versions as version_rows;
use entities::billing_subscriptions::BillingInterval;
use kernel::{AppError, AppResult, Long, PlanId, PlanVersionId};
use serde::{Deserialize, Serialize};

/// What happens after the last failed dunning retry.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UnpaidOutcome {
    /// The subscription stays, read-only, until the invoice is paid.
    Unpaid,
    /// The subscription ends.
    Canceled,
}

/// How often a subscription renews.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Interval {
    Month,
    Year,
}

crate::wire::wire_enum!(
    UnpaidOutcome,
    version_rows::UnpaidOutcome { Unpaid, Canceled }
);
crate::wire::wire_enum!(Interval, BillingInterval { Month, Year });

impl Interval {
    /// The end of the period that starts at `start` in a cycle anchored at
    /// `anchor`: the first whole number of intervals after the anchor that
    /// lies beyond `start`. Anchored on the 31st of January, periods end on
    /// the 28th (or 29th) of February, then the 31st of March.
    pub fn period_end_from(
        self,
        anchor: DateTime<Utc>,
        start: DateTime<Utc>,
    ) -> AppResult<DateTime<Utc>> {
        let months = match self {
            Self::Month => 1,
            Self::Year => 12,
        };
        // Bounded: a century of monthly periods.
        for n in 1..=1200u32 {
            let end = anchor
                .checked_add_months(chrono::Months::new(months * n))
                .ok_or_else(|| AppError::validation("date out of range"))?;
            if end > start {
                return Ok(end);
            }
        }
        Err(AppError::internal(
            "billing cycle anchor is more than a century old",
        ))
    }

    /// `month` or `year`, for sentences.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// The end of a period of this interval that starts at `start`
    /// (calendar months; the 31st of January runs to the 28th or 29th of
    /// February).
    pub fn period_end(self, start: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
        let months = match self {
            Self::Month => 1,
            Self::Year => 12,
        };
        start
            .checked_add_months(chrono::Months::new(months))
            .ok_or_else(|| AppError::validation("date out of range"))
    }
}

/// Usage limits; `None` is unlimited.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    async_graphql::SimpleObject,
    async_graphql::InputObject,
    utoipa::ToSchema,
)]
#[graphql(input_name = "PlanLimitsInput")]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub locations: Option<i32>,
    pub users: Option<i32>,
    /// Active (not revoked, not expired) API keys.
    pub api_keys: Option<i32>,
    /// Shifts open at the same time (one per terminal).
    pub open_shifts: Option<i32>,
    /// Tickets opened per calendar month (UTC).
    pub monthly_tickets: Option<i32>,
}

/// A plan with the version new sign-ups get.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub id: PlanId,
    pub code: String,
    pub name: String,
    pub description: String,
    /// Archived plans are hidden from new sign-ups; subscribers keep them.
    pub archived_at: Option<DateTime<Utc>>,
    pub current: PlanVersion,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One version of a plan's prices and entitlements.
#[derive(Debug, Clone, PartialEq, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanVersion {
    pub id: PlanVersionId,
    pub plan_id: PlanId,
    pub plan_code: String,
    pub plan_name: String,
    pub version: i32,
    pub currency: String,
    /// Minor units per month; `None` when the plan is not sold monthly.
    pub monthly_price_minor: Option<Long>,
    /// Minor units per year; `None` when the plan is not sold yearly.
    pub yearly_price_minor: Option<Long>,
    pub trial_days: i32,
    /// The module and feature keys the plan switches on.
    pub modules: Vec<String>,
    pub limits: Limits,
    pub on_unpaid: UnpaidOutcome,
    pub created_at: DateTime<Utc>,
}

impl PlanVersion {
    /// The price of one period, or `VALIDATION` when the plan is not sold
    /// at this interval.
    pub fn price(&self, interval: Interval) -> AppResult<i64> {
        let price = match interval {
            Interval::Month => self.monthly_price_minor,
            Interval::Year => self.yearly_price_minor,
        };
        price.map(|p| p.0).ok_or_else(|| {
            AppError::invalid_field(
                "interval",
                format!("plan {} has no {interval:?} price", self.plan_code).to_lowercase(),
            )
        })
    }

    /// The price per year, to compare plans sold at different intervals.
    pub fn yearly_equivalent(&self, interval: Interval) -> AppResult<i64> {
        let price = self.price(interval)?;
        Ok(match interval {
            Interval::Month => price.saturating_mul(12),
            Interval::Year => price,
        })
    }
}

/// A plan's prices and entitlements: a new plan's first version, or the
/// next version of an existing one.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "PlanTermsInput")]
#[serde(rename_all = "camelCase")]
pub struct PlanTerms {
    pub currency: CurrencyCode,
    pub monthly_price_minor: Option<Long>,
    pub yearly_price_minor: Option<Long>,
    #[graphql(default)]
    #[serde(default)]
    pub trial_days: i32,
    /// Module and feature keys of the registry (`pos`, `pos.tips`).
    pub modules: Vec<Key>,
    #[graphql(default)]
    #[serde(default)]
    pub limits: Limits,
    pub on_unpaid: Option<UnpaidOutcome>,
}

/// A new plan.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "NewPlanInput")]
#[serde(rename_all = "camelCase")]
pub struct NewPlan {
    /// A stable code for integrators: `starter`, `pro-2027`.
    pub code: PlanCode,
    pub name: Name,
    pub description: Option<Description>,
    pub terms: PlanTerms,
}

impl From<version_rows::Model> for Limits {
    fn from(row: version_rows::Model) -> Self {
        Self {
            locations: row.max_locations,
            users: row.max_users,
            api_keys: row.max_api_keys,
            open_shifts: row.max_open_shifts,
            monthly_tickets: row.max_monthly_tickets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_cycle_anchored_on_the_31st_comes_back_to_the_31st() -> AppResult<()> {
        let at = |m, d| {
            Utc.with_ymd_and_hms(2027, m, d, 0, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let anchor = at(1, 31);
        let feb = Interval::Month.period_end_from(anchor, anchor)?;
        assert_eq!(feb, at(2, 28));
        assert_eq!(Interval::Month.period_end_from(anchor, feb)?, at(3, 31));
        assert_eq!(
            Interval::Month.period_end_from(anchor, at(3, 31))?,
            at(4, 30)
        );
        assert_eq!(
            Interval::Year.period_end_from(anchor, anchor)?,
            Utc.with_ymd_and_hms(2028, 1, 31, 0, 0, 0)
                .single()
                .unwrap_or_default()
        );
        Ok(())
    }
}
