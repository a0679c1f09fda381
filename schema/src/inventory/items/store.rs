//! Every statement on `stock_items`, and the menu lookup a link needs.

use super::StockItem;
use crate::store_support;
use async_graphql::MaybeUndefined;
use chrono::{DateTime, Utc};
use entities::stock_items::{ActiveModel, Column, Entity};
use kernel::{AppResult, MenuItemId, StockItemId, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, RelationDef};
use uuid::Uuid;

/// One keyset page by id: those after `after`, at most `limit`.
pub(crate) async fn page(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    after: Option<Uuid>,
    limit: u64,
) -> AppResult<Vec<StockItem>> {
    let query = Entity::find().filter(Column::TenantId.eq(tenant));
    store_support::page(conn, query, Column::Id, after, limit).await
}

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: StockItemId,
    pub sku: &'a str,
    pub name: &'a str,
    pub unit: super::StockUnit,
    pub menu_item: Option<MenuItemId>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<StockItem> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        sku: Set(row.sku.to_owned()),
        name: Set(row.name.to_owned()),
        unit: Set(row.unit.into()),
        menu_item_id: Set(row.menu_item.map(|m| m.as_uuid())),
        active: Set(true),
        version: Set(1),
        created_at: Set(row.at),
        updated_at: Set(row.at),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// What an update changes; the version goes up by one and `updated_at`
/// moves either way.
pub(crate) struct Update<'a> {
    pub name: Option<&'a str>,
    pub menu_item: &'a MaybeUndefined<MenuItemId>,
    pub active: Option<bool>,
    pub at: DateTime<Utc>,
}

/// Applies `change`; `None` when there is no such item.
pub(crate) async fn update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: StockItemId,
    change: Update<'_>,
) -> AppResult<Option<StockItem>> {
    let mut query = Entity::update_many()
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(change.at))
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.eq(id));
    if let Some(name) = change.name {
        query = query.col_expr(Column::Name, Expr::value(name));
    }
    match change.menu_item {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => {
            query = query.col_expr(Column::MenuItemId, Expr::value(Option::<Uuid>::None));
        }
        MaybeUndefined::Value(menu_item) => {
            query = query.col_expr(Column::MenuItemId, Expr::value(menu_item.as_uuid()));
        }
    }
    if let Some(active) = change.active {
        query = query.col_expr(Column::Active, Expr::value(active));
    }
    Ok(query
        .exec_with_returning(conn)
        .await?
        .into_iter()
        .next()
        .map(StockItem::from))
}

/// The join from a line table (count, transfer, recipe) to the stock item
/// it names, on `(tenant_id, stock_item_id)`.
pub(crate) fn item_of<E: EntityTrait>(tenant: E::Column, item: E::Column) -> RelationDef {
    E::belongs_to(Entity)
        .from((tenant, item))
        .to((Column::TenantId, Column::Id))
        .into()
}

/// Whether the tenant has this menu item (not deleted).
pub(crate) async fn menu_item_exists(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: MenuItemId,
) -> AppResult<bool> {
    use entities::menu_items::{Column, Entity};
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.eq(id))
        .filter(Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .is_some())
}
