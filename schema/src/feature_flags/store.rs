//! Every statement on `feature_flags`, `feature_flag_plan_values` and
//! `tenant_feature_flags` (the operator's per-business overrides).

use super::evaluate::FlagInputs;
use chrono::{DateTime, Utc};
use entities::feature_flags::{ActiveModel, Column, Entity, FlagKind, Model};
use entities::{feature_flag_plan_values as plan_values, tenant_feature_flags as overrides};
use kernel::db::sql;
use kernel::{AppResult, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, TryInsertResult,
};
use uuid::Uuid;

/// A flag with what decides it for one business.
#[derive(Debug, FromQueryResult)]
pub(crate) struct FlagRow {
    pub key: String,
    pub kind: FlagKind,
    pub default_value: String,
    pub enabled: bool,
    pub rollout_percent: i32,
    pub rollout_value: Option<String>,
    pub plan_value: Option<String>,
    pub override_value: Option<String>,
}

impl FlagRow {
    pub fn inputs(&self) -> FlagInputs<'_> {
        FlagInputs {
            key: &self.key,
            boolean: self.kind == FlagKind::Boolean,
            default_value: &self.default_value,
            enabled: self.enabled,
            rollout_percent: self.rollout_percent,
            rollout_value: self.rollout_value.as_deref(),
            plan_value: self.plan_value.as_deref(),
            override_value: self.override_value.as_deref(),
        }
    }
}

/// Every flag (or the one named) with the business's override and its
/// plan's value, in one statement.
pub(crate) async fn for_tenant(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: Option<&str>,
) -> AppResult<Vec<FlagRow>> {
    Ok(FlagRow::find_by_statement(sql(
        "SELECT f.key, f.kind, f.default_value, f.enabled, f.rollout_percent, f.rollout_value,
                o.value AS override_value, pv.value AS plan_value
         FROM feature_flags f
         LEFT JOIN tenant_feature_flags o ON o.tenant_id = $1 AND o.flag_key = f.key
         LEFT JOIN LATERAL (
           SELECT v.value FROM billing_subscriptions s
           JOIN billing_plan_versions ver ON ver.id = s.plan_version_id
           JOIN feature_flag_plan_values v ON v.plan_id = ver.plan_id AND v.flag_key = f.key
           WHERE s.tenant_id = $1 AND s.status <> 'canceled') pv ON true
         WHERE $2::text IS NULL OR f.key = $2
         ORDER BY f.key",
        [tenant.into(), key.map(str::to_owned).into()],
    ))
    .all(conn)
    .await?)
}

/// Inserts a flag; `false` when the key is taken.
pub(crate) async fn insert(conn: &impl ConnectionTrait, row: ActiveModel) -> AppResult<bool> {
    let inserted = Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(conn)
        .await?;
    // `DO NOTHING` without `RETURNING` reports a conflict as no row written.
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    key: &str,
    lock: bool,
) -> AppResult<Option<Model>> {
    let mut query = Entity::find_by_id(key.to_owned());
    if lock {
        query = query.lock_exclusive();
    }
    Ok(query.one(conn).await?)
}

pub(crate) async fn all(conn: &impl ConnectionTrait) -> AppResult<Vec<Model>> {
    Ok(Entity::find().order_by_asc(Column::Key).all(conn).await?)
}

pub(crate) async fn update(conn: &impl ConnectionTrait, row: ActiveModel) -> AppResult<Model> {
    Ok(row.update(conn).await?)
}

pub(crate) async fn delete(conn: &impl ConnectionTrait, key: &str) -> AppResult<()> {
    Entity::delete_by_id(key.to_owned()).exec(conn).await?;
    Ok(())
}

/// `(flag, plan code, value)` of the flags named.
pub(crate) async fn plan_values(
    conn: &impl ConnectionTrait,
    keys: &[String],
) -> AppResult<Vec<(String, String, String)>> {
    #[derive(FromQueryResult)]
    struct Row {
        flag_key: String,
        code: String,
        value: String,
    }
    let rows = Row::find_by_statement(sql(
        "SELECT v.flag_key, p.code, v.value FROM feature_flag_plan_values v
         JOIN billing_plans p ON p.id = v.plan_id
         WHERE v.flag_key = ANY ($1) ORDER BY v.flag_key, p.code",
        [keys.to_vec().into()],
    ))
    .all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.flag_key, r.code, r.value))
        .collect())
}

/// Plan ids by code (the codes that exist).
pub(crate) async fn plan_ids(
    conn: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<Vec<(String, Uuid)>> {
    Ok(entities::billing_plans::Entity::find()
        .filter(entities::billing_plans::Column::Code.is_in(codes.iter().cloned()))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.code, p.id))
        .collect())
}

pub(crate) async fn replace_plan_values(
    conn: &impl ConnectionTrait,
    key: &str,
    values: &[(Uuid, String)],
) -> AppResult<()> {
    plan_values::Entity::delete_many()
        .filter(plan_values::Column::FlagKey.eq(key))
        .exec(conn)
        .await?;
    if values.is_empty() {
        return Ok(());
    }
    plan_values::Entity::insert_many(values.iter().map(|(plan, value)| plan_values::ActiveModel {
        flag_key: Set(key.to_owned()),
        plan_id: Set(*plan),
        value: Set(value.clone()),
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// How many businesses each flag (or the one named) is overridden for
/// (platform transactions).
pub(crate) async fn override_counts(
    conn: &impl ConnectionTrait,
    key: Option<&str>,
) -> AppResult<Vec<(String, i64)>> {
    #[derive(FromQueryResult)]
    struct Row {
        flag_key: String,
        n: i64,
    }
    let rows = Row::find_by_statement(sql(
        "SELECT flag_key, count(*) AS n FROM tenant_feature_flags
         WHERE $1::text IS NULL OR flag_key = $1 GROUP BY flag_key",
        [key.map(str::to_owned).into()],
    ))
    .all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.flag_key, r.n)).collect())
}

pub(crate) async fn find_override(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
) -> AppResult<Option<String>> {
    Ok(
        overrides::Entity::find_by_id((tenant.as_uuid(), key.to_owned()))
            .one(conn)
            .await?
            .map(|o| o.value),
    )
}

pub(crate) async fn set_override(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
    value: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    crate::store_support::upsert(
        conn,
        overrides::ActiveModel {
            tenant_id: Set(tenant.as_uuid()),
            flag_key: Set(key.to_owned()),
            value: Set(value.to_owned()),
            updated_at: Set(at),
        },
        [overrides::Column::Value, overrides::Column::UpdatedAt],
    )
    .await
}

pub(crate) async fn clear_override(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    key: &str,
) -> AppResult<()> {
    overrides::Entity::delete_many()
        .filter(overrides::Column::TenantId.eq(tenant.as_uuid()))
        .filter(overrides::Column::FlagKey.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}
