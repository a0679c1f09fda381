//! Creating an item with its variants and modifier groups.

use super::{Item, NewItem, children, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::menu::WRITE;
use crate::menu::rules::{name, prep, price, sku, taken, tax};
use kernel::{AppResult, Currency, Db, MenuItemId, RequestContext};

pub async fn create_item(db: &Db, ctx: &RequestContext, input: NewItem) -> AppResult<Item> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let sku = sku(&input.sku)?;
    let item_name = name("name", &input.name, 200)?;
    price("priceMinor", input.price_minor)?;
    let currency = Currency::parse("currency", &input.currency)?;
    tax(input.tax_rate_bp)?;
    prep(input.prep_secs)?;
    children::check_refs(
        &*unit,
        unit.tenant,
        Some(input.category_id),
        &input.modifier_group_ids,
    )
    .await?;
    let item = store::insert(
        &*unit,
        store::Insert {
            tenant: unit.tenant,
            id: MenuItemId::new(),
            category: input.category_id,
            sku: &sku,
            name: &item_name,
            description: input.description.as_deref().unwrap_or_default(),
            price_minor: input.price_minor,
            currency: currency.as_str(),
            tax_rate_bp: input.tax_rate_bp,
            prep_secs: input.prep_secs,
            at: unit.now(),
        },
    )
    .await
    .map_err(taken("sku", "an item with that SKU exists"))?;
    children::replace(
        &*unit,
        unit.tenant,
        item.id,
        Some(&input.variants),
        Some(&input.modifier_group_ids),
    )
    .await?;
    unit.commit_with(
        Change::created("menu.item.created", "menu_item", item.id, &item)?
            .with_version(item.version),
        item,
    )
    .await
}
