//! Stock items (what is counted: beans, milk, bottles) and their levels.

use super::{ITEM_WRITE, READ, StockUnit};
use crate::audit::service::{Change, record_change};
use crate::pagination::{Page, PageRequest};
use crate::quantity::Quantity;
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, ErrorCode, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockItem {
    pub id: Uuid,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    /// Set for retail goods: selling this menu item uses one of this stock item.
    pub menu_item_id: Option<Uuid>,
    pub active: bool,
    /// Bumped by every change; pass it back to update against what you saw.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct ItemRow {
    id: Uuid,
    sku: String,
    name: String,
    unit: String,
    menu_item_id: Option<Uuid>,
    active: bool,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<ItemRow> for StockItem {
    type Error = AppError;
    fn try_from(r: ItemRow) -> AppResult<Self> {
        Ok(Self {
            unit: StockUnit::parse(&r.unit)
                .ok_or_else(|| AppError::internal(format!("unknown unit {}", r.unit)))?,
            id: r.id,
            sku: r.sku,
            name: r.name,
            menu_item_id: r.menu_item_id,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const ITEM_COLUMNS: &str =
    "id, sku, name, unit, menu_item_id, active, version, created_at, updated_at";

/// How much of a stock item one location holds.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockLevel {
    pub stock_item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    pub location_id: Uuid,
    /// The last count plus every movement after it.
    pub on_hand: Quantity,
    /// At or below this, the level is low and an alert goes out.
    pub reorder_point: Option<Quantity>,
    pub low: bool,
    pub last_counted_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct LevelRow {
    stock_item_id: Uuid,
    sku: String,
    name: String,
    unit: String,
    location_id: Uuid,
    on_hand_milli: i64,
    reorder_point_milli: Option<i64>,
    last_count_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
}

impl TryFrom<LevelRow> for StockLevel {
    type Error = AppError;
    fn try_from(r: LevelRow) -> AppResult<Self> {
        let on_hand = Quantity::from_milli(r.on_hand_milli);
        let reorder_point = r.reorder_point_milli.map(Quantity::from_milli);
        Ok(Self {
            unit: StockUnit::parse(&r.unit)
                .ok_or_else(|| AppError::internal(format!("unknown unit {}", r.unit)))?,
            low: reorder_point.is_some_and(|p| on_hand <= p),
            stock_item_id: r.stock_item_id,
            sku: r.sku,
            name: r.name,
            location_id: r.location_id,
            on_hand,
            reorder_point,
            last_counted_at: r.last_count_at,
            updated_at: r.updated_at,
        })
    }
}

fn check_sku(raw: &str) -> AppResult<String> {
    let sku = raw.trim();
    if sku.is_empty()
        || sku.len() > 64
        || !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(AppError::invalid_field(
            "sku",
            "must be 1 to 64 letters, digits, dashes, dots or underscores",
        ));
    }
    Ok(sku.to_owned())
}

fn check_name(raw: &str) -> AppResult<String> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 200 characters",
        ));
    }
    Ok(value.to_owned())
}

fn taken(e: sea_orm::DbErr) -> AppError {
    let err = AppError::from(e);
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("a stock item with that SKU, or for that menu item, exists")
    } else {
        err
    }
}

pub(crate) async fn find(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
) -> AppResult<StockItem> {
    ItemRow::find_by_statement(sql(
        &format!("SELECT {ITEM_COLUMNS} FROM stock_items WHERE tenant_id = $1 AND id = $2"),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("stock item"))?
    .try_into()
}

/// A stock item named in an input: unknown is `VALIDATION` on `field`.
pub(crate) async fn referenced(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    field: &str,
    id: Uuid,
) -> AppResult<StockItem> {
    find(tx, tenant, id)
        .await
        .map_err(|_| AppError::invalid_field(field, "no such stock item"))
}

async fn check_menu_item(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    menu_item: Option<Uuid>,
) -> AppResult<()> {
    if let Some(id) = menu_item {
        let found = tx
            .query_one_raw(sql(
                "SELECT 1 AS ok FROM menu_items WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
                [tenant.as_uuid().into(), id.into()],
            ))
            .await?;
        if found.is_none() {
            return Err(AppError::invalid_field("menuItemId", "no such menu item"));
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NewStockItem {
    pub sku: String,
    pub name: String,
    pub unit: StockUnit,
    pub menu_item_id: Option<Uuid>,
}

pub async fn create(db: &Db, ctx: &RequestContext, input: NewStockItem) -> AppResult<StockItem> {
    let tenant = ctx.require(ITEM_WRITE)?;
    let sku = check_sku(&input.sku)?;
    let name = check_name(&input.name)?;
    let tx = db.tenant_tx(tenant).await?;
    check_menu_item(&tx, tenant, input.menu_item_id).await?;
    let id = Uuid::now_v7();
    tx.execute_raw(sql(
        "INSERT INTO stock_items (tenant_id, id, sku, name, unit, menu_item_id) VALUES ($1, $2, $3, $4, $5, $6)",
        [
            tenant.as_uuid().into(),
            id.into(),
            sku.into(),
            name.into(),
            input.unit.as_str().into(),
            input.menu_item_id.into(),
        ],
    ))
    .await
    .map_err(taken)?;
    let item = find(&tx, tenant, id).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "inventory.item.created",
            entity: "stock_item",
            id,
            before: None,
            after: Some(serde_json::to_value(&item)?),
            event: None,
            version: item.version,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(item)
}

#[derive(Debug, Clone, Default)]
pub struct StockItemPatch {
    pub expected_version: Option<i64>,
    pub name: Option<String>,
    /// `Some(None)` unlinks the menu item.
    pub menu_item_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
}

pub async fn update(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    patch: StockItemPatch,
) -> AppResult<StockItem> {
    let tenant = ctx.require(ITEM_WRITE)?;
    let name = patch.name.as_deref().map(check_name).transpose()?;
    let tx = db.tenant_tx(tenant).await?;
    let before = find(&tx, tenant, id).await?;
    if let Some(expected) = patch.expected_version
        && expected != before.version
    {
        return Err(
            AppError::conflict("the stock item changed since you read it").with_details(
                json!({ "expectedVersion": expected, "currentVersion": before.version }),
            ),
        );
    }
    if let Some(link) = patch.menu_item_id {
        check_menu_item(&tx, tenant, link).await?;
    }
    tx.execute_raw(sql(
        "UPDATE stock_items SET name = COALESCE($3, name),
           menu_item_id = CASE WHEN $4 THEN $5 ELSE menu_item_id END,
           active = COALESCE($6, active), version = version + 1, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
        [
            tenant.as_uuid().into(),
            id.into(),
            name.into(),
            patch.menu_item_id.is_some().into(),
            patch.menu_item_id.flatten().into(),
            patch.active.into(),
        ],
    ))
    .await
    .map_err(taken)?;
    let after = find(&tx, tenant, id).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "inventory.item.updated",
            entity: "stock_item",
            id,
            before: Some(serde_json::to_value(&before)?),
            after: Some(serde_json::to_value(&after)?),
            event: None,
            version: after.version,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn get(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<StockItem> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let item = find(&tx, tenant, id).await?;
    tx.commit().await?;
    Ok(item)
}

pub async fn list(db: &Db, ctx: &RequestContext, page: PageRequest) -> AppResult<Page<StockItem>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = ItemRow::find_by_statement(sql(
        &format!(
            "SELECT {ITEM_COLUMNS} FROM stock_items WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2)
             ORDER BY id LIMIT $3"
        ),
        [tenant.as_uuid().into(), page.after.into(), page.fetch_limit().into()],
    ))
    .all(&tx)
    .await?
    .into_iter()
    .map(StockItem::try_from)
    .collect::<AppResult<Vec<_>>>()?;
    tx.commit().await?;
    Ok(page.finish(rows, |i| i.id))
}

const LEVEL_SELECT: &str = "SELECT i.id AS stock_item_id, i.sku, i.name, i.unit, loc.id AS location_id,
       COALESCE(l.on_hand_milli, 0) AS on_hand_milli, l.reorder_point_milli, l.last_count_at, l.updated_at
     FROM stock_items i
     JOIN locations loc ON loc.tenant_id = i.tenant_id
     LEFT JOIN stock_levels l
       ON l.tenant_id = i.tenant_id AND l.stock_item_id = i.id AND l.location_id = loc.id";

pub(crate) async fn level_in(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    item: Uuid,
    location: Uuid,
) -> AppResult<StockLevel> {
    LevelRow::find_by_statement(sql(
        &format!("{LEVEL_SELECT} WHERE i.tenant_id = $1 AND i.id = $2 AND loc.id = $3"),
        [tenant.as_uuid().into(), item.into(), location.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("stock level"))?
    .try_into()
}

/// Levels: of every active item at `location`, of `item` everywhere, or both;
/// `low_only` keeps those at or below their reorder point.
pub async fn levels(
    db: &Db,
    ctx: &RequestContext,
    location: Option<Uuid>,
    item: Option<Uuid>,
    low_only: bool,
) -> AppResult<Vec<StockLevel>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = LevelRow::find_by_statement(sql(
        &format!(
            "{LEVEL_SELECT} WHERE i.tenant_id = $1 AND ($2::uuid IS NULL OR loc.id = $2)
               AND ($3::uuid IS NULL OR i.id = $3) AND (i.active OR $3 IS NOT NULL)
               AND (NOT $4 OR l.on_hand_milli <= l.reorder_point_milli)
             ORDER BY i.name, i.id, loc.name"
        ),
        [
            tenant.as_uuid().into(),
            location.into(),
            item.into(),
            low_only.into(),
        ],
    ))
    .all(&tx)
    .await?
    .into_iter()
    .map(StockLevel::try_from)
    .collect::<AppResult<Vec<_>>>()?;
    tx.commit().await?;
    Ok(rows)
}

/// Sets (or with `None` clears) the level below which `item` is low at `location`.
pub async fn set_reorder_point(
    db: &Db,
    ctx: &RequestContext,
    item: Uuid,
    location: Uuid,
    point: Option<Quantity>,
) -> AppResult<StockLevel> {
    let tenant = ctx.require(ITEM_WRITE)?;
    if point.is_some_and(|p| p.milli() < 0) {
        return Err(AppError::invalid_field("reorderPoint", "must be 0 or more"));
    }
    let tx = db.tenant_tx(tenant).await?;
    find(&tx, tenant, item).await?;
    // The level is addressed by item and location (a REST path), so an
    // unknown location is a missing level, not a bad field.
    crate::locations::service::find(&tx, tenant, location.into()).await?;
    let before = level_in(&tx, tenant, item, location).await?;
    tx.execute_raw(sql(
        "INSERT INTO stock_levels (tenant_id, stock_item_id, location_id, reorder_point_milli) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, stock_item_id, location_id)
         DO UPDATE SET reorder_point_milli = EXCLUDED.reorder_point_milli, updated_at = now()",
        [
            tenant.as_uuid().into(),
            item.into(),
            location.into(),
            point.map(Quantity::milli).into(),
        ],
    ))
    .await?;
    let after = level_in(&tx, tenant, item, location).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "inventory.reorder_point.set",
            entity: "stock_item",
            id: item,
            before: Some(json!({ "locationId": location, "reorderPoint": before.reorder_point })),
            after: Some(json!({ "locationId": location, "reorderPoint": after.reorder_point })),
            event: None,
            version: 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
