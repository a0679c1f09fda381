//! Every statement on `menu_item_locations` (the item's own `sold_out` is
//! written by the items' store).

use chrono::{DateTime, Utc};
use entities::menu_item_locations::{Column, Entity};
use kernel::db::sql;
use kernel::{AppResult, LocationId, MenuItemId, TenantId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// (item, location) pairs where items are sold out at one location.
pub(crate) async fn sold_out_at(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[MenuItemId],
) -> AppResult<Vec<(MenuItemId, LocationId)>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::ItemId.is_in(items.iter().copied()))
        .filter(Column::SoldOut.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|r| (r.item_id.into(), r.location_id.into()))
        .collect())
}

/// Whether the item is sold out at the location.
pub(crate) async fn sold_out_here(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    location: LocationId,
) -> AppResult<bool> {
    Ok(
        Entity::find_by_id((tenant.as_uuid(), item.as_uuid(), location.as_uuid()))
            .one(conn)
            .await?
            .is_some_and(|r| r.sold_out),
    )
}

/// Sets the item's switch at the location, whether it had one or not.
pub(crate) async fn set_sold_out_here(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    location: LocationId,
    sold_out: bool,
    at: DateTime<Utc>,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "INSERT INTO menu_item_locations (tenant_id, item_id, location_id, sold_out, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, item_id, location_id)
         DO UPDATE SET sold_out = EXCLUDED.sold_out, updated_at = EXCLUDED.updated_at",
        [
            tenant.as_uuid().into(),
            item.as_uuid().into(),
            location.as_uuid().into(),
            sold_out.into(),
            at.into(),
        ],
    ))
    .await?;
    Ok(())
}
