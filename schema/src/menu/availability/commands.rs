//! Switching an item sold out or back, and reading where it is sold out.

use super::{SetAvailability, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::menu::AVAILABILITY;
use crate::menu::items::{Item, store as items};
use kernel::{AppError, AppResult, Db, LocationId, MenuItemId, RequestContext, TenantId};
use serde_json::json;

/// Marks an item sold out (or back), everywhere or at one location:
/// terminals and screens hear of it at once. Setting what is already set
/// changes nothing and records nothing.
pub async fn set_availability(
    db: &Db,
    ctx: &RequestContext,
    id: MenuItemId,
    input: SetAvailability,
) -> AppResult<Item> {
    let SetAvailability {
        sold_out,
        location_id: location,
    } = input;
    let unit = Unit::begin(db, ctx, AVAILABILITY).await?;
    let before = items::lock(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("menu item"))?;
    let was_sold_out = match location {
        None => before.sold_out,
        Some(location) => {
            crate::locations::service::referenced(&*unit, unit.tenant, "locationId", location)
                .await?;
            store::sold_out_here(&*unit, unit.tenant, id, location).await?
        }
    };
    if was_sold_out == sold_out {
        return unit.commit(before).await;
    }
    let change = match location {
        None => items::ItemUpdate::SoldOut(sold_out),
        Some(location) => {
            store::set_sold_out_here(&*unit, unit.tenant, id, location, sold_out, unit.now())
                .await?;
            items::ItemUpdate::Touch
        }
    };
    let after = items::update(
        &*unit,
        unit.tenant,
        id,
        before.version + 1,
        unit.now(),
        change,
    )
    .await?;
    unit.commit_with(
        Change::new("menu.item.availability_changed", "menu_item", id)
            .with_before(json!({ "soldOut": was_sold_out, "locationId": location }))
            .with_after(json!({
                "itemId": id,
                "sku": after.sku,
                "name": after.name,
                "soldOut": sold_out,
                "locationId": location,
            }))
            .with_version(after.version),
        after,
    )
    .await
}

/// Locations where each of `items` is sold out (dataloader).
pub async fn sold_out_locations_of(
    db: &Db,
    tenant: TenantId,
    items: &[MenuItemId],
) -> AppResult<Vec<(MenuItemId, LocationId)>> {
    let tx = db.tenant_tx(tenant).await?;
    let pairs = store::sold_out_at(&tx, tenant, items).await?;
    tx.commit().await?;
    Ok(pairs)
}
