//! `/v1/menu`: the business's menu for integrators (online ordering, delivery
//! platforms), over the same menu service as GraphQL.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{Caller, Created, Data, JsonBody, Paged, PathParams, QueryParams, view_page};
use crate::state::AppState;
use kernel::{AppResult, CategoryId, MenuItemId, RequestContext, TenantId};
use schema::menu::availability::{self, SetAvailability};
use schema::menu::categories::{self, Category, CategoryPatch, NewCategory};
use schema::menu::items::{self, Item, ItemPatch, NewItem, Variant};
use schema::menu::modifiers::{self, ModifierGroup, NewModifierGroup};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ItemListParams {
    pub category_id: Option<CategoryId>,
    pub first: Option<i64>,
    pub after: Option<String>,
}

/// An item with its variants and modifier groups.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub item: Item,
    #[schema(value_type = Vec<Object>)]
    pub variants: Vec<Variant>,
    #[schema(value_type = Vec<Object>)]
    pub modifier_groups: Vec<ModifierGroup>,
}

/// Adds variants and modifier groups to items (two queries for the lot).
async fn views(
    state: &AppState,
    ctx: &RequestContext,
    found: Vec<Item>,
) -> AppResult<Vec<ItemView>> {
    let tenant: TenantId = ctx.require_tenant()?;
    let ids: Vec<MenuItemId> = found.iter().map(|i| i.id).collect();
    let variants = items::variants_of(&state.services.db, tenant, &ids).await?;
    let groups = items::groups_of(&state.services.db, tenant, &ids).await?;
    Ok(found
        .into_iter()
        .map(|item| ItemView {
            variants: variants
                .iter()
                .filter(|v| v.item_id == item.id)
                .cloned()
                .collect(),
            modifier_groups: groups
                .iter()
                .filter(|(i, _)| *i == item.id)
                .map(|(_, g)| g.clone())
                .collect(),
            item,
        })
        .collect())
}

async fn view(state: &AppState, ctx: &RequestContext, item: Item) -> AppResult<ItemView> {
    views(state, ctx, vec![item])
        .await?
        .pop()
        .ok_or_else(|| kernel::AppError::internal("item view vanished"))
}

#[utoipa::path(get, path = "/v1/menu/categories", tag = "menu", security(("bearer" = [])),
    responses((status = 200, description = "Categories in display order", body = DataDoc<Vec<Object>>),
              (status = 403, description = "Missing `menu.catalog.read` or the menu module is off", body = ErrorBody)))]
pub async fn categories(Caller { state, ctx }: Caller) -> Result<Data<Vec<Category>>, ApiError> {
    Ok(Data(
        categories::list_categories(&state.services.db, &ctx).await?,
    ))
}

#[utoipa::path(post, path = "/v1/menu/categories", tag = "menu", security(("bearer" = [])), request_body = NewCategory,
    responses((status = 201, description = "The new category", body = DataDoc<Object>),
              (status = 409, description = "A category with that name exists", body = ErrorBody)))]
pub async fn create_category(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewCategory>,
) -> Result<Created<Category>, ApiError> {
    Ok(Created(
        categories::create_category(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/menu/categories/{id}", tag = "menu", security(("bearer" = [])), request_body = CategoryPatch,
    params(("id" = Uuid, Path, description = "Category id")),
    responses((status = 200, description = "The category", body = DataDoc<Object>),
              (status = 404, description = "No such category", body = ErrorBody)))]
pub async fn update_category(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<CategoryPatch>,
) -> Result<Data<Category>, ApiError> {
    Ok(Data(
        categories::update_category(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/menu/modifier-groups", tag = "menu", security(("bearer" = [])),
    responses((status = 200, description = "Modifier groups with their modifiers", body = DataDoc<Vec<Object>>)))]
pub async fn modifier_groups(
    Caller { state, ctx }: Caller,
) -> Result<Data<Vec<ModifierGroup>>, ApiError> {
    Ok(Data(
        modifiers::list_modifier_groups(&state.services.db, &ctx).await?,
    ))
}

#[utoipa::path(post, path = "/v1/menu/modifier-groups", tag = "menu", security(("bearer" = [])), request_body = NewModifierGroup,
    responses((status = 201, description = "The new group", body = DataDoc<Object>),
              (status = 400, description = "Selection limits or modifiers are invalid", body = ErrorBody)))]
pub async fn create_modifier_group(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewModifierGroup>,
) -> Result<Created<ModifierGroup>, ApiError> {
    Ok(Created(
        modifiers::create_modifier_group(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/menu/items", tag = "menu", security(("bearer" = [])), params(ItemListParams),
    responses((status = 200, description = "Items with variants and modifier groups", body = PagedDoc<ItemView>)))]
pub async fn items(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<ItemListParams>,
) -> Result<Paged<ItemView>, ApiError> {
    let request = schema::pagination::PageRequest::new(params.first, params.after.as_deref())?;
    let page = items::list_items(&state.services.db, &ctx, params.category_id, request).await?;
    Ok(view_page(page, async |items| views(&state, &ctx, items).await).await?)
}

#[utoipa::path(post, path = "/v1/menu/items", tag = "menu", security(("bearer" = [])), request_body = NewItem,
    responses((status = 201, description = "The new item", body = DataDoc<ItemView>),
              (status = 400, description = "Invalid price, currency, tax, SKU or references", body = ErrorBody),
              (status = 409, description = "An item with that SKU exists", body = ErrorBody)))]
pub async fn create_item(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewItem>,
) -> Result<Created<ItemView>, ApiError> {
    let item = items::create_item(&state.services.db, &ctx, body).await?;
    Ok(Created(view(&state, &ctx, item).await?))
}

#[utoipa::path(get, path = "/v1/menu/items/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The item", body = DataDoc<ItemView>),
              (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn item(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<ItemView>, ApiError> {
    let item = items::get_item(&state.services.db, &ctx, path.id.into()).await?;
    Ok(Data(view(&state, &ctx, item).await?))
}

#[utoipa::path(patch, path = "/v1/menu/items/{id}", tag = "menu", security(("bearer" = [])), request_body = ItemPatch,
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The item", body = DataDoc<ItemView>),
              (status = 404, description = "No such item", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale", body = ErrorBody)))]
pub async fn update_item(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<ItemPatch>,
) -> Result<Data<ItemView>, ApiError> {
    let item = items::update_item(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(view(&state, &ctx, item).await?))
}

#[utoipa::path(put, path = "/v1/menu/items/{id}/availability", tag = "menu", security(("bearer" = [])), request_body = SetAvailability,
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The item", body = DataDoc<ItemView>),
              (status = 403, description = "Missing `menu.availability.write`", body = ErrorBody),
              (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn set_availability(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<SetAvailability>,
) -> Result<Data<ItemView>, ApiError> {
    let item =
        availability::set_availability(&state.services.db, &ctx, path.id.into(), body).await?;
    Ok(Data(view(&state, &ctx, item).await?))
}

#[utoipa::path(delete, path = "/v1/menu/items/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The removed item", body = DataDoc<Object>),
              (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn delete_item(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Item>, ApiError> {
    Ok(Data(
        items::delete_item(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch, put};
    axum::Router::new()
        .route("/menu/categories", get(categories).post(create_category))
        .route("/menu/categories/{id}", patch(update_category))
        .route(
            "/menu/modifier-groups",
            get(modifier_groups).post(create_modifier_group),
        )
        .route("/menu/items", get(items).post(create_item))
        .route(
            "/menu/items/{id}",
            get(item).patch(update_item).delete(delete_item),
        )
        .route("/menu/items/{id}/availability", put(set_availability))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    categories,
    create_category,
    update_category,
    modifier_groups,
    create_modifier_group,
    items,
    create_item,
    item,
    update_item,
    set_availability,
    delete_item
))]
pub struct Api;
