//! Set and read recipes, and work out what a sale consumes.

use super::{Recipe, RecipeComponents, RecipeOf, Sold, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::inventory::{READ, RECIPE, items};
use crate::quantity::Quantity;
use kernel::{AppError, AppResult, Db, RequestContext, StockItemId, TenantId};
use sea_orm::ConnectionTrait;
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

async fn load(conn: &impl ConnectionTrait, tenant: TenantId, of: RecipeOf) -> AppResult<Recipe> {
    let components = store::components(conn, tenant, of).await?;
    Ok(Recipe {
        menu_item_id: match of {
            RecipeOf::MenuItem(id) => Some(id),
            RecipeOf::Modifier(_) => None,
        },
        modifier_id: match of {
            RecipeOf::Modifier(id) => Some(id),
            RecipeOf::MenuItem(_) => None,
        },
        components,
    })
}

/// The recipe's menu item or modifier must exist (else `NOT_FOUND`).
async fn check_owner(conn: &impl ConnectionTrait, tenant: TenantId, of: RecipeOf) -> AppResult<()> {
    if !store::owner_exists(conn, tenant, of).await? {
        return Err(AppError::not_found(match of {
            RecipeOf::MenuItem(_) => "menu item",
            RecipeOf::Modifier(_) => "modifier",
        }));
    }
    Ok(())
}

fn owner_id(of: RecipeOf) -> Uuid {
    match of {
        RecipeOf::MenuItem(id) => id.as_uuid(),
        RecipeOf::Modifier(id) => id.as_uuid(),
    }
}

/// Replaces the recipe of a menu item or modifier; no components clears it.
pub async fn set(
    db: &Db,
    ctx: &RequestContext,
    of: RecipeOf,
    input: RecipeComponents,
) -> AppResult<Recipe> {
    let unit = Unit::begin(db, ctx, RECIPE).await?;
    let components = input.components;
    if components.len() > 100 {
        return Err(AppError::invalid_field(
            "components",
            "at most 100 components",
        ));
    }
    let mut seen = HashSet::new();
    for (i, c) in components.iter().enumerate() {
        c.quantity.positive(&format!("components[{i}].quantity"))?;
        if !seen.insert(c.stock_item_id) {
            return Err(AppError::invalid_field(
                &format!("components[{i}].stockItemId"),
                "appears twice",
            ));
        }
    }
    check_owner(&*unit, unit.tenant, of).await?;
    for (i, c) in components.iter().enumerate() {
        let field = format!("components[{i}].stockItemId");
        items::referenced(&*unit, unit.tenant, &field, c.stock_item_id).await?;
    }
    let before = load(&*unit, unit.tenant, of).await?;
    store::replace(&*unit, unit.tenant, of, &components).await?;
    let after = load(&*unit, unit.tenant, of).await?;
    unit.commit_with(
        Change::updated(
            "inventory.recipe.set",
            "recipe",
            owner_id(of),
            &before,
            &after,
        )?,
        after,
    )
    .await
}

pub async fn get(db: &Db, ctx: &RequestContext, of: RecipeOf) -> AppResult<Recipe> {
    let unit = Unit::begin(db, ctx, READ).await?;
    check_owner(&*unit, unit.tenant, of).await?;
    let recipe = load(&*unit, unit.tenant, of).await?;
    unit.commit(recipe).await
}

/// What `sold` consumes, per stock item, in one statement.
pub async fn consumption(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    sold: &[Sold],
) -> AppResult<BTreeMap<StockItemId, Quantity>> {
    let items: Vec<_> = sold.iter().map(|s| s.menu_item_id).collect();
    let modifiers: Vec<_> = sold.iter().flat_map(|s| s.modifier_ids.clone()).collect();
    let rows = store::used_by(conn, tenant, &items, &modifiers).await?;
    let mut total: BTreeMap<StockItemId, Quantity> = BTreeMap::new();
    for line in sold {
        for row in rows.iter().filter(|r| {
            r.owner == line.menu_item_id.as_uuid()
                || line.modifier_ids.iter().any(|m| m.as_uuid() == r.owner)
        }) {
            let used = Quantity::from_milli(row.quantity_milli).checked_mul_units(line.quantity)?;
            let entry = total.entry(row.stock_item_id.into()).or_default();
            *entry = entry.checked_add(used)?;
        }
    }
    Ok(total)
}
