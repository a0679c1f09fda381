//! Every statement on `locations`.

use super::types::Location;
use chrono::{DateTime, Utc};
use entities::locations::{ActiveModel, Column, Entity};
use kernel::db::sql;
use kernel::{AppResult, LocationId, TenantId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// The tenant's locations by name.
pub(crate) async fn list(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<Location>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .order_by_asc(Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(Location::from)
        .collect())
}

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: LocationId,
    pub name: &'a str,
    pub timezone: &'a str,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<Location> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        name: Set(row.name.to_owned()),
        timezone: Set(row.timezone.to_owned()),
        active: Set(true),
        created_at: Set(row.at),
        updated_at: Set(row.at),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// Sets the fields that are `Some`, and `updated_at`; returns the row.
pub(crate) async fn update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: LocationId,
    name: Option<&str>,
    timezone: Option<&str>,
    active: Option<bool>,
    at: DateTime<Utc>,
) -> AppResult<Location> {
    let set = |v: Option<String>| v.map_or(NotSet, Set);
    Ok(ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        name: set(name.map(str::to_owned)),
        timezone: set(timezone.map(str::to_owned)),
        active: active.map_or(NotSet, Set),
        created_at: NotSet,
        updated_at: Set(at),
    }
    .update(conn)
    .await?
    .into())
}

/// PostgreSQL knows the IANA zones; asking it keeps one list of truth.
pub(crate) async fn timezone_known(conn: &impl ConnectionTrait, zone: &str) -> AppResult<bool> {
    Ok(conn
        .query_one_raw(sql(
            "SELECT 1 AS ok FROM pg_timezone_names WHERE name = $1",
            [zone.into()],
        ))
        .await?
        .is_some())
}
