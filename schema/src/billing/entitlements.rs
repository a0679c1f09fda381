//! Limits, checked in the service that would exceed one: creating the
//! fourth location on a three-location plan is `AUTHZ`, with details
//! naming the limit, its value and the plan. The modules and features a
//! plan switches on are read by the guard (`app_effective_modules`), so a
//! plan change applies on the very next request, on every replica.

use crate::billing::plans::{Limits, PlanVersion};
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Long, TenantId};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use serde_json::json;

/// What a plan may limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, async_graphql::Enum, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Limit {
    Locations,
    Users,
    ApiKeys,
    OpenShifts,
    MonthlyTickets,
}

impl Limit {
    pub const ALL: [Limit; 5] = [
        Self::Locations,
        Self::Users,
        Self::ApiKeys,
        Self::OpenShifts,
        Self::MonthlyTickets,
    ];

    fn of(self, limits: &Limits) -> Option<i32> {
        match self {
            Self::Locations => limits.locations,
            Self::Users => limits.users,
            Self::ApiKeys => limits.api_keys,
            Self::OpenShifts => limits.open_shifts,
            Self::MonthlyTickets => limits.monthly_tickets,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Locations => "locations",
            Self::Users => "users",
            Self::ApiKeys => "apiKeys",
            Self::OpenShifts => "openShifts",
            Self::MonthlyTickets => "monthlyTickets",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Locations => "locations",
            Self::Users => "users",
            Self::ApiKeys => "active API keys",
            Self::OpenShifts => "shifts open at once",
            Self::MonthlyTickets => "tickets a month",
        }
    }
}

#[derive(FromQueryResult)]
struct PlanLimit {
    code: String,
    name: String,
    max: Option<i32>,
}

/// How much of one limit is used.
async fn used(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    limit: Limit,
    now: DateTime<Utc>,
) -> AppResult<i64> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let statement = match limit {
        Limit::Locations => {
            "SELECT count(*) AS n FROM locations WHERE tenant_id = $1 AND active AND $2::timestamptz IS NOT NULL"
        }
        Limit::Users => {
            "SELECT count(*) AS n FROM users WHERE tenant_id = $1 AND deleted_at IS NULL AND status <> 'deactivated' AND $2::timestamptz IS NOT NULL"
        }
        Limit::ApiKeys => {
            "SELECT count(*) AS n FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"
        }
        Limit::OpenShifts => {
            "SELECT count(*) AS n FROM pos_shifts WHERE tenant_id = $1 AND status = 'open' AND $2::timestamptz IS NOT NULL"
        }
        Limit::MonthlyTickets => {
            "SELECT count(*) AS n FROM pos_tickets WHERE tenant_id = $1 AND opened_at >= date_trunc('month', $2 AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
        }
    };
    Ok(
        Count::find_by_statement(sql(statement, [tenant.into(), now.into()]))
            .one(conn)
            .await?
            .map_or(0, |c| c.n),
    )
}

/// Refuses one more of `limit` when the tenant's plan is at it: one
/// statement for a tenant on no plan or an unlimited one, two more (a
/// count, under a lock) when the plan limits it. Concurrent creations of
/// the same kind wait for each other (a transaction-scoped advisory lock),
/// so two requests cannot both take the last one; tickets are counted
/// without it, so a busy till never queues behind another.
pub async fn check(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    limit: Limit,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let column = match limit {
        Limit::Locations => "max_locations",
        Limit::Users => "max_users",
        Limit::ApiKeys => "max_api_keys",
        Limit::OpenShifts => "max_open_shifts",
        Limit::MonthlyTickets => "max_monthly_tickets",
    };
    let plan = PlanLimit::find_by_statement(sql(
        &format!(
            "SELECT p.code, p.name, pv.{column} AS max FROM billing_subscriptions s
             JOIN billing_plan_versions pv ON pv.id = s.plan_version_id
             JOIN billing_plans p ON p.id = pv.plan_id
             WHERE s.tenant_id = $1"
        ),
        [tenant.into()],
    ))
    .one(conn)
    .await?;
    let Some(PlanLimit {
        code,
        name,
        max: Some(max),
    }) = plan
    else {
        return Ok(());
    };
    if limit != Limit::MonthlyTickets {
        conn.execute_raw(sql(
            "SELECT pg_advisory_xact_lock(hashtext($1 || ':' || $2))",
            [tenant.to_string().into(), limit.key().into()],
        ))
        .await?;
    }
    let used = used(conn, tenant, limit, now).await?;
    if used >= i64::from(max) {
        return Err(AppError::authz(format!(
            "the {name} plan allows {max} {}; upgrade the plan for more",
            limit.noun()
        ))
        .with_details(json!({
            "reason": "plan_limit",
            "limit": limit.key(),
            "value": max,
            "used": used,
            "plan": code,
        })));
    }
    Ok(())
}

/// One limit and how much of it is used.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LimitUsage {
    pub limit: Limit,
    /// `None`: unlimited.
    pub max: Option<i32>,
    pub used: Long,
}

/// Usage against every limit of the tenant's plan (all unlimited on none).
pub(crate) async fn usage_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    plan: Option<&PlanVersion>,
    now: DateTime<Utc>,
) -> AppResult<Vec<LimitUsage>> {
    let mut out = Vec::with_capacity(Limit::ALL.len());
    for limit in Limit::ALL {
        out.push(LimitUsage {
            limit,
            max: plan.and_then(|p| limit.of(&p.limits)),
            used: Long(used(conn, tenant, limit, now).await?),
        });
    }
    Ok(out)
}
