//! Reading flags: the operator's definitions, and evaluations for a
//! business (its own, or any for superadmins).

use super::evaluate::{FlagEvaluation, evaluate, not_found};
use super::{FeatureFlag, PlanFlagValue, store};
use entities::feature_flags::Model;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::json;

fn view(row: Model, plans: &[(String, String, String)], overrides: i64) -> FeatureFlag {
    FeatureFlag {
        plan_values: plans
            .iter()
            .filter(|(flag, _, _)| *flag == row.key)
            .map(|(_, code, value)| PlanFlagValue {
                plan_code: code.clone(),
                value: value.clone(),
            })
            .collect(),
        key: row.key,
        description: row.description,
        kind: row.kind.into(),
        variants: row.variants,
        default_value: row.default_value,
        enabled: row.enabled,
        rollout_percent: row.rollout_percent,
        rollout_value: row.rollout_value,
        overrides: i32::try_from(overrides).unwrap_or(i32::MAX),
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// One flag as the operator sees it (platform transactions).
pub(crate) async fn definition(conn: &impl ConnectionTrait, key: &str) -> AppResult<FeatureFlag> {
    let row = store::find(conn, key, false)
        .await?
        .ok_or_else(|| AppError::not_found("feature flag").with_details(json!({ "key": key })))?;
    let plans = store::plan_values(conn, &[key.to_owned()]).await?;
    let count = store::override_counts(conn, Some(key))
        .await?
        .first()
        .map_or(0, |(_, n)| *n);
    Ok(view(row, &plans, count))
}

/// Superadmins: every flag with its plan values and override count.
pub async fn list(db: &Db, ctx: &RequestContext) -> AppResult<Vec<FeatureFlag>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let rows = store::all(&tx).await?;
    let keys: Vec<String> = rows.iter().map(|r| r.key.clone()).collect();
    let plans = store::plan_values(&tx, &keys).await?;
    let overrides = store::override_counts(&tx, None).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let count = overrides
                .iter()
                .find(|(k, _)| *k == row.key)
                .map_or(0, |(_, n)| *n);
            view(row, &plans, count)
        })
        .collect())
}

/// Every flag evaluated for the tenant, in the tenant's transaction.
pub(crate) async fn evaluations(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<FlagEvaluation>> {
    Ok(store::for_tenant(conn, tenant, None)
        .await?
        .iter()
        .map(|row| evaluate(&row.inputs(), tenant))
        .collect())
}

/// Anyone signed in: every flag, evaluated for the caller's business.
pub async fn evaluate_all(db: &Db, ctx: &RequestContext) -> AppResult<Vec<FlagEvaluation>> {
    let tenant = ctx.require_tenant()?;
    let tx = db.tenant_tx(tenant).await?;
    let out = evaluations(&tx, tenant).await?;
    tx.commit().await?;
    Ok(out)
}

/// Anyone signed in: one flag for the caller's business; an unknown flag
/// answers `default` with `FLAG_NOT_FOUND`, never an error.
pub async fn evaluate_one(
    db: &Db,
    ctx: &RequestContext,
    key: &str,
    default: &str,
) -> AppResult<FlagEvaluation> {
    let tenant = ctx.require_tenant()?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::for_tenant(&tx, tenant, Some(key)).await?;
    tx.commit().await?;
    Ok(rows.first().map_or_else(
        || not_found(key, default),
        |row| evaluate(&row.inputs(), tenant),
    ))
}

/// Superadmins: every flag evaluated for one business.
pub async fn of_tenant(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
) -> AppResult<Vec<FlagEvaluation>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    crate::tenants::service::find(&tx, tenant).await?;
    let out = evaluations(&tx, tenant).await?;
    tx.commit().await?;
    Ok(out)
}
