//! Every statement on `menu_items`, `menu_item_variants` and
//! `menu_item_modifier_groups`.

use super::{Item, Variant};
use crate::store_support;
use chrono::{DateTime, Utc};
use entities::{menu_item_modifier_groups as links, menu_item_variants as variants, menu_items};
use kernel::{AppResult, CategoryId, MenuItemId, ModifierGroupId, TenantId, VariantId};
use menu_items::{ActiveModel, Column, Entity};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};
use std::collections::HashSet;
use uuid::Uuid;

fn live(tenant: TenantId, id: MenuItemId) -> Select<Entity> {
    Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.eq(id))
        .filter(Column::DeletedAt.is_null())
}

/// The item unless deleted.
pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: MenuItemId,
) -> AppResult<Option<Item>> {
    Ok(live(tenant, id).one(conn).await?.map(Item::from))
}

/// The item unless deleted, locked (`FOR UPDATE`) until the transaction ends.
pub(crate) async fn lock(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: MenuItemId,
) -> AppResult<Option<Item>> {
    Ok(live(tenant, id)
        .lock_exclusive()
        .one(conn)
        .await?
        .map(Item::from))
}

/// Items not deleted, in id order after `after`, optionally of one category.
pub(crate) async fn page(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    category: Option<CategoryId>,
    after: Option<Uuid>,
    limit: u64,
) -> AppResult<Vec<Item>> {
    let query = Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::DeletedAt.is_null())
        .apply_if(category, |q, c| q.filter(Column::CategoryId.eq(c)));
    store_support::page(conn, query, Column::Id, after, limit).await
}

/// Items by id, deleted ones included.
pub(crate) async fn by_ids(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[MenuItemId],
) -> AppResult<Vec<Item>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(Item::from)
        .collect())
}

pub(crate) struct Insert<'a> {
    pub tenant: TenantId,
    pub id: MenuItemId,
    pub category: CategoryId,
    pub sku: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub price_minor: i64,
    pub currency: &'a str,
    pub tax_rate_bp: i32,
    pub prep_secs: Option<i32>,
    pub at: DateTime<Utc>,
}

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Insert<'_>) -> AppResult<Item> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(row.id.as_uuid()),
        category_id: Set(row.category.as_uuid()),
        sku: Set(row.sku.to_owned()),
        name: Set(row.name.to_owned()),
        description: Set(row.description.to_owned()),
        price_minor: Set(row.price_minor),
        currency: Set(row.currency.to_owned()),
        tax_rate_bp: Set(row.tax_rate_bp),
        active: Set(true),
        sold_out: Set(false),
        version: Set(1),
        created_at: Set(row.at),
        updated_at: Set(row.at),
        deleted_at: Set(None),
        prep_secs: Set(row.prep_secs),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// The item's own fields a patch may change; `None` keeps one.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    pub category: Option<CategoryId>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub price_minor: Option<i64>,
    pub tax_rate_bp: Option<i32>,
    pub prep_secs: Option<i32>,
    pub active: Option<bool>,
}

/// What a write to an item changes besides its version, which every write
/// sets (to the one after the version read under the row's lock).
pub(crate) enum ItemUpdate<'a> {
    /// The fields given, and `updated_at`.
    Fields(Fields<'a>),
    /// The everywhere sold-out switch, and `updated_at`.
    SoldOut(bool),
    /// `updated_at` only: the change is kept elsewhere (a location's switch).
    Touch,
    /// `deleted_at`; `updated_at` stays as it was.
    Delete,
}

/// Writes `update` with `version`; returns the row.
pub(crate) async fn update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: MenuItemId,
    version: i64,
    at: DateTime<Utc>,
    update: ItemUpdate<'_>,
) -> AppResult<Item> {
    let set = |v: Option<&str>| v.map_or(NotSet, |v| Set(v.to_owned()));
    let mut row = ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        version: Set(version),
        updated_at: Set(at),
        ..Default::default()
    };
    match update {
        ItemUpdate::Fields(f) => {
            row.category_id = f.category.map_or(NotSet, |c| Set(c.as_uuid()));
            row.name = set(f.name);
            row.description = set(f.description);
            row.price_minor = f.price_minor.map_or(NotSet, Set);
            row.tax_rate_bp = f.tax_rate_bp.map_or(NotSet, Set);
            row.prep_secs = f.prep_secs.map_or(NotSet, |s| Set(Some(s)));
            row.active = f.active.map_or(NotSet, Set);
        }
        ItemUpdate::SoldOut(sold_out) => row.sold_out = Set(sold_out),
        ItemUpdate::Touch => {}
        ItemUpdate::Delete => {
            row.updated_at = NotSet;
            row.deleted_at = Set(Some(at));
        }
    }
    Ok(row.update(conn).await?.into())
}

/// Variants of many items, in display order.
pub(crate) async fn variants_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[MenuItemId],
) -> AppResult<Vec<Variant>> {
    Ok(variants::Entity::find()
        .filter(variants::Column::TenantId.eq(tenant))
        .filter(variants::Column::ItemId.is_in(items.iter().copied()))
        .order_by_asc(variants::Column::SortOrder)
        .all(conn)
        .await?
        .into_iter()
        .map(Variant::from)
        .collect())
}

/// Replaces the item's variants with `named` (name, price delta), in order.
pub(crate) async fn replace_variants(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    named: &[(String, i64)],
) -> AppResult<()> {
    variants::Entity::delete_many()
        .filter(variants::Column::TenantId.eq(tenant))
        .filter(variants::Column::ItemId.eq(item))
        .exec(conn)
        .await?;
    if named.is_empty() {
        return Ok(());
    }
    variants::Entity::insert_many(named.iter().zip(0..).map(|((name, delta), i)| {
        variants::ActiveModel {
            tenant_id: Set(tenant.as_uuid()),
            id: Set(VariantId::new().as_uuid()),
            item_id: Set(item.as_uuid()),
            name: Set(name.clone()),
            price_delta_minor: Set(*delta),
            sort_order: Set(i),
        }
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// (item, group) links of many items, in display order.
pub(crate) async fn group_links_of(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[MenuItemId],
) -> AppResult<Vec<(MenuItemId, ModifierGroupId)>> {
    Ok(links::Entity::find()
        .filter(links::Column::TenantId.eq(tenant))
        .filter(links::Column::ItemId.is_in(items.iter().copied()))
        .order_by_asc(links::Column::SortOrder)
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.item_id.into(), l.group_id.into()))
        .collect())
}

/// Replaces the item's modifier groups with `groups`, in order; a group
/// given twice keeps its first place.
pub(crate) async fn replace_group_links(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    groups: &[ModifierGroupId],
) -> AppResult<()> {
    links::Entity::delete_many()
        .filter(links::Column::TenantId.eq(tenant))
        .filter(links::Column::ItemId.eq(item))
        .exec(conn)
        .await?;
    let mut seen = HashSet::new();
    let rows: Vec<links::ActiveModel> = groups
        .iter()
        .zip(0..)
        .filter(|(g, _)| seen.insert(**g))
        .map(|(g, i)| links::ActiveModel {
            tenant_id: Set(tenant.as_uuid()),
            item_id: Set(item.as_uuid()),
            group_id: Set(g.as_uuid()),
            sort_order: Set(i),
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    links::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}
