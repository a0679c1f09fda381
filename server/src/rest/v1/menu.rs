//! `/v1/menu`: the business's menu for integrators (online ordering, delivery
//! platforms), over the same menu service as GraphQL.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{Created, Data, JsonBody, Paged, PathParams, QueryParams};
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use kernel::{AppResult, RequestContext, TenantId};
use schema::menu::service::{
    self as menu, Category, Item, ItemPatch, ModifierGroup, NewItem, NewModifier, NewVariant,
    Variant,
};
use schema::text::{CurrencyCode, Description, LongName, Name, Sku};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryBody {
    pub name: Name,
    #[serde(default)]
    pub sort_order: i32,
}

/// Leave a field out to keep it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CategoryPatch {
    pub name: Option<Name>,
    pub sort_order: Option<i32>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PriceDeltaBody {
    pub name: Name,
    /// Minor units added to the item's price.
    #[serde(default)]
    pub price_delta_minor: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ModifierGroupBody {
    pub name: Name,
    pub min_select: i32,
    pub max_select: i32,
    pub modifiers: Vec<PriceDeltaBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemBody {
    pub category_id: Uuid,
    pub sku: Sku,
    pub name: LongName,
    pub description: Option<Description>,
    /// Minor units (cents) of `currency`.
    pub price_minor: i64,
    /// ISO 4217, e.g. EUR.
    pub currency: CurrencyCode,
    /// Basis points: 2000 = 20 %.
    pub tax_rate_bp: i32,
    #[serde(default)]
    pub variants: Vec<PriceDeltaBody>,
    #[serde(default)]
    pub modifier_group_ids: Vec<Uuid>,
}

/// Leave a field out to keep it; `expectedVersion` guards against lost updates.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemPatchBody {
    pub expected_version: Option<i64>,
    pub category_id: Option<Uuid>,
    pub name: Option<LongName>,
    pub description: Option<Description>,
    pub price_minor: Option<i64>,
    pub tax_rate_bp: Option<i32>,
    pub active: Option<bool>,
    pub variants: Option<Vec<PriceDeltaBody>>,
    pub modifier_group_ids: Option<Vec<Uuid>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityBody {
    pub sold_out: bool,
    /// One location only; everywhere when left out.
    pub location_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ItemListParams {
    pub category_id: Option<Uuid>,
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

fn deltas(input: Vec<PriceDeltaBody>) -> Vec<NewVariant> {
    input
        .into_iter()
        .map(|v| NewVariant {
            name: v.name.into(),
            price_delta_minor: v.price_delta_minor,
        })
        .collect()
}

/// Adds variants and modifier groups to items (two queries for the lot).
async fn views(
    state: &AppState,
    ctx: &RequestContext,
    items: Vec<Item>,
) -> AppResult<Vec<ItemView>> {
    let tenant: TenantId = ctx.require_tenant()?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let variants = menu::variants_of(&state.services.db, tenant, &ids).await?;
    let groups = menu::groups_of(&state.services.db, tenant, &ids).await?;
    Ok(items
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
pub async fn categories(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
) -> Result<Data<Vec<Category>>, ApiError> {
    Ok(Data(menu::list_categories(&state.services.db, &ctx).await?))
}

#[utoipa::path(post, path = "/v1/menu/categories", tag = "menu", security(("bearer" = [])), request_body = CategoryBody,
    responses((status = 201, description = "The new category", body = DataDoc<Object>),
              (status = 409, description = "A category with that name exists", body = ErrorBody)))]
pub async fn create_category(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<CategoryBody>,
) -> Result<Created<Category>, ApiError> {
    Ok(Created(
        menu::create_category(&state.services.db, &ctx, &body.name, body.sort_order).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/menu/categories/{id}", tag = "menu", security(("bearer" = [])), request_body = CategoryPatch,
    params(("id" = Uuid, Path, description = "Category id")),
    responses((status = 200, description = "The category", body = DataDoc<Object>),
              (status = 404, description = "No such category", body = ErrorBody)))]
pub async fn update_category(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<CategoryPatch>,
) -> Result<Data<Category>, ApiError> {
    Ok(Data(
        menu::update_category(
            &state.services.db,
            &ctx,
            path.id,
            body.name.as_deref(),
            body.sort_order,
            body.active,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/menu/modifier-groups", tag = "menu", security(("bearer" = [])),
    responses((status = 200, description = "Modifier groups with their modifiers", body = DataDoc<Vec<Object>>)))]
pub async fn modifier_groups(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
) -> Result<Data<Vec<ModifierGroup>>, ApiError> {
    Ok(Data(
        menu::list_modifier_groups(&state.services.db, &ctx).await?,
    ))
}

#[utoipa::path(post, path = "/v1/menu/modifier-groups", tag = "menu", security(("bearer" = [])), request_body = ModifierGroupBody,
    responses((status = 201, description = "The new group", body = DataDoc<Object>),
              (status = 400, description = "Selection limits or modifiers are invalid", body = ErrorBody)))]
pub async fn create_modifier_group(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<ModifierGroupBody>,
) -> Result<Created<ModifierGroup>, ApiError> {
    let modifiers = body
        .modifiers
        .into_iter()
        .map(|m| NewModifier {
            name: m.name.into(),
            price_delta_minor: m.price_delta_minor,
        })
        .collect();
    Ok(Created(
        menu::create_modifier_group(
            &state.services.db,
            &ctx,
            &body.name,
            body.min_select,
            body.max_select,
            modifiers,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/menu/items", tag = "menu", security(("bearer" = [])), params(ItemListParams),
    responses((status = 200, description = "Items with variants and modifier groups", body = PagedDoc<ItemView>)))]
pub async fn items(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<ItemListParams>,
) -> Result<Paged<ItemView>, ApiError> {
    let request = schema::pagination::PageRequest::new(params.first, params.after.as_deref())?;
    let page = menu::list_items(&state.services.db, &ctx, params.category_id, request).await?;
    let views = views(&state, &ctx, page.items).await?;
    Ok(schema::pagination::Page {
        items: views,
        has_next_page: page.has_next_page,
        end_cursor: page.end_cursor,
    }
    .into())
}

#[utoipa::path(post, path = "/v1/menu/items", tag = "menu", security(("bearer" = [])), request_body = ItemBody,
    responses((status = 201, description = "The new item", body = DataDoc<ItemView>),
              (status = 400, description = "Invalid price, currency, tax, SKU or references", body = ErrorBody),
              (status = 409, description = "An item with that SKU exists", body = ErrorBody)))]
pub async fn create_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<ItemBody>,
) -> Result<Created<ItemView>, ApiError> {
    let item = menu::create_item(
        &state.services.db,
        &ctx,
        NewItem {
            category_id: body.category_id,
            sku: body.sku.into(),
            name: body.name.into(),
            description: body.description.map(Into::into),
            price_minor: body.price_minor,
            currency: body.currency.into(),
            tax_rate_bp: body.tax_rate_bp,
            variants: deltas(body.variants),
            modifier_group_ids: body.modifier_group_ids,
        },
    )
    .await?;
    Ok(Created(view(&state, &ctx, item).await?))
}

#[utoipa::path(get, path = "/v1/menu/items/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The item", body = DataDoc<ItemView>),
              (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn item(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<ItemView>, ApiError> {
    let item = menu::get_item(&state.services.db, &ctx, path.id).await?;
    Ok(Data(view(&state, &ctx, item).await?))
}

#[utoipa::path(patch, path = "/v1/menu/items/{id}", tag = "menu", security(("bearer" = [])), request_body = ItemPatchBody,
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The item", body = DataDoc<ItemView>),
              (status = 404, description = "No such item", body = ErrorBody),
              (status = 409, description = "`expectedVersion` is stale", body = ErrorBody)))]
pub async fn update_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<ItemPatchBody>,
) -> Result<Data<ItemView>, ApiError> {
    let patch = ItemPatch {
        expected_version: body.expected_version,
        category_id: body.category_id,
        name: body.name.map(Into::into),
        description: body.description.map(Into::into),
        price_minor: body.price_minor,
        tax_rate_bp: body.tax_rate_bp,
        active: body.active,
        variants: body.variants.map(deltas),
        modifier_group_ids: body.modifier_group_ids,
    };
    let item = menu::update_item(&state.services.db, &ctx, path.id, patch).await?;
    Ok(Data(view(&state, &ctx, item).await?))
}

#[utoipa::path(put, path = "/v1/menu/items/{id}/availability", tag = "menu", security(("bearer" = [])), request_body = AvailabilityBody,
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The item", body = DataDoc<ItemView>),
              (status = 403, description = "Missing `menu.availability.write`", body = ErrorBody),
              (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn set_availability(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<AvailabilityBody>,
) -> Result<Data<ItemView>, ApiError> {
    let item = menu::set_availability(
        &state.services.db,
        &ctx,
        path.id,
        body.sold_out,
        body.location_id,
    )
    .await?;
    Ok(Data(view(&state, &ctx, item).await?))
}

#[utoipa::path(delete, path = "/v1/menu/items/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Item id")),
    responses((status = 200, description = "The removed item", body = DataDoc<Object>),
              (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn delete_item(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Item>, ApiError> {
    Ok(Data(
        menu::delete_item(&state.services.db, &ctx, path.id).await?,
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
