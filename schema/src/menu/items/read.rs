//! Reading items: one, a page, and the relations of many at once (variants,
//! modifier groups) that GraphQL's loaders and REST's views both use.

use super::{Item, Variant, store};
use crate::command::Unit;
use crate::menu::READ;
use crate::menu::modifiers::{self, ModifierGroup};
use crate::pagination::{Page, PageRequest};
use kernel::{
    AppError, AppResult, CategoryId, Db, MenuItemId, ModifierGroupId, RequestContext, TenantId,
};
use std::collections::HashSet;

pub async fn get_item(db: &Db, ctx: &RequestContext, id: MenuItemId) -> AppResult<Item> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let item = store::find(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("menu item"))?;
    unit.commit(item).await
}

pub async fn list_items(
    db: &Db,
    ctx: &RequestContext,
    category: Option<CategoryId>,
    page: PageRequest,
) -> AppResult<Page<Item>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let limit = u64::try_from(page.fetch_limit()).unwrap_or(u64::MAX);
    let rows = store::page(&*unit, unit.tenant, category, page.after, limit).await?;
    unit.commit(page.finish(rows, |i| i.id.as_uuid())).await
}

// The relations below are read for a caller that already holds the tenant
// (a loader, a REST view), so they open the tenant's transaction themselves.

/// Items by id, deleted ones included (a ticket line outlives its item).
pub async fn items_by_ids(db: &Db, tenant: TenantId, ids: &[MenuItemId]) -> AppResult<Vec<Item>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::by_ids(&tx, tenant, ids).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Variants of many items at once.
pub async fn variants_of(
    db: &Db,
    tenant: TenantId,
    items: &[MenuItemId],
) -> AppResult<Vec<Variant>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::variants_of(&tx, tenant, items).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Modifier groups (with modifiers) of many items at once: (item, group)
/// pairs in each item's order.
pub async fn groups_of(
    db: &Db,
    tenant: TenantId,
    items: &[MenuItemId],
) -> AppResult<Vec<(MenuItemId, ModifierGroup)>> {
    let tx = db.tenant_tx(tenant).await?;
    let links = store::group_links_of(&tx, tenant, items).await?;
    let ids: Vec<ModifierGroupId> = links
        .iter()
        .map(|(_, g)| *g)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let groups = modifiers::store::by_ids(&tx, tenant, &ids).await?;
    tx.commit().await?;
    Ok(links
        .into_iter()
        .filter_map(|(item, g)| groups.iter().find(|x| x.id == g).map(|x| (item, x.clone())))
        .collect())
}
