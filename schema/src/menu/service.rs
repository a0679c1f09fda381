use crate::audit::service::{Change, record_change};
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Currency, Db, ErrorCode, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

const READ: &str = "menu.catalog.read";
const WRITE: &str = "menu.catalog.write";
const AVAILABILITY: &str = "menu.availability.write";

#[derive(Debug, Clone, Serialize, Deserialize, FromQueryResult, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub id: Uuid,
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Something the business sells. Prices are minor units of `currency`; tax
/// is in basis points (2000 = 20 %).
#[derive(Debug, Clone, Serialize, Deserialize, FromQueryResult, async_graphql::SimpleObject)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    pub id: Uuid,
    pub category_id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: String,
    pub price_minor: i64,
    pub currency: String,
    pub tax_rate_bp: i32,
    pub active: bool,
    pub sold_out: bool,
    /// Bumped by every change; pass it back to update against what you saw.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, FromQueryResult, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Variant {
    pub id: Uuid,
    #[graphql(skip)]
    #[serde(skip)]
    pub item_id: Uuid,
    pub name: String,
    pub price_delta_minor: i64,
    pub sort_order: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, FromQueryResult, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Modifier {
    pub id: Uuid,
    #[graphql(skip)]
    #[serde(skip)]
    pub group_id: Uuid,
    pub name: String,
    pub price_delta_minor: i64,
    pub sort_order: i32,
}

/// A choice offered with items ("Milk", "Extras"): between `minSelect` and
/// `maxSelect` of its modifiers.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct ModifierGroup {
    pub id: Uuid,
    pub name: String,
    pub min_select: i32,
    pub max_select: i32,
    pub modifiers: Vec<Modifier>,
}

const ITEM_COLUMNS: &str = "id, category_id, sku, name, description, price_minor, currency, tax_rate_bp, active, sold_out, version, created_at, updated_at";
const CATEGORY_COLUMNS: &str = "id, name, sort_order, active, created_at, updated_at";

fn name(field: &str, raw: &str, max: usize) -> AppResult<String> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::invalid_field(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

fn conflict_on(field: &'static str, message: &'static str) -> impl Fn(sea_orm::DbErr) -> AppError {
    move |e| {
        let err = AppError::from(e);
        if err.code() == ErrorCode::Conflict {
            AppError::conflict(message).with_details(json!({ "fields": { field: "is taken" } }))
        } else {
            err
        }
    }
}

// ---------------------------------------------------------------- categories

pub async fn list_categories(db: &Db, ctx: &RequestContext) -> AppResult<Vec<Category>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = Category::find_by_statement(sql(
        &format!("SELECT {CATEGORY_COLUMNS} FROM menu_categories WHERE tenant_id = $1 ORDER BY sort_order, name"),
        [tenant.as_uuid().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

async fn find_category(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
) -> AppResult<Category> {
    Category::find_by_statement(sql(
        &format!("SELECT {CATEGORY_COLUMNS} FROM menu_categories WHERE tenant_id = $1 AND id = $2"),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("menu category"))
}

pub async fn create_category(
    db: &Db,
    ctx: &RequestContext,
    raw_name: &str,
    sort_order: i32,
) -> AppResult<Category> {
    let tenant = ctx.require(WRITE)?;
    let category_name = name("name", raw_name, 100)?;
    let id = Uuid::now_v7();
    let tx = db.tenant_tx(tenant).await?;
    tx.execute_raw(sql(
        "INSERT INTO menu_categories (tenant_id, id, name, sort_order) VALUES ($1, $2, $3, $4)",
        [
            tenant.as_uuid().into(),
            id.into(),
            category_name.into(),
            sort_order.into(),
        ],
    ))
    .await
    .map_err(conflict_on("name", "a category with that name exists"))?;
    let category = find_category(&tx, tenant, id).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "menu.category.created",
            entity: "menu_category",
            id,
            before: None,
            after: Some(serde_json::to_value(&category)?),
            event: None,
            version: 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(category)
}

pub async fn update_category(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    new_name: Option<&str>,
    sort_order: Option<i32>,
    active: Option<bool>,
) -> AppResult<Category> {
    let tenant = ctx.require(WRITE)?;
    let new_name = new_name.map(|n| name("name", n, 100)).transpose()?;
    let tx = db.tenant_tx(tenant).await?;
    let before = find_category(&tx, tenant, id).await?;
    tx.execute_raw(sql(
        "UPDATE menu_categories SET name = COALESCE($3, name), sort_order = COALESCE($4, sort_order),
           active = COALESCE($5, active), updated_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), id.into(), new_name.into(), sort_order.into(), active.into()],
    ))
    .await
    .map_err(conflict_on("name", "a category with that name exists"))?;
    let after = find_category(&tx, tenant, id).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "menu.category.updated",
            entity: "menu_category",
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

// ---------------------------------------------------------------- modifier groups

#[derive(Debug, Clone)]
pub struct NewModifier {
    pub name: String,
    pub price_delta_minor: i64,
}

pub async fn create_modifier_group(
    db: &Db,
    ctx: &RequestContext,
    group_name: &str,
    min_select: i32,
    max_select: i32,
    modifiers: Vec<NewModifier>,
) -> AppResult<ModifierGroup> {
    let tenant = ctx.require(WRITE)?;
    let group_name = name("name", group_name, 100)?;
    if min_select < 0 {
        return Err(AppError::invalid_field("minSelect", "must be 0 or more"));
    }
    if max_select < 1 || max_select < min_select {
        return Err(AppError::invalid_field(
            "maxSelect",
            "must be at least 1 and at least minSelect",
        ));
    }
    if modifiers.is_empty() || modifiers.len() > 100 {
        return Err(AppError::invalid_field(
            "modifiers",
            "give 1 to 100 modifiers",
        ));
    }
    if usize::try_from(min_select).unwrap_or(usize::MAX) > modifiers.len() {
        return Err(AppError::invalid_field(
            "minSelect",
            "is more than the modifiers offered",
        ));
    }
    let id = Uuid::now_v7();
    let tx = db.tenant_tx(tenant).await?;
    tx.execute_raw(sql(
        "INSERT INTO modifier_groups (tenant_id, id, name, min_select, max_select) VALUES ($1, $2, $3, $4, $5)",
        [tenant.as_uuid().into(), id.into(), group_name.into(), min_select.into(), max_select.into()],
    ))
    .await?;
    for (i, m) in modifiers.iter().enumerate() {
        tx.execute_raw(sql(
            "INSERT INTO modifiers (tenant_id, id, group_id, name, price_delta_minor, sort_order) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                tenant.as_uuid().into(),
                Uuid::now_v7().into(),
                id.into(),
                name(&format!("modifiers[{i}].name"), &m.name, 100)?.into(),
                m.price_delta_minor.into(),
                i32::try_from(i).unwrap_or(i32::MAX).into(),
            ],
        ))
        .await?;
    }
    let group = groups_by_ids(&tx, tenant, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("group vanished"))?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "menu.modifier_group.created",
            entity: "modifier_group",
            id,
            before: None,
            after: Some(serde_json::to_value(&group)?),
            event: None,
            version: 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(group)
}

async fn groups_by_ids(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    ids: &[Uuid],
) -> AppResult<Vec<ModifierGroup>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: Uuid,
        name: String,
        min_select: i32,
        max_select: i32,
    }
    let groups = Row::find_by_statement(sql(
        "SELECT id, name, min_select, max_select FROM modifier_groups WHERE tenant_id = $1 AND id = ANY($2) ORDER BY name",
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(tx)
    .await?;
    let modifiers = Modifier::find_by_statement(sql(
        "SELECT id, group_id, name, price_delta_minor, sort_order FROM modifiers WHERE tenant_id = $1 AND group_id = ANY($2) ORDER BY sort_order",
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(tx)
    .await?;
    Ok(groups
        .into_iter()
        .map(|g| ModifierGroup {
            modifiers: modifiers
                .iter()
                .filter(|m| m.group_id == g.id)
                .cloned()
                .collect(),
            id: g.id,
            name: g.name,
            min_select: g.min_select,
            max_select: g.max_select,
        })
        .collect())
}

pub async fn list_modifier_groups(db: &Db, ctx: &RequestContext) -> AppResult<Vec<ModifierGroup>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let ids: Vec<Uuid> = tx
        .query_all_raw(sql(
            "SELECT id FROM modifier_groups WHERE tenant_id = $1",
            [tenant.as_uuid().into()],
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<Uuid>("", "id"))
        .collect::<Result<_, _>>()?;
    let groups = groups_by_ids(&tx, tenant, &ids).await?;
    tx.commit().await?;
    Ok(groups)
}

// ---------------------------------------------------------------- items

#[derive(Debug, Clone)]
pub struct NewVariant {
    pub name: String,
    pub price_delta_minor: i64,
}

#[derive(Debug, Clone)]
pub struct NewItem {
    pub category_id: Uuid,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub price_minor: i64,
    pub currency: String,
    pub tax_rate_bp: i32,
    pub variants: Vec<NewVariant>,
    pub modifier_group_ids: Vec<Uuid>,
}

/// 100,000,000.00 in minor units: beyond any menu price, well inside i64 sums.
const MAX_PRICE_MINOR: i64 = 10_000_000_000;

fn check_price(field: &str, minor: i64) -> AppResult<()> {
    if !(0..=MAX_PRICE_MINOR).contains(&minor) {
        return Err(AppError::invalid_field(
            field,
            "must be between 0 and 100,000,000.00",
        ));
    }
    Ok(())
}

fn check_tax(bp: i32) -> AppResult<()> {
    if !(0..=10_000).contains(&bp) {
        return Err(AppError::invalid_field(
            "taxRateBp",
            "must be between 0 and 10000 basis points",
        ));
    }
    Ok(())
}

fn check_sku(raw: &str) -> AppResult<String> {
    let sku = raw.trim().to_owned();
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
    Ok(sku)
}

async fn find_item(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> AppResult<Item> {
    Item::find_by_statement(sql(
        &format!(
            "SELECT {ITEM_COLUMNS} FROM menu_items WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL{}",
            if lock { " FOR UPDATE" } else { "" }
        ),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("menu item"))
}

/// Checks that referenced categories and modifier groups are this tenant's (else `VALIDATION`).
async fn check_refs(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    category: Option<Uuid>,
    groups: &[Uuid],
) -> AppResult<()> {
    if let Some(category) = category
        && find_category(tx, tenant, category).await.is_err()
    {
        return Err(AppError::invalid_field("categoryId", "no such category"));
    }
    let unique: HashSet<Uuid> = groups.iter().copied().collect();
    let found = groups_by_ids(tx, tenant, &unique.iter().copied().collect::<Vec<_>>()).await?;
    if found.len() != unique.len() {
        return Err(AppError::invalid_field(
            "modifierGroupIds",
            "unknown modifier group",
        ));
    }
    Ok(())
}

async fn replace_children(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    item: Uuid,
    variants: Option<&[NewVariant]>,
    groups: Option<&[Uuid]>,
) -> AppResult<()> {
    if let Some(variants) = variants {
        let mut names = HashSet::new();
        for (i, v) in variants.iter().enumerate() {
            let n = name(&format!("variants[{i}].name"), &v.name, 100)?;
            if !names.insert(n.to_lowercase()) {
                return Err(AppError::invalid_field(
                    "variants",
                    format!("{n} appears twice"),
                ));
            }
        }
        tx.execute_raw(sql(
            "DELETE FROM menu_item_variants WHERE tenant_id = $1 AND item_id = $2",
            [tenant.as_uuid().into(), item.into()],
        ))
        .await?;
        for (i, v) in variants.iter().enumerate() {
            tx.execute_raw(sql(
                "INSERT INTO menu_item_variants (tenant_id, id, item_id, name, price_delta_minor, sort_order) VALUES ($1, $2, $3, $4, $5, $6)",
                [
                    tenant.as_uuid().into(),
                    Uuid::now_v7().into(),
                    item.into(),
                    v.name.trim().to_owned().into(),
                    v.price_delta_minor.into(),
                    i32::try_from(i).unwrap_or(i32::MAX).into(),
                ],
            ))
            .await?;
        }
    }
    if let Some(groups) = groups {
        tx.execute_raw(sql(
            "DELETE FROM menu_item_modifier_groups WHERE tenant_id = $1 AND item_id = $2",
            [tenant.as_uuid().into(), item.into()],
        ))
        .await?;
        for (i, g) in groups.iter().enumerate() {
            tx.execute_raw(sql(
                "INSERT INTO menu_item_modifier_groups (tenant_id, item_id, group_id, sort_order) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                [tenant.as_uuid().into(), item.into(), (*g).into(), i32::try_from(i).unwrap_or(i32::MAX).into()],
            ))
            .await?;
        }
    }
    Ok(())
}

pub async fn create_item(db: &Db, ctx: &RequestContext, input: NewItem) -> AppResult<Item> {
    let tenant = ctx.require(WRITE)?;
    let sku = check_sku(&input.sku)?;
    let item_name = name("name", &input.name, 200)?;
    check_price("priceMinor", input.price_minor)?;
    let currency = Currency::parse("currency", &input.currency)?;
    check_tax(input.tax_rate_bp)?;
    let id = Uuid::now_v7();
    let tx = db.tenant_tx(tenant).await?;
    check_refs(
        &tx,
        tenant,
        Some(input.category_id),
        &input.modifier_group_ids,
    )
    .await?;
    tx.execute_raw(sql(
        "INSERT INTO menu_items (tenant_id, id, category_id, sku, name, description, price_minor, currency, tax_rate_bp)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        [
            tenant.as_uuid().into(),
            id.into(),
            input.category_id.into(),
            sku.into(),
            item_name.into(),
            input.description.unwrap_or_default().into(),
            input.price_minor.into(),
            currency.as_str().to_owned().into(),
            input.tax_rate_bp.into(),
        ],
    ))
    .await
    .map_err(conflict_on("sku", "an item with that SKU exists"))?;
    replace_children(
        &tx,
        tenant,
        id,
        Some(&input.variants),
        Some(&input.modifier_group_ids),
    )
    .await?;
    let item = find_item(&tx, tenant, id, false).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "menu.item.created",
            entity: "menu_item",
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
pub struct ItemPatch {
    /// The version the caller saw; a stale one is `CONFLICT`.
    pub expected_version: Option<i64>,
    pub category_id: Option<Uuid>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub price_minor: Option<i64>,
    pub tax_rate_bp: Option<i32>,
    pub active: Option<bool>,
    pub variants: Option<Vec<NewVariant>>,
    pub modifier_group_ids: Option<Vec<Uuid>>,
}

pub async fn update_item(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    patch: ItemPatch,
) -> AppResult<Item> {
    let tenant = ctx.require(WRITE)?;
    let new_name = patch
        .name
        .as_deref()
        .map(|n| name("name", n, 200))
        .transpose()?;
    if let Some(p) = patch.price_minor {
        check_price("priceMinor", p)?;
    }
    if let Some(t) = patch.tax_rate_bp {
        check_tax(t)?;
    }
    let tx = db.tenant_tx(tenant).await?;
    let before = find_item(&tx, tenant, id, true).await?;
    if let Some(expected) = patch.expected_version
        && expected != before.version
    {
        return Err(
            AppError::conflict("the item changed since you read it").with_details(
                json!({ "expectedVersion": expected, "currentVersion": before.version }),
            ),
        );
    }
    check_refs(
        &tx,
        tenant,
        patch.category_id,
        patch.modifier_group_ids.as_deref().unwrap_or_default(),
    )
    .await?;
    tx.execute_raw(sql(
        "UPDATE menu_items SET category_id = COALESCE($3, category_id), name = COALESCE($4, name),
           description = COALESCE($5, description), price_minor = COALESCE($6, price_minor),
           tax_rate_bp = COALESCE($7, tax_rate_bp), active = COALESCE($8, active),
           version = version + 1, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
        [
            tenant.as_uuid().into(),
            id.into(),
            patch.category_id.into(),
            new_name.into(),
            patch.description.into(),
            patch.price_minor.into(),
            patch.tax_rate_bp.into(),
            patch.active.into(),
        ],
    ))
    .await?;
    replace_children(
        &tx,
        tenant,
        id,
        patch.variants.as_deref(),
        patch.modifier_group_ids.as_deref(),
    )
    .await?;
    let after = find_item(&tx, tenant, id, false).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "menu.item.updated",
            entity: "menu_item",
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

/// Marks an item sold out (or back), everywhere or at one location:
/// terminals and screens hear of it at once.
pub async fn set_availability(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    sold_out: bool,
    location: Option<Uuid>,
) -> AppResult<Item> {
    let tenant = ctx.require(AVAILABILITY)?;
    let tx = db.tenant_tx(tenant).await?;
    let before = find_item(&tx, tenant, id, true).await?;
    let was_sold_out = match location {
        None => before.sold_out,
        Some(location) => {
            crate::locations::service::referenced(&tx, tenant, "locationId", location.into())
                .await?;
            sold_out_at(&tx, tenant, &[id])
                .await?
                .iter()
                .any(|(_, l)| *l == location)
        }
    };
    if was_sold_out == sold_out {
        tx.commit().await?;
        return Ok(before);
    }
    match location {
        None => {
            tx.execute_raw(sql(
                "UPDATE menu_items SET sold_out = $3 WHERE tenant_id = $1 AND id = $2",
                [tenant.as_uuid().into(), id.into(), sold_out.into()],
            ))
            .await?;
        }
        Some(location) => {
            tx.execute_raw(sql(
                "INSERT INTO menu_item_locations (tenant_id, item_id, location_id, sold_out) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, item_id, location_id) DO UPDATE SET sold_out = EXCLUDED.sold_out, updated_at = now()",
                [tenant.as_uuid().into(), id.into(), location.into(), sold_out.into()],
            ))
            .await?;
        }
    }
    tx.execute_raw(sql(
        "UPDATE menu_items SET version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), id.into()],
    ))
    .await?;
    let after = find_item(&tx, tenant, id, false).await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "menu.item.availability_changed",
            entity: "menu_item",
            id,
            before: Some(json!({ "soldOut": was_sold_out, "locationId": location })),
            after: Some(json!({
                "itemId": id,
                "sku": after.sku,
                "name": after.name,
                "soldOut": sold_out,
                "locationId": location,
            })),
            event: None,
            version: after.version,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// (item, location) pairs where items are sold out at one location.
pub(crate) async fn sold_out_at(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    items: &[Uuid],
) -> AppResult<Vec<(Uuid, Uuid)>> {
    conn.query_all_raw(sql(
        "SELECT item_id, location_id FROM menu_item_locations WHERE tenant_id = $1 AND item_id = ANY($2) AND sold_out",
        [tenant.as_uuid().into(), items.to_vec().into()],
    ))
    .await?
    .iter()
    .map(|r| Ok((r.try_get::<Uuid>("", "item_id")?, r.try_get::<Uuid>("", "location_id")?)))
    .collect()
}

/// Locations where each of `items` is sold out (dataloader).
pub async fn sold_out_locations_of(
    db: &Db,
    tenant: TenantId,
    items: &[Uuid],
) -> AppResult<Vec<(Uuid, Uuid)>> {
    let tx = db.tenant_tx(tenant).await?;
    let pairs = sold_out_at(&tx, tenant, items).await?;
    tx.commit().await?;
    Ok(pairs)
}

pub async fn get_item(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<Item> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let item = find_item(&tx, tenant, id, false).await?;
    tx.commit().await?;
    Ok(item)
}

pub async fn list_items(
    db: &Db,
    ctx: &RequestContext,
    category: Option<Uuid>,
    page: crate::pagination::PageRequest,
) -> AppResult<crate::pagination::Page<Item>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = Item::find_by_statement(sql(
        &format!(
            "SELECT {ITEM_COLUMNS} FROM menu_items WHERE tenant_id = $1 AND deleted_at IS NULL
               AND ($2::uuid IS NULL OR category_id = $2) AND ($3::uuid IS NULL OR id > $3)
             ORDER BY id LIMIT $4"
        ),
        [
            tenant.as_uuid().into(),
            category.into(),
            page.after.into(),
            page.fetch_limit().into(),
        ],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(page.finish(rows, |i| i.id))
}

pub async fn delete_item(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<Item> {
    let tenant = ctx.require(WRITE)?;
    let tx = db.tenant_tx(tenant).await?;
    let before = find_item(&tx, tenant, id, true).await?;
    tx.execute_raw(sql(
        "UPDATE menu_items SET deleted_at = now(), version = version + 1 WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), id.into()],
    ))
    .await?;
    record_change(
        &tx,
        ctx,
        tenant,
        Change {
            action: "menu.item.deleted",
            entity: "menu_item",
            id,
            before: Some(serde_json::to_value(&before)?),
            after: None,
            event: None,
            version: before.version + 1,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(before)
}

/// Items by id, deleted ones included (dataloader for ticket lines).
pub async fn items_by_ids(db: &Db, tenant: TenantId, ids: &[Uuid]) -> AppResult<Vec<Item>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = Item::find_by_statement(sql(
        &format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE tenant_id = $1 AND id = ANY($2)"),
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Variants of many items at once (dataloader).
pub async fn variants_of(db: &Db, tenant: TenantId, items: &[Uuid]) -> AppResult<Vec<Variant>> {
    let tx = db.tenant_tx(tenant).await?;
    let rows = Variant::find_by_statement(sql(
        "SELECT id, item_id, name, price_delta_minor, sort_order FROM menu_item_variants
         WHERE tenant_id = $1 AND item_id = ANY($2) ORDER BY sort_order",
        [tenant.as_uuid().into(), items.to_vec().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Modifier groups (with modifiers) of many items at once (dataloader): (item, group) pairs.
pub async fn groups_of(
    db: &Db,
    tenant: TenantId,
    items: &[Uuid],
) -> AppResult<Vec<(Uuid, ModifierGroup)>> {
    let tx = db.tenant_tx(tenant).await?;
    let links = tx
        .query_all_raw(sql(
            "SELECT item_id, group_id FROM menu_item_modifier_groups WHERE tenant_id = $1 AND item_id = ANY($2) ORDER BY sort_order",
            [tenant.as_uuid().into(), items.to_vec().into()],
        ))
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<Uuid>("", "item_id")?, r.try_get::<Uuid>("", "group_id")?)))
        .collect::<AppResult<Vec<_>>>()?;
    let ids: Vec<Uuid> = links
        .iter()
        .map(|(_, g)| *g)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let groups = groups_by_ids(&tx, tenant, &ids).await?;
    tx.commit().await?;
    Ok(links
        .into_iter()
        .filter_map(|(item, g)| groups.iter().find(|x| x.id == g).map(|x| (item, x.clone())))
        .collect())
}
