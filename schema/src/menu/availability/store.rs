//! Every statement on `menu_item_locations` (the item's own `sold_out` is
//! written by the items' store).

use crate::store_support::upsert;
use chrono::{DateTime, Utc};
use entities::menu_item_locations::{ActiveModel, Column, Entity};
use kernel::{AppResult, LocationId, MenuItemId, TenantId};
use sea_orm::ActiveValue::Set;
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
    let switch = ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        item_id: Set(item.as_uuid()),
        location_id: Set(location.as_uuid()),
        sold_out: Set(sold_out),
        updated_at: Set(at),
    };
    upsert(conn, switch, [Column::SoldOut, Column::UpdatedAt]).await
}
