//! Every statement on `recipe_components`, and the menu lookups a recipe's
//! owner needs.

use super::{NewComponent, RecipeComponent, RecipeOf};
use crate::inventory::items::store::item_of;
use crate::quantity::Quantity;
use entities::recipe_components::{ActiveModel, Column, Entity};
use entities::stock_items as items;
use kernel::db::sql;
use kernel::{AppResult, MenuItemId, ModifierId, RecipeId, TenantId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// The components that belong to `of`.
fn owned_by(of: RecipeOf) -> SimpleExpr {
    match of {
        RecipeOf::MenuItem(id) => Column::MenuItemId.eq(id),
        RecipeOf::Modifier(id) => Column::ModifierId.eq(id),
    }
}

#[derive(FromQueryResult)]
struct ComponentRow {
    stock_item_id: Uuid,
    sku: String,
    name: String,
    unit: items::StockUnit,
    quantity_milli: i64,
}

/// The recipe of `of`, by stock item name.
pub(crate) async fn components(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    of: RecipeOf,
) -> AppResult<Vec<RecipeComponent>> {
    Ok(Entity::find()
        .select_only()
        .columns([Column::StockItemId, Column::QuantityMilli])
        .columns([items::Column::Sku, items::Column::Name, items::Column::Unit])
        .join(
            JoinType::InnerJoin,
            item_of::<Entity>(Column::TenantId, Column::StockItemId),
        )
        .filter(Column::TenantId.eq(tenant))
        .filter(owned_by(of))
        .order_by_asc(items::Column::Name)
        .into_model::<ComponentRow>()
        .all(conn)
        .await?
        .into_iter()
        .map(|r| RecipeComponent {
            stock_item_id: r.stock_item_id.into(),
            sku: r.sku,
            name: r.name,
            unit: r.unit.into(),
            quantity: Quantity::from_milli(r.quantity_milli),
        })
        .collect())
}

/// Replaces the components of `of` with `new`.
pub(crate) async fn replace(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    of: RecipeOf,
    new: &[NewComponent],
) -> AppResult<()> {
    Entity::delete_many()
        .filter(Column::TenantId.eq(tenant))
        .filter(owned_by(of))
        .exec(conn)
        .await?;
    if new.is_empty() {
        return Ok(());
    }
    let (menu_item, modifier) = match of {
        RecipeOf::MenuItem(id) => (Some(id.as_uuid()), None),
        RecipeOf::Modifier(id) => (None, Some(id.as_uuid())),
    };
    Entity::insert_many(new.iter().map(|c| ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(RecipeId::new().as_uuid()),
        menu_item_id: Set(menu_item),
        modifier_id: Set(modifier),
        stock_item_id: Set(c.stock_item_id.as_uuid()),
        quantity_milli: Set(c.quantity.milli()),
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Whether the menu item (not deleted) or modifier `of` names exists.
pub(crate) async fn owner_exists(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    of: RecipeOf,
) -> AppResult<bool> {
    Ok(match of {
        RecipeOf::MenuItem(id) => {
            crate::inventory::items::store::menu_item_exists(conn, tenant, id).await?
        }
        RecipeOf::Modifier(id) => {
            use entities::modifiers::{Column, Entity};
            Entity::find()
                .filter(Column::TenantId.eq(tenant))
                .filter(Column::Id.eq(id))
                .one(conn)
                .await?
                .is_some()
        }
    })
}

/// A component of what was sold: of a menu item's or modifier's recipe, or
/// one of a retail item's own stock item.
#[derive(FromQueryResult)]
pub(crate) struct UsedRow {
    pub owner: Uuid,
    pub stock_item_id: Uuid,
    pub quantity_milli: i64,
}

/// The components of these menu items and modifiers, in one statement: a
/// recipe row per component, and for a retail item without a recipe one of
/// its linked stock item.
pub(crate) async fn used_by(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    menu_items: &[MenuItemId],
    modifiers: &[ModifierId],
) -> AppResult<Vec<UsedRow>> {
    Ok(UsedRow::find_by_statement(sql(
        "SELECT COALESCE(menu_item_id, modifier_id) AS owner, stock_item_id, quantity_milli
           FROM recipe_components
          WHERE tenant_id = $1 AND (menu_item_id = ANY($2) OR modifier_id = ANY($3))
         UNION ALL
         SELECT s.menu_item_id AS owner, s.id AS stock_item_id, 1000 AS quantity_milli
           FROM stock_items s
          WHERE s.tenant_id = $1 AND s.menu_item_id = ANY($2)
            AND NOT EXISTS (SELECT 1 FROM recipe_components r
                            WHERE r.tenant_id = $1 AND r.menu_item_id = s.menu_item_id)",
        [
            tenant.as_uuid().into(),
            MenuItemId::uuids(menu_items).into(),
            ModifierId::uuids(modifiers).into(),
        ],
    ))
    .all(conn)
    .await?)
}
