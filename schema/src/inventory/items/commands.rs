//! What clients ask of stock items: create, update, read one, list; and the
//! lookups the other inventory aggregates use to check an item they are given.

use super::store;
use super::{NewStockItem, StockItem, StockItemPatch};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::inventory::{ITEM_WRITE, READ};
use crate::pagination::{Page, PageRequest};
use crate::store_support;
use async_graphql::MaybeUndefined;
use entities::stock_items::Entity;
use kernel::{
    AppError, AppResult, Db, ErrorCode, MenuItemId, RequestContext, StockItemId, TenantId,
};
use sea_orm::ConnectionTrait;
use serde_json::json;

fn taken(err: AppError) -> AppError {
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("a stock item with that SKU, or for that menu item, exists")
    } else {
        err
    }
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: StockItemId,
) -> AppResult<StockItem> {
    store_support::find::<Entity, _>(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("stock item"))
}

/// A stock item named in an input: unknown is `VALIDATION` on `field`.
pub(crate) async fn referenced(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    field: &str,
    id: StockItemId,
) -> AppResult<StockItem> {
    store_support::find::<Entity, _>(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::invalid_field(field, "no such stock item"))
}

async fn check_menu_item(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    menu_item: Option<MenuItemId>,
) -> AppResult<()> {
    if let Some(id) = menu_item
        && !store::menu_item_exists(conn, tenant, id).await?
    {
        return Err(AppError::invalid_field("menuItemId", "no such menu item"));
    }
    Ok(())
}

pub async fn create(db: &Db, ctx: &RequestContext, input: NewStockItem) -> AppResult<StockItem> {
    let unit = Unit::begin(db, ctx, ITEM_WRITE).await?;
    check_menu_item(&*unit, unit.tenant, input.menu_item_id).await?;
    let item = store::insert(
        &*unit,
        store::Insert {
            tenant: unit.tenant,
            id: StockItemId::new(),
            sku: &input.sku,
            name: &input.name,
            unit: input.unit,
            menu_item: input.menu_item_id,
            at: unit.now(),
        },
    )
    .await
    .map_err(taken)?;
    unit.commit_with(
        Change::created("inventory.item.created", "stock_item", item.id, &item)?
            .with_version(item.version),
        item,
    )
    .await
}

pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: StockItemId,
    patch: StockItemPatch,
) -> AppResult<StockItem> {
    let unit = Unit::begin(db, ctx, ITEM_WRITE).await?;
    let before = find(&*unit, unit.tenant, id).await?;
    if let Some(expected) = patch.expected_version
        && expected != before.version
    {
        return Err(
            AppError::conflict("the stock item changed since you read it").with_details(
                json!({ "expectedVersion": expected, "currentVersion": before.version }),
            ),
        );
    }
    if let MaybeUndefined::Value(link) = patch.menu_item_id {
        check_menu_item(&*unit, unit.tenant, Some(link)).await?;
    }
    let after = store::update(
        &*unit,
        unit.tenant,
        id,
        store::Update {
            name: patch.name.as_deref(),
            menu_item: &patch.menu_item_id,
            active: patch.active,
            at: unit.now(),
        },
    )
    .await
    .map_err(taken)?
    .ok_or_else(|| AppError::not_found("stock item"))?;
    unit.commit_with(
        Change::updated("inventory.item.updated", "stock_item", id, &before, &after)?
            .with_version(after.version),
        after,
    )
    .await
}

pub async fn get(db: &Db, ctx: &RequestContext, id: StockItemId) -> AppResult<StockItem> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let item = find(&*unit, unit.tenant, id).await?;
    unit.commit(item).await
}

pub async fn list(db: &Db, ctx: &RequestContext, page: PageRequest) -> AppResult<Page<StockItem>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::page(&*unit, unit.tenant, page.after, page.first + 1).await?;
    let rows = unit.commit(rows).await?;
    Ok(page.finish(rows, |i| i.id.as_uuid()))
}
