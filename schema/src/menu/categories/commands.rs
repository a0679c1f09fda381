//! Listing, creating and changing categories.

use super::{Category, CategoryPatch, NewCategory, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::menu::rules::{name, taken};
use crate::menu::{READ, WRITE};
use crate::store_support::find;
use entities::menu_categories::Entity;
use kernel::{AppError, AppResult, CategoryId, Db, RequestContext};

const NAME_TAKEN: &str = "a category with that name exists";

pub async fn list_categories(db: &Db, ctx: &RequestContext) -> AppResult<Vec<Category>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::list(&*unit, unit.tenant).await?;
    unit.commit(rows).await
}

pub async fn create_category(
    db: &Db,
    ctx: &RequestContext,
    input: NewCategory,
) -> AppResult<Category> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let category_name = name("name", &input.name, 100)?;
    let category = store::insert(
        &*unit,
        store::Insert {
            tenant: unit.tenant,
            id: CategoryId::new(),
            name: &category_name,
            sort_order: input.sort_order,
            at: unit.now(),
        },
    )
    .await
    .map_err(taken("name", NAME_TAKEN))?;
    unit.commit_with(
        Change::created(
            "menu.category.created",
            "menu_category",
            category.id,
            &category,
        )?,
        category,
    )
    .await
}

pub async fn update_category(
    db: &Db,
    ctx: &RequestContext,
    id: CategoryId,
    patch: CategoryPatch,
) -> AppResult<Category> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let new_name = patch
        .name
        .as_deref()
        .map(|n| name("name", n, 100))
        .transpose()?;
    let before = find::<Entity, Category>(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("menu category"))?;
    let after = store::update(
        &*unit,
        unit.tenant,
        id,
        new_name.as_deref(),
        patch.sort_order,
        patch.active,
        unit.now(),
    )
    .await
    .map_err(taken("name", NAME_TAKEN))?;
    unit.commit_with(
        Change::updated(
            "menu.category.updated",
            "menu_category",
            id,
            &before,
            &after,
        )?,
        after,
    )
    .await
}
