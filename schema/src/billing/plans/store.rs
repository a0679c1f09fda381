//! Every statement on `billing_plans` and `billing_plan_versions`.

use super::{Limits, Plan, PlanTerms, PlanVersion, UnpaidOutcome};
use chrono::{DateTime, Utc};
use entities::billing_plan_versions as versions;
use entities::billing_plans as plans;
use kernel::{AppResult, Long, PlanId, PlanVersionId};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::LockType,
};

fn version(plan: &plans::Model, row: versions::Model) -> PlanVersion {
    PlanVersion {
        id: row.id.into(),
        plan_id: plan.id.into(),
        plan_code: plan.code.clone(),
        plan_name: plan.name.clone(),
        version: row.version,
        currency: row.currency.clone(),
        monthly_price_minor: row.monthly_price_minor.map(Long),
        yearly_price_minor: row.yearly_price_minor.map(Long),
        trial_days: row.trial_days,
        modules: row.modules.clone(),
        on_unpaid: row.on_unpaid.into(),
        created_at: row.created_at,
        limits: Limits::from(row),
    }
}

fn plan(row: plans::Model, current: versions::Model) -> Plan {
    Plan {
        current: version(&row, current),
        id: row.id.into(),
        code: row.code,
        name: row.name,
        description: row.description,
        archived_at: row.archived_at,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// Plans with their current versions, by code; archived ones only when asked.
pub(crate) async fn list(conn: &impl ConnectionTrait, archived: bool) -> AppResult<Vec<Plan>> {
    let mut query = plans::Entity::find().order_by_asc(plans::Column::Code);
    if !archived {
        query = query.filter(plans::Column::ArchivedAt.is_null());
    }
    let rows = query.all(conn).await?;
    let ids: Vec<_> = rows.iter().map(|p| p.id).collect();
    let mut current = versions::Entity::find()
        .filter(versions::Column::PlanId.is_in(ids))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|p| {
            let at = current
                .iter()
                .position(|v| v.plan_id == p.id && v.version == p.current_version)?;
            Some(plan(p, current.swap_remove(at)))
        })
        .collect())
}

/// The plan with `code`, locked when `lock` (a revision or archive).
pub(crate) async fn by_code(
    conn: &impl ConnectionTrait,
    code: &str,
    lock: bool,
) -> AppResult<Option<Plan>> {
    let mut query = plans::Entity::find().filter(plans::Column::Code.eq(code));
    if lock {
        query = query.lock(LockType::Update);
    }
    let Some(row) = query.one(conn).await? else {
        return Ok(None);
    };
    let current = versions::Entity::find()
        .filter(versions::Column::PlanId.eq(row.id))
        .filter(versions::Column::Version.eq(row.current_version))
        .one(conn)
        .await?;
    Ok(current.map(|v| plan(row, v)))
}

/// One version, with its plan's code and name.
pub(crate) async fn version_by_id(
    conn: &impl ConnectionTrait,
    id: PlanVersionId,
) -> AppResult<Option<PlanVersion>> {
    let Some(row) = versions::Entity::find_by_id(id.as_uuid()).one(conn).await? else {
        return Ok(None);
    };
    let owner = plans::Entity::find_by_id(row.plan_id).one(conn).await?;
    Ok(owner.map(|p| version(&p, row)))
}

pub(crate) async fn insert_plan(
    conn: &impl ConnectionTrait,
    id: PlanId,
    code: &str,
    name: &str,
    description: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    plans::Entity::insert(plans::ActiveModel {
        id: Set(id.as_uuid()),
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        description: Set(description.to_owned()),
        current_version: Set(1),
        archived_at: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Adds version `number` of the plan and makes it the one new sign-ups get.
pub(crate) async fn insert_version(
    conn: &impl ConnectionTrait,
    plan: PlanId,
    number: i32,
    terms: &PlanTerms,
    modules: Vec<String>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let limits = terms.limits;
    versions::Entity::insert(versions::ActiveModel {
        id: Set(PlanVersionId::new().as_uuid()),
        plan_id: Set(plan.as_uuid()),
        version: Set(number),
        currency: Set(terms.currency.as_str().to_owned()),
        monthly_price_minor: Set(terms.monthly_price_minor.map(|p| p.0)),
        yearly_price_minor: Set(terms.yearly_price_minor.map(|p| p.0)),
        trial_days: Set(terms.trial_days),
        modules: Set(modules),
        max_locations: Set(limits.locations),
        max_users: Set(limits.users),
        max_api_keys: Set(limits.api_keys),
        max_open_shifts: Set(limits.open_shifts),
        max_monthly_tickets: Set(limits.monthly_tickets),
        on_unpaid: Set(terms.on_unpaid.unwrap_or(UnpaidOutcome::Unpaid).into()),
        created_at: Set(at),
    })
    .exec_without_returning(conn)
    .await?;
    plans::Entity::update_many()
        .col_expr(plans::Column::CurrentVersion, number.into())
        .col_expr(plans::Column::UpdatedAt, at.into())
        .filter(plans::Column::Id.eq(plan.as_uuid()))
        .exec(conn)
        .await?;
    Ok(())
}

pub(crate) async fn archive(
    conn: &impl ConnectionTrait,
    plan: PlanId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    plans::Entity::update_many()
        .col_expr(plans::Column::ArchivedAt, Some(at).into())
        .col_expr(plans::Column::UpdatedAt, at.into())
        .filter(plans::Column::Id.eq(plan.as_uuid()))
        .exec(conn)
        .await?;
    Ok(())
}
