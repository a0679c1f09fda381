//! Recipes: which stock items, and how much of each, selling a menu item
//! (or choosing a modifier, such as oat milk) consumes. A retail item with
//! no recipe consumes one of the stock item linked to it.

use super::{READ, RECIPE, StockUnit};
use crate::audit::service::{Change, record_change};
use crate::quantity::Quantity;
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use uuid::Uuid;

/// What a recipe belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipeOf {
    MenuItem(Uuid),
    Modifier(Uuid),
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecipeComponent {
    pub stock_item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    /// Consumed per one sold.
    pub quantity: Quantity,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Recipe {
    pub menu_item_id: Option<Uuid>,
    pub modifier_id: Option<Uuid>,
    pub components: Vec<RecipeComponent>,
}

#[derive(Debug, Clone)]
pub struct NewComponent {
    pub stock_item_id: Uuid,
    pub quantity: Quantity,
}

#[derive(FromQueryResult)]
struct ComponentRow {
    stock_item_id: Uuid,
    sku: String,
    name: String,
    unit: String,
    quantity_milli: i64,
}

fn columns(of: RecipeOf) -> (&'static str, Uuid) {
    match of {
        RecipeOf::MenuItem(id) => ("menu_item_id", id),
        RecipeOf::Modifier(id) => ("modifier_id", id),
    }
}

async fn load(tx: &DatabaseTransaction, tenant: TenantId, of: RecipeOf) -> AppResult<Recipe> {
    let (column, id) = columns(of);
    let rows = ComponentRow::find_by_statement(sql(
        &format!(
            "SELECT r.stock_item_id, i.sku, i.name, i.unit, r.quantity_milli
             FROM recipe_components r JOIN stock_items i ON i.tenant_id = r.tenant_id AND i.id = r.stock_item_id
             WHERE r.tenant_id = $1 AND r.{column} = $2 ORDER BY i.name"
        ),
        [tenant.as_uuid().into(), id.into()],
    ))
    .all(tx)
    .await?;
    let components = rows
        .into_iter()
        .map(|r| {
            Ok(RecipeComponent {
                unit: StockUnit::parse(&r.unit)
                    .ok_or_else(|| AppError::internal(format!("unknown unit {}", r.unit)))?,
                stock_item_id: r.stock_item_id,
                sku: r.sku,
                name: r.name,
                quantity: Quantity::from_milli(r.quantity_milli),
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Recipe {
        menu_item_id: matches!(of, RecipeOf::MenuItem(_)).then_some(id),
        modifier_id: matches!(of, RecipeOf::Modifier(_)).then_some(id),
        components,
    })
}

/// The recipe's menu item or modifier must exist (else `NOT_FOUND`).
async fn check_target(tx: &DatabaseTransaction, tenant: TenantId, of: RecipeOf) -> AppResult<()> {
    let (query, what) = match of {
        RecipeOf::MenuItem(_) => (
            "SELECT 1 AS ok FROM menu_items WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
            "menu item",
        ),
        RecipeOf::Modifier(_) => (
            "SELECT 1 AS ok FROM modifiers WHERE tenant_id = $1 AND id = $2",
            "modifier",
        ),
    };
    let (_, id) = columns(of);
    if tx
        .query_one_raw(sql(query, [tenant.as_uuid().into(), id.into()]))
        .await?
        .is_none()
    {
        return Err(AppError::not_found(what));
    }
    Ok(())
}

/// Replaces the recipe of a menu item or modifier; no components clears it.
pub async fn set(
    db: &Db,
    ctx: &RequestContext,
    of: RecipeOf,
    components: Vec<NewComponent>,
) -> AppResult<Recipe> {
    let tenant = ctx.require(RECIPE)?;
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
    let tx = db.tenant_tx(tenant).await?;
    check_target(&tx, tenant, of).await?;
    for (i, c) in components.iter().enumerate() {
        super::items::referenced(
            &tx,
            tenant,
            &format!("components[{i}].stockItemId"),
            c.stock_item_id,
        )
        .await?;
    }
    let before = load(&tx, tenant, of).await?;
    let (column, id) = columns(of);
    tx.execute_raw(sql(
        &format!("DELETE FROM recipe_components WHERE tenant_id = $1 AND {column} = $2"),
        [tenant.as_uuid().into(), id.into()],
    ))
    .await?;
    for c in &components {
        tx.execute_raw(sql(
            &format!(
                "INSERT INTO recipe_components (tenant_id, id, {column}, stock_item_id, quantity_milli) VALUES ($1, $2, $3, $4, $5)"
            ),
            [
                tenant.as_uuid().into(),
                Uuid::now_v7().into(),
                id.into(),
                c.stock_item_id.into(),
                c.quantity.milli().into(),
            ],
        ))
        .await?;
    }
    let after = load(&tx, tenant, of).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "inventory.recipe.set",
            entity: "recipe",
            id,
            before: Some(serde_json::to_value(&before)?),
            after: Some(serde_json::to_value(&after)?),
            event: None,
            version: 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn get(db: &Db, ctx: &RequestContext, of: RecipeOf) -> AppResult<Recipe> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    check_target(&tx, tenant, of).await?;
    let recipe = load(&tx, tenant, of).await?;
    tx.commit().await?;
    Ok(recipe)
}

/// One sold line, as the stock consumer sees it.
#[derive(Debug, Clone)]
pub struct Sold {
    pub menu_item_id: Uuid,
    pub modifier_ids: Vec<Uuid>,
    pub quantity: i64,
}

/// What `sold` consumes, per stock item, in two statements.
pub async fn consumption(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    sold: &[Sold],
) -> AppResult<BTreeMap<Uuid, Quantity>> {
    #[derive(FromQueryResult)]
    struct Row {
        owner: Uuid,
        stock_item_id: Uuid,
        quantity_milli: i64,
    }
    let items: Vec<Uuid> = sold.iter().map(|s| s.menu_item_id).collect();
    let modifiers: Vec<Uuid> = sold.iter().flat_map(|s| s.modifier_ids.clone()).collect();
    // A recipe row per component; a retail item without a recipe stands for
    // one of itself.
    let rows = Row::find_by_statement(sql(
        "SELECT COALESCE(menu_item_id, modifier_id) AS owner, stock_item_id, quantity_milli
           FROM recipe_components
          WHERE tenant_id = $1 AND (menu_item_id = ANY($2) OR modifier_id = ANY($3))
         UNION ALL
         SELECT s.menu_item_id AS owner, s.id AS stock_item_id, 1000 AS quantity_milli
           FROM stock_items s
          WHERE s.tenant_id = $1 AND s.menu_item_id = ANY($2)
            AND NOT EXISTS (SELECT 1 FROM recipe_components r
                            WHERE r.tenant_id = $1 AND r.menu_item_id = s.menu_item_id)",
        [tenant.as_uuid().into(), items.into(), modifiers.into()],
    ))
    .all(tx)
    .await?;
    let mut total: BTreeMap<Uuid, Quantity> = BTreeMap::new();
    for line in sold {
        for row in rows
            .iter()
            .filter(|r| r.owner == line.menu_item_id || line.modifier_ids.contains(&r.owner))
        {
            let used = Quantity::from_milli(row.quantity_milli).checked_mul_units(line.quantity)?;
            let entry = total.entry(row.stock_item_id).or_default();
            *entry = entry.checked_add(used)?;
        }
    }
    Ok(total)
}
