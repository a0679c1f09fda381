//! Every statement on `menu_categories`.

use super::Category;
use chrono::{DateTime, Utc};
use entities::menu_categories::{ActiveModel, Column, Entity};
use kernel::{AppResult, CategoryId, TenantId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// The tenant's categories in display order.
pub(crate) async fn list(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<Category>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .order_by_asc(Column::SortOrder)
        .order_by_asc(Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(Category::from)
        .collect())
}

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: CategoryId,
    pub name: &'a str,
    pub sort_order: i32,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<Category> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        name: Set(row.name.to_owned()),
        sort_order: Set(row.sort_order),
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
    id: CategoryId,
    name: Option<&str>,
    sort_order: Option<i32>,
    active: Option<bool>,
    at: DateTime<Utc>,
) -> AppResult<Category> {
    Ok(ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        name: name.map_or(NotSet, |n| Set(n.to_owned())),
        sort_order: sort_order.map_or(NotSet, Set),
        active: active.map_or(NotSet, Set),
        created_at: NotSet,
        updated_at: Set(at),
    }
    .update(conn)
    .await?
    .into())
}
