//! Deleting an item: it leaves the menu, and ticket lines that sold it keep
//! reading it (deleted items stay in the table, marked).

use super::{Item, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::menu::WRITE;
use kernel::{AppError, AppResult, Db, MenuItemId, RequestContext};

/// Answers the item as it was before.
pub async fn delete_item(db: &Db, ctx: &RequestContext, id: MenuItemId) -> AppResult<Item> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let before = store::lock(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("menu item"))?;
    let version = before.version + 1;
    store::update(
        &*unit,
        unit.tenant,
        id,
        version,
        unit.now(),
        store::ItemUpdate::Delete,
    )
    .await?;
    unit.commit_with(
        Change::new("menu.item.deleted", "menu_item", id)
            .with_before(serde_json::to_value(&before)?)
            .with_version(version),
        before,
    )
    .await
}
