//! `/v1/inventory/recipes`: what selling a menu item, or choosing a
//! modifier, consumes.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::v1::IdPath;
use crate::rest::{Caller, Data, JsonBody, PathParams};
use crate::state::AppState;
use schema::inventory::recipes::{self, Recipe, RecipeComponents, RecipeOf};

#[utoipa::path(get, path = "/v1/inventory/recipes/menu-items/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Menu item id")),
    responses((status = 200, description = "What selling one consumes (no components: none, or one of a linked retail stock item)", body = DataDoc<Recipe>),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody),
              (status = 404, description = "No such menu item", body = ErrorBody)))]
pub async fn get_menu_item_recipe(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Recipe>, ApiError> {
    let of = RecipeOf::MenuItem(path.id.into());
    Ok(Data(recipes::get(&state.services.db, &ctx, of).await?))
}

#[utoipa::path(put, path = "/v1/inventory/recipes/menu-items/{id}", tag = "inventory", security(("bearer" = [])),
    request_body = RecipeComponents,
    params(("id" = Uuid, Path, description = "Menu item id")),
    responses((status = 200, description = "The new recipe", body = DataDoc<Recipe>),
              (status = 400, description = "No such stock item, or bad quantities", body = ErrorBody),
              (status = 403, description = "Missing `inventory.recipe.write`", body = ErrorBody),
              (status = 404, description = "No such menu item", body = ErrorBody)))]
pub async fn set_menu_item_recipe(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<RecipeComponents>,
) -> Result<Data<Recipe>, ApiError> {
    let of = RecipeOf::MenuItem(path.id.into());
    Ok(Data(
        recipes::set(&state.services.db, &ctx, of, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/inventory/recipes/modifiers/{id}", tag = "inventory", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Modifier id")),
    responses((status = 200, description = "What choosing the modifier consumes", body = DataDoc<Recipe>),
              (status = 403, description = "Missing `inventory.stock.read`", body = ErrorBody),
              (status = 404, description = "No such modifier", body = ErrorBody)))]
pub async fn get_modifier_recipe(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Recipe>, ApiError> {
    let of = RecipeOf::Modifier(path.id.into());
    Ok(Data(recipes::get(&state.services.db, &ctx, of).await?))
}

#[utoipa::path(put, path = "/v1/inventory/recipes/modifiers/{id}", tag = "inventory", security(("bearer" = [])),
    request_body = RecipeComponents,
    params(("id" = Uuid, Path, description = "Modifier id")),
    responses((status = 200, description = "The new recipe", body = DataDoc<Recipe>),
              (status = 400, description = "No such stock item, or bad quantities", body = ErrorBody),
              (status = 403, description = "Missing `inventory.recipe.write`", body = ErrorBody),
              (status = 404, description = "No such modifier", body = ErrorBody)))]
pub async fn set_modifier_recipe(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<RecipeComponents>,
) -> Result<Data<Recipe>, ApiError> {
    let of = RecipeOf::Modifier(path.id.into());
    Ok(Data(
        recipes::set(&state.services.db, &ctx, of, body).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/inventory/recipes/menu-items/{id}",
            get(get_menu_item_recipe).put(set_menu_item_recipe),
        )
        .route(
            "/inventory/recipes/modifiers/{id}",
            get(get_modifier_recipe).put(set_modifier_recipe),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    get_menu_item_recipe,
    set_menu_item_recipe,
    get_modifier_recipe,
    set_modifier_recipe
))]
pub struct Api;
