//! Changing an item: its own fields, and its variants and modifier groups
//! when given, against the version the caller saw.

use super::{Item, ItemPatch, children, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::menu::WRITE;
use crate::menu::rules::{name, prep, price, tax};
use kernel::{AppError, AppResult, Db, MenuItemId, RequestContext};
use serde_json::json;

pub async fn update_item(
    db: &Db,
    ctx: &RequestContext,
    id: MenuItemId,
    patch: ItemPatch,
) -> AppResult<Item> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let new_name = patch
        .name
        .as_deref()
        .map(|n| name("name", n, 200))
        .transpose()?;
    if let Some(p) = patch.price_minor {
        price("priceMinor", p)?;
    }
    if let Some(t) = patch.tax_rate_bp {
        tax(t)?;
    }
    prep(patch.prep_secs)?;
    let before = store::lock(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("menu item"))?;
    if let Some(expected) = patch.expected_version
        && expected != before.version
    {
        return Err(
            AppError::conflict("the item changed since you read it").with_details(
                json!({ "expectedVersion": expected, "currentVersion": before.version }),
            ),
        );
    }
    children::check_refs(
        &*unit,
        unit.tenant,
        patch.category_id,
        patch.modifier_group_ids.as_deref().unwrap_or_default(),
    )
    .await?;
    let after = store::update(
        &*unit,
        unit.tenant,
        id,
        before.version + 1,
        unit.now(),
        store::ItemUpdate::Fields(store::Fields {
            category: patch.category_id,
            name: new_name.as_deref(),
            description: patch.description.as_deref(),
            price_minor: patch.price_minor,
            tax_rate_bp: patch.tax_rate_bp,
            prep_secs: patch.prep_secs,
            active: patch.active,
        }),
    )
    .await?;
    children::replace(
        &*unit,
        unit.tenant,
        id,
        patch.variants.as_deref(),
        patch.modifier_group_ids.as_deref(),
    )
    .await?;
    unit.commit_with(
        Change::updated("menu.item.updated", "menu_item", id, &before, &after)?
            .with_version(after.version),
        after,
    )
    .await
}
