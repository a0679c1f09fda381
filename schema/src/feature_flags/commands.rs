//! The operator's commands on flags. Each says why; each is audited with
//! the flag (or the business's evaluation) before and after.

use super::evaluate::evaluate;
use super::{FeatureFlag, FeatureFlagPatch, FlagKind, FlagOverride, NewFeatureFlag};
use super::{PlanFlagValueInput, read, store};
use crate::audit::service::{self as audit, Change};
use crate::command::Unit;
use crate::superadmin::OperatorReason;
use entities::feature_flags::{ActiveModel, Model};
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::ConnectionTrait;
use serde_json::json;
use std::collections::BTreeSet;

const BOOLEAN: [&str; 2] = ["false", "true"];

fn not_found(key: &str) -> AppError {
    AppError::not_found("feature flag").with_details(json!({ "key": key }))
}

fn in_variants(field: &str, value: &str, variants: &[String]) -> AppResult<()> {
    if variants.iter().any(|v| v == value) {
        Ok(())
    } else {
        Err(AppError::invalid_field(
            field,
            format!("must be one of the flag's values: {}", variants.join(", ")),
        ))
    }
}

/// The rollout's value: given, or for a boolean the opposite of the default.
fn rollout_value(
    kind: FlagKind,
    given: Option<String>,
    default_value: &str,
    percent: i32,
    variants: &[String],
) -> AppResult<Option<String>> {
    if !(0..=100).contains(&percent) {
        return Err(AppError::invalid_field(
            "rolloutPercent",
            "must be between 0 and 100",
        ));
    }
    let value = match (given, kind) {
        (Some(v), _) => Some(v),
        (None, FlagKind::Boolean) => Some(
            if default_value == "true" {
                "false"
            } else {
                "true"
            }
            .to_owned(),
        ),
        (None, FlagKind::Variant) => None,
    };
    match &value {
        Some(v) => in_variants("rolloutValue", v, variants)?,
        None if percent > 0 => {
            return Err(AppError::invalid_field(
                "rolloutValue",
                "a variant flag rolled out to a share of businesses needs the value they get",
            ));
        }
        None => {}
    }
    Ok(value)
}

/// Plan values checked against the catalog and the flag's values.
async fn plan_values(
    conn: &impl ConnectionTrait,
    given: Vec<PlanFlagValueInput>,
    variants: &[String],
) -> AppResult<Vec<(uuid::Uuid, String)>> {
    let codes: Vec<String> = given
        .iter()
        .map(|p| p.plan_code.as_str().to_owned())
        .collect();
    if codes.iter().collect::<BTreeSet<_>>().len() != codes.len() {
        return Err(AppError::invalid_field("planValues", "names a plan twice"));
    }
    let known = store::plan_ids(conn, &codes).await?;
    let mut out = Vec::with_capacity(given.len());
    for value in given {
        let code = value.plan_code.as_str();
        let Some((_, id)) = known.iter().find(|(c, _)| c == code) else {
            return Err(AppError::invalid_field(
                "planValues",
                format!("no plan has the code {code}"),
            ));
        };
        in_variants("planValues", value.value.as_str(), variants)?;
        out.push((*id, value.value.as_str().to_owned()));
    }
    Ok(out)
}

/// Superadmins: defines a flag.
pub async fn create(
    db: &Db,
    ctx: &RequestContext,
    input: NewFeatureFlag,
) -> AppResult<FeatureFlag> {
    let (_, ctx) = ctx.operator(input.reason.as_str())?;
    let key = input.key.as_str().to_owned();
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(AppError::invalid_field(
            "key",
            "must start with a lowercase letter",
        ));
    }
    let variants: Vec<String> = match (input.kind, input.variants) {
        (FlagKind::Boolean, None) => BOOLEAN.map(str::to_owned).to_vec(),
        (FlagKind::Boolean, Some(_)) => {
            return Err(AppError::invalid_field(
                "variants",
                "a boolean flag's values are false and true",
            ));
        }
        (FlagKind::Variant, Some(given)) => {
            let variants: Vec<String> = given.into_iter().map(String::from).collect();
            let distinct: BTreeSet<&String> = variants.iter().collect();
            if !(2..=50).contains(&variants.len()) || distinct.len() != variants.len() {
                return Err(AppError::invalid_field(
                    "variants",
                    "a variant flag takes 2 to 50 distinct values",
                ));
            }
            variants
        }
        (FlagKind::Variant, None) => {
            return Err(AppError::invalid_field(
                "variants",
                "a variant flag lists its values",
            ));
        }
    };
    let default_value = input.default_value.as_str().to_owned();
    in_variants("defaultValue", &default_value, &variants)?;
    let percent = input.rollout_percent.unwrap_or(0);
    let rollout = rollout_value(
        input.kind,
        input.rollout_value.map(String::from),
        &default_value,
        percent,
        &variants,
    )?;
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let plans = plan_values(&tx, input.plan_values.unwrap_or_default(), &variants).await?;
    let row = ActiveModel {
        key: Set(key.clone()),
        description: Set(input.description.map(String::from).unwrap_or_default()),
        kind: Set(input.kind.into()),
        variants: Set(variants),
        default_value: Set(default_value),
        enabled: Set(input.enabled.unwrap_or(true)),
        rollout_percent: Set(percent),
        rollout_value: Set(rollout),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    if !store::insert(&tx, row).await? {
        return Err(AppError::conflict(format!("a flag {key} exists already"))
            .with_details(json!({ "key": key })));
    }
    store::replace_plan_values(&tx, &key, &plans).await?;
    let flag = read::definition(&tx, &key).await?;
    audit::record_platform(
        &tx,
        &ctx,
        "feature_flag.created",
        "feature_flag",
        &key,
        None,
        Some(serde_json::to_value(&flag)?),
    )
    .await?;
    tx.commit().await?;
    Ok(flag)
}

/// Superadmins: changes a flag's default, switch, rollout or plan values.
pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    key: &str,
    patch: FeatureFlagPatch,
) -> AppResult<FeatureFlag> {
    let (_, ctx) = ctx.operator(patch.reason.as_str())?;
    let tx = db.system_tx().await?;
    let row: Model = store::find(&tx, key, true)
        .await?
        .ok_or_else(|| not_found(key))?;
    let before = read::definition(&tx, key).await?;
    let kind: FlagKind = row.kind.into();
    let default_value = patch
        .default_value
        .map(String::from)
        .unwrap_or_else(|| row.default_value.clone());
    in_variants("defaultValue", &default_value, &row.variants)?;
    let percent = patch.rollout_percent.unwrap_or(row.rollout_percent);
    let given_rollout = patch.rollout_value.map(String::from).or_else(|| {
        // A boolean's implied rollout value follows a changed default.
        (kind == FlagKind::Variant)
            .then(|| row.rollout_value.clone())
            .flatten()
    });
    let rollout = rollout_value(kind, given_rollout, &default_value, percent, &row.variants)?;
    if let Some(given) = patch.plan_values {
        let plans = plan_values(&tx, given, &row.variants).await?;
        store::replace_plan_values(&tx, key, &plans).await?;
    }
    let mut change: ActiveModel = row.clone().into();
    if let Some(description) = patch.description {
        change.description = Set(description.into());
    }
    if let Some(enabled) = patch.enabled {
        change.enabled = Set(enabled);
    }
    change.default_value = Set(default_value);
    change.rollout_percent = Set(percent);
    change.rollout_value = Set(rollout);
    change.version = Set(row.version + 1);
    change.updated_at = Set(ctx.now());
    store::update(&tx, change).await?;
    let after = read::definition(&tx, key).await?;
    audit::record_platform(
        &tx,
        &ctx,
        "feature_flag.updated",
        "feature_flag",
        key,
        Some(serde_json::to_value(&before)?),
        Some(serde_json::to_value(&after)?),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Superadmins: removes a flag, its plan values and its overrides; callers
/// then get their own default with `FLAG_NOT_FOUND`.
pub async fn delete(
    db: &Db,
    ctx: &RequestContext,
    key: &str,
    input: OperatorReason,
) -> AppResult<FeatureFlag> {
    let (_, ctx) = ctx.operator(input.reason.as_str())?;
    let tx = db.system_tx().await?;
    store::find(&tx, key, true)
        .await?
        .ok_or_else(|| not_found(key))?;
    let before = read::definition(&tx, key).await?;
    store::delete(&tx, key).await?;
    audit::record_platform(
        &tx,
        &ctx,
        "feature_flag.deleted",
        "feature_flag",
        key,
        Some(serde_json::to_value(&before)?),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(before)
}

/// Superadmins: sets a flag for one business over its plan and the
/// rollout, or with no value gives the decision back to them. Audited in
/// the business's trail with its evaluation before and after, and told to
/// its event stream (`feature_flag.overridden`).
pub async fn set_for_tenant(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    key: &str,
    input: FlagOverride,
) -> AppResult<super::FlagEvaluation> {
    let (_, ctx) = ctx.operator(input.reason.as_str())?;
    let unit = Unit::open(db, &ctx, tenant).await?;
    // The business's own transaction sees its row, or none: no such business.
    crate::tenants::service::find(&*unit, tenant).await?;
    let flag = store::find(&*unit, key, false)
        .await?
        .ok_or_else(|| not_found(key))?;
    let value = input.value.map(String::from);
    if let Some(value) = &value {
        in_variants("value", value, &flag.variants)?;
    }
    let evaluated = |rows: Vec<store::FlagRow>| {
        rows.first()
            .map(|r| evaluate(&r.inputs(), tenant))
            .ok_or_else(|| not_found(key))
    };
    let before = evaluated(store::for_tenant(&*unit, tenant, Some(key)).await?)?;
    let before_override = store::find_override(&*unit, tenant, key).await?;
    match &value {
        Some(value) => store::set_override(&*unit, tenant, key, value, unit.now()).await?,
        None => store::clear_override(&*unit, tenant, key).await?,
    }
    let after = evaluated(store::for_tenant(&*unit, tenant, Some(key)).await?)?;
    let change = Change::new("feature_flag.overridden", "feature_flag", key)
        .with_before(json!({ "override": before_override, "evaluation": before }))
        .with_after(json!({ "override": value, "evaluation": after }))
        .with_event(json!({ "key": key, "value": after.value, "reason": after.reason }));
    unit.record(change).await?;
    unit.commit(after).await
}
