//! `/v1/rbac/api-keys`: the business's API keys.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::v1::IdPath;
use crate::rest::{
    Caller, Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams, page_of,
};
use crate::state::AppState;
use schema::api_keys::service::{self as api_keys, ApiKey, CreatedApiKey, NewApiKey};

/// The business's API keys, newest first; never their secrets.
#[utoipa::path(
    get,
    path = "/v1/rbac/api-keys",
    tag = "rbac",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of keys", body = PagedDoc<ApiKey>),
        (status = 400, description = "Bad page size or cursor", body = ErrorBody),
        (status = 403, description = "Missing `admin.api_keys.manage`", body = ErrorBody),
    )
)]
pub async fn list_api_keys(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<ApiKey>, ApiError> {
    let page = params.request()?;
    let keys = api_keys::list(&state.services.db, &ctx).await?;
    Ok(page_of(keys, page, |k| k.id.as_uuid())?.into())
}

/// Creates an API key. The secret is in this answer and nowhere else, ever again.
#[utoipa::path(
    post,
    path = "/v1/rbac/api-keys",
    tag = "rbac",
    request_body = NewApiKey,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The key and its secret", body = DataDoc<CreatedApiKey>),
        (status = 400, description = "Invalid name, permissions or expiry", body = ErrorBody),
        (status = 403, description = "Missing `admin.api_keys.manage`, or a permission you do not hold", body = ErrorBody),
    )
)]
pub async fn create_api_key(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewApiKey>,
) -> Result<Created<CreatedApiKey>, ApiError> {
    Ok(Created(
        api_keys::create(&state.services.db, &ctx, body).await?,
    ))
}

/// Revokes an API key (idempotent); answers with the key.
#[utoipa::path(
    delete,
    path = "/v1/rbac/api-keys/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "API key id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The revoked key", body = DataDoc<ApiKey>),
        (status = 403, description = "Missing `admin.api_keys.manage`", body = ErrorBody),
        (status = 404, description = "No such key in your business", body = ErrorBody),
    )
)]
pub async fn revoke_api_key(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<ApiKey>, ApiError> {
    Ok(Data(
        api_keys::revoke(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{delete, get};
    axum::Router::new()
        .route("/rbac/api-keys", get(list_api_keys).post(create_api_key))
        .route("/rbac/api-keys/{id}", delete(revoke_api_key))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_api_keys, create_api_key, revoke_api_key))]
pub struct Api;
