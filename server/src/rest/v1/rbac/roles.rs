//! `/v1/rbac/roles` and `/v1/rbac/permissions`: the business's roles and
//! the catalogue they are made from.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::v1::IdPath;
use crate::rest::{
    Caller, Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams, page_of,
};
use crate::state::AppState;
use schema::rbac::service::{self as rbac, NewRole, Permission, Role, RolePatch};

/// The business's roles, built-in first, then by name.
#[utoipa::path(
    get,
    path = "/v1/rbac/roles",
    tag = "rbac",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of roles", body = PagedDoc<Role>),
        (status = 400, description = "Bad page size or cursor", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing `admin.users.read`", body = ErrorBody),
    )
)]
pub async fn list_roles(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<Role>, ApiError> {
    let page = params.request()?;
    let roles = rbac::list_roles(&state.services.db, &ctx).await?;
    Ok(page_of(roles, page, |r| r.id.as_uuid())?.into())
}

/// Creates a custom role; nobody grants a permission they do not hold.
#[utoipa::path(
    post,
    path = "/v1/rbac/roles",
    tag = "rbac",
    request_body = NewRole,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new role", body = DataDoc<Role>),
        (status = 400, description = "Invalid name or unknown permission", body = ErrorBody),
        (status = 403, description = "Missing `admin.roles.manage`, or granting a permission you do not hold", body = ErrorBody),
        (status = 409, description = "A role with that name exists", body = ErrorBody),
    )
)]
pub async fn create_role(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewRole>,
) -> Result<Created<Role>, ApiError> {
    Ok(Created(
        rbac::create_role(&state.services.db, &ctx, body).await?,
    ))
}

/// One role.
#[utoipa::path(
    get,
    path = "/v1/rbac/roles/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "Role id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The role", body = DataDoc<Role>),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 403, description = "Missing `admin.users.read`", body = ErrorBody),
        (status = 404, description = "No such role in your business", body = ErrorBody),
    )
)]
pub async fn get_role(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::get_role(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

/// Edits a role's name, description or permissions.
#[utoipa::path(
    patch,
    path = "/v1/rbac/roles/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "Role id")),
    request_body = RolePatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The edited role", body = DataDoc<Role>),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 403, description = "Missing `admin.roles.manage`, or granting a permission you do not hold", body = ErrorBody),
        (status = 404, description = "No such role in your business", body = ErrorBody),
        (status = 409, description = "A role with that name exists", body = ErrorBody),
    )
)]
pub async fn update_role(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<RolePatch>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::update_role(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

/// Deletes a custom role that nobody holds; answers with the deleted role.
#[utoipa::path(
    delete,
    path = "/v1/rbac/roles/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "Role id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The deleted role", body = DataDoc<Role>),
        (status = 403, description = "Missing `admin.roles.manage`", body = ErrorBody),
        (status = 404, description = "No such role in your business", body = ErrorBody),
        (status = 409, description = "Built-in, or still assigned", body = ErrorBody),
    )
)]
pub async fn delete_role(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::delete_role(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

/// Every permission the module registry defines (the whole catalogue, unpaged).
#[utoipa::path(
    get,
    path = "/v1/rbac/permissions",
    tag = "rbac",
    responses(
        (status = 200, description = "The permission catalogue", body = DataDoc<Vec<Permission>>),
    )
)]
pub async fn permissions() -> Result<Data<Vec<Permission>>, ApiError> {
    Ok(Data(rbac::permission_catalog()?))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/rbac/roles", get(list_roles).post(create_role))
        .route(
            "/rbac/roles/{id}",
            get(get_role).patch(update_role).delete(delete_role),
        )
        .route("/rbac/permissions", get(permissions))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_roles,
    create_role,
    get_role,
    update_role,
    delete_role,
    permissions
))]
pub struct Api;
