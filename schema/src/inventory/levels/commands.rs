//! Reading levels, and setting the reorder point that makes one low.

use super::store::{self, LevelFilter};
use super::{ReorderPoint, StockLevel};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::inventory::{ITEM_WRITE, READ, items};
use kernel::{AppError, AppResult, Db, LocationId, RequestContext, StockItemId, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::json;

pub(crate) async fn level_in(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: StockItemId,
    location: LocationId,
) -> AppResult<StockLevel> {
    store::level(conn, tenant, item, location)
        .await?
        .ok_or_else(|| AppError::not_found("stock level"))
}

/// Levels: of every active item at `location`, of `item` everywhere, or both;
/// `low_only` keeps those at or below their reorder point.
pub async fn levels(
    db: &Db,
    ctx: &RequestContext,
    location: Option<LocationId>,
    item: Option<StockItemId>,
    low_only: bool,
) -> AppResult<Vec<StockLevel>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let filter = LevelFilter {
        location,
        item,
        low_only,
    };
    let rows = store::levels(&*unit, unit.tenant, filter).await?;
    unit.commit(rows).await
}

/// Sets (or with `null` clears) the level below which `item` is low at `location`.
pub async fn set_reorder_point(
    db: &Db,
    ctx: &RequestContext,
    item: StockItemId,
    location: LocationId,
    input: ReorderPoint,
) -> AppResult<StockLevel> {
    let unit = Unit::begin(db, ctx, ITEM_WRITE).await?;
    let point = input.reorder_point;
    if point.is_some_and(|p| p.milli() < 0) {
        return Err(AppError::invalid_field("reorderPoint", "must be 0 or more"));
    }
    items::find(&*unit, unit.tenant, item).await?;
    // The level is addressed by item and location (a REST path), so an
    // unknown location is a missing level, not a bad field.
    crate::locations::service::find(&*unit, unit.tenant, location).await?;
    let before = level_in(&*unit, unit.tenant, item, location).await?;
    store::upsert_reorder_point(&*unit, unit.tenant, item, location, point, unit.now()).await?;
    let after = level_in(&*unit, unit.tenant, item, location).await?;
    unit.commit_with(
        Change::new("inventory.reorder_point.set", "stock_item", item)
            .with_before(json!({ "locationId": location, "reorderPoint": before.reorder_point }))
            .with_after(json!({ "locationId": location, "reorderPoint": after.reorder_point })),
        after,
    )
    .await
}
