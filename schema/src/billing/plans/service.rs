//! The plan catalog's commands (superadmins) and reads (anyone signed in:
//! a tenant owner chooses from it).

use super::{NewPlan, Plan, PlanTerms, PlanVersion, store};
use crate::audit::service as audit;
use crate::billing::currency;
use crate::module_registry::catalog::catalog;
use kernel::{AppError, AppResult, Db, PlanId, PlanVersionId, RequestContext};
use sea_orm::ConnectionTrait;
use serde_json::json;

fn not_found(code: &str) -> AppError {
    AppError::not_found("plan").with_details(json!({ "code": code }))
}

/// Checks a plan's terms and returns its module keys, sorted, once each.
fn check_terms(terms: &PlanTerms) -> AppResult<Vec<String>> {
    currency::exponent(terms.currency.as_str())?;
    if terms.monthly_price_minor.is_none() && terms.yearly_price_minor.is_none() {
        return Err(AppError::invalid_field(
            "terms",
            "a plan needs a monthly or a yearly price",
        ));
    }
    for (field, price) in [
        ("monthlyPriceMinor", terms.monthly_price_minor),
        ("yearlyPriceMinor", terms.yearly_price_minor),
    ] {
        if price.is_some_and(|p| p.0 < 0) {
            return Err(AppError::invalid_field(field, "must not be negative"));
        }
    }
    if !(0..=365).contains(&terms.trial_days) {
        return Err(AppError::invalid_field(
            "trialDays",
            "must be between 0 and 365",
        ));
    }
    let limits = terms.limits;
    for (field, limit) in [
        ("limits.locations", limits.locations),
        ("limits.users", limits.users),
        ("limits.apiKeys", limits.api_keys),
        ("limits.openShifts", limits.open_shifts),
        ("limits.monthlyTickets", limits.monthly_tickets),
    ] {
        if limit.is_some_and(|l| l < 0) {
            return Err(AppError::invalid_field(field, "must not be negative"));
        }
    }
    let catalog = catalog()?;
    let known = |key: &str| {
        catalog
            .modules
            .iter()
            .any(|m| m.key == key || m.features.iter().any(|f| f.key == key))
    };
    let unknown: Vec<&str> = terms
        .modules
        .iter()
        .map(|k| k.as_str())
        .filter(|k| !known(k))
        .collect();
    if !unknown.is_empty() {
        return Err(AppError::invalid_field(
            "modules",
            format!("unknown module or feature: {}", unknown.join(", ")),
        ));
    }
    let mut modules: Vec<String> = terms
        .modules
        .iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    modules.sort();
    modules.dedup();
    Ok(modules)
}

/// Plans on sale (and archived ones too, for superadmins who ask).
pub async fn list(db: &Db, ctx: &RequestContext, archived: bool) -> AppResult<Vec<Plan>> {
    if archived {
        ctx.require_superadmin()?;
    } else if ctx.require_superadmin().is_err() {
        ctx.require_tenant()?;
    }
    let tx = db.system_tx().await?;
    let plans = store::list(&tx, archived).await?;
    tx.commit().await?;
    Ok(plans)
}

/// One plan by code.
pub async fn get(db: &Db, ctx: &RequestContext, code: &str) -> AppResult<Plan> {
    if ctx.require_superadmin().is_err() {
        ctx.require_tenant()?;
    }
    let tx = db.system_tx().await?;
    let plan = store::by_code(&tx, code, false).await?;
    tx.commit().await?;
    plan.ok_or_else(|| not_found(code))
}

/// The plan version with this id, in any transaction (plans are readable
/// from a tenant's).
pub async fn version_of(conn: &impl ConnectionTrait, id: PlanVersionId) -> AppResult<PlanVersion> {
    store::version_by_id(conn, id)
        .await?
        .ok_or_else(|| AppError::internal(format!("plan version {id} is missing")))
}

/// The current version of an unarchived plan, for a new or changed
/// subscription.
pub(crate) async fn on_sale(conn: &impl ConnectionTrait, code: &str) -> AppResult<PlanVersion> {
    let plan = store::by_code(conn, code, false)
        .await?
        .ok_or_else(|| not_found(code))?;
    if plan.archived_at.is_some() {
        return Err(AppError::invalid_field(
            "planCode",
            format!("plan {code} is archived and no longer sold"),
        ));
    }
    Ok(plan.current)
}

/// Superadmins: a new plan, at version 1.
pub async fn create(db: &Db, ctx: &RequestContext, input: NewPlan) -> AppResult<Plan> {
    ctx.require_operator()?;
    let modules = check_terms(&input.terms)?;
    let tx = db.system_tx().await?;
    if store::by_code(&tx, &input.code, false).await?.is_some() {
        return Err(AppError::conflict(format!(
            "a plan with code {} exists",
            input.code.as_str()
        )));
    }
    let id = PlanId::new();
    let description = input.description.as_deref().unwrap_or_default();
    store::insert_plan(&tx, id, &input.code, &input.name, description, ctx.now()).await?;
    store::insert_version(&tx, id, 1, &input.terms, modules, ctx.now()).await?;
    let plan = store::by_code(&tx, &input.code, false)
        .await?
        .ok_or_else(|| not_found(&input.code))?;
    record(&tx, ctx, "billing.plan.created", &plan, None).await?;
    tx.commit().await?;
    Ok(plan)
}

/// Superadmins: new terms for a plan, as its next version. Subscribers keep
/// the version they are on until they are moved.
pub async fn revise(
    db: &Db,
    ctx: &RequestContext,
    code: &str,
    terms: PlanTerms,
) -> AppResult<Plan> {
    ctx.require_operator()?;
    let modules = check_terms(&terms)?;
    let tx = db.system_tx().await?;
    let before = store::by_code(&tx, code, true)
        .await?
        .ok_or_else(|| not_found(code))?;
    let next = before.current.version + 1;
    store::insert_version(&tx, before.id, next, &terms, modules, ctx.now()).await?;
    let plan = store::by_code(&tx, code, false)
        .await?
        .ok_or_else(|| not_found(code))?;
    record(&tx, ctx, "billing.plan.revised", &plan, Some(&before)).await?;
    tx.commit().await?;
    Ok(plan)
}

/// Superadmins: hides a plan from new sign-ups; subscribers keep it.
pub async fn archive(db: &Db, ctx: &RequestContext, code: &str) -> AppResult<Plan> {
    ctx.require_operator()?;
    let tx = db.system_tx().await?;
    let before = store::by_code(&tx, code, true)
        .await?
        .ok_or_else(|| not_found(code))?;
    if before.archived_at.is_some() {
        tx.commit().await?;
        return Ok(before);
    }
    store::archive(&tx, before.id, ctx.now()).await?;
    let plan = store::by_code(&tx, code, false)
        .await?
        .ok_or_else(|| not_found(code))?;
    record(&tx, ctx, "billing.plan.archived", &plan, Some(&before)).await?;
    tx.commit().await?;
    Ok(plan)
}

async fn record(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    action: &str,
    after: &Plan,
    before: Option<&Plan>,
) -> AppResult<()> {
    audit::record_platform(
        conn,
        ctx,
        action,
        "billing_plan",
        after.id,
        before.map(serde_json::to_value).transpose()?,
        Some(json!(after)),
    )
    .await
}
