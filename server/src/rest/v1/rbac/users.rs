//! `/v1/rbac/users`: the business's users with their roles, and who holds
//! which role.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::v1::IdPath;
use crate::rest::{
    Caller, Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams, view_page,
};
use crate::state::AppState;
use kernel::{AppError, AppResult, RequestContext, RoleId, UserId};
use schema::identity::service::{self as identity, NewUser, User};
use schema::rbac::service::{self as rbac, Role, RoleAssignment};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A role as a user's list of roles shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleRef {
    pub id: RoleId,
    /// Built-in roles' key (`owner`, `cashier`, ...); unset for custom roles.
    pub key: Option<String>,
    pub name: String,
}

/// A person who works for a business, with their roles.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserView {
    #[serde(flatten)]
    #[schema(inline)]
    pub user: User,
    pub roles: Vec<RoleRef>,
}

impl UserView {
    /// Attaches their roles to users the caller was allowed to read (one query).
    pub async fn many(
        state: &AppState,
        ctx: &RequestContext,
        users: Vec<User>,
    ) -> AppResult<Vec<Self>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let tenant = ctx.require_tenant()?;
        let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
        let mut by_user: HashMap<UserId, Vec<RoleRef>> = HashMap::new();
        for (user, role) in rbac::roles_of_users(&state.services.db, tenant, &ids).await? {
            by_user.entry(user).or_default().push(RoleRef {
                id: role.id,
                key: role.key,
                name: role.name,
            });
        }
        Ok(users
            .into_iter()
            .map(|user| Self {
                roles: by_user.remove(&user.id).unwrap_or_default(),
                user,
            })
            .collect())
    }

    pub async fn one(state: &AppState, ctx: &RequestContext, user: User) -> AppResult<Self> {
        Self::many(state, ctx, vec![user])
            .await?
            .pop()
            .ok_or_else(|| AppError::internal("user view vanished"))
    }
}

/// The business's users, oldest first, with their roles.
#[utoipa::path(
    get,
    path = "/v1/rbac/users",
    tag = "rbac",
    params(PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of users", body = PagedDoc<UserView>),
        (status = 400, description = "Bad page size or cursor", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing `admin.users.read`", body = ErrorBody),
    )
)]
pub async fn list_users(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<UserView>, ApiError> {
    let page = identity::list_users(&state.services.db, &ctx, params.request()?).await?;
    Ok(view_page(page, async |users| {
        UserView::many(&state, &ctx, users).await
    })
    .await?)
}

/// Adds a user: active at once with a password, or invited without one.
#[utoipa::path(
    post,
    path = "/v1/rbac/users",
    tag = "rbac",
    request_body = NewUser,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new user", body = DataDoc<UserView>),
        (status = 400, description = "Invalid input or unknown role", body = ErrorBody),
        (status = 403, description = "Missing `admin.users.manage`, or granting a role you could not", body = ErrorBody),
        (status = 409, description = "A user with that email exists", body = ErrorBody),
    )
)]
pub async fn create_user(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewUser>,
) -> Result<Created<UserView>, ApiError> {
    let user = identity::create_user(&state.services.db, &ctx, body).await?;
    Ok(Created(UserView::one(&state, &ctx, user).await?))
}

/// One user, with their roles.
#[utoipa::path(
    get,
    path = "/v1/rbac/users/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "User id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = DataDoc<UserView>),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 403, description = "Missing `admin.users.read`", body = ErrorBody),
        (status = 404, description = "No such user in your business", body = ErrorBody),
    )
)]
pub async fn get_user(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<UserView>, ApiError> {
    let user = identity::get_user(&state.services.db, &ctx, path.id.into()).await?;
    Ok(Data(UserView::one(&state, &ctx, user).await?))
}

/// Deactivates a user: their sessions end and their next request is refused.
#[utoipa::path(
    post,
    path = "/v1/rbac/users/{id}/deactivate",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "User id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user, deactivated", body = DataDoc<UserView>),
        (status = 400, description = "Deactivating yourself", body = ErrorBody),
        (status = 403, description = "Missing `admin.users.manage`", body = ErrorBody),
        (status = 404, description = "No such user in your business", body = ErrorBody),
        (status = 409, description = "The last active owner", body = ErrorBody),
    )
)]
pub async fn deactivate_user(
    caller: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<UserView>, ApiError> {
    set_active(caller, path.id.into(), false).await
}

/// Reactivates a deactivated user.
#[utoipa::path(
    post,
    path = "/v1/rbac/users/{id}/reactivate",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "User id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user, active", body = DataDoc<UserView>),
        (status = 403, description = "Missing `admin.users.manage`", body = ErrorBody),
        (status = 404, description = "No such user in your business", body = ErrorBody),
        (status = 409, description = "An invited user activates by accepting the invitation", body = ErrorBody),
    )
)]
pub async fn reactivate_user(
    caller: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<UserView>, ApiError> {
    set_active(caller, path.id.into(), true).await
}

/// Deactivation and reactivation: the same command, told which.
async fn set_active(
    Caller { state, ctx }: Caller,
    user: UserId,
    active: bool,
) -> Result<Data<UserView>, ApiError> {
    let user = identity::set_user_active(&state.services.db, &ctx, user, active).await?;
    Ok(Data(UserView::one(&state, &ctx, user).await?))
}

/// Gives a user a role (idempotent); answers with the role.
#[utoipa::path(
    put,
    path = "/v1/rbac/users/{userId}/roles/{roleId}",
    tag = "rbac",
    params(
        ("userId" = Uuid, Path, description = "User id"),
        ("roleId" = Uuid, Path, description = "Role id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The role, with its new user count", body = DataDoc<Role>),
        (status = 403, description = "Missing `admin.users.manage`, or a role with permissions you do not hold", body = ErrorBody),
        (status = 404, description = "No such user or role in your business", body = ErrorBody),
    )
)]
pub async fn assign_role(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<RoleAssignment>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::assign_role(&state.services.db, &ctx, path.user_id, path.role_id).await?,
    ))
}

/// Takes a role from a user; answers with the role.
#[utoipa::path(
    delete,
    path = "/v1/rbac/users/{userId}/roles/{roleId}",
    tag = "rbac",
    params(
        ("userId" = Uuid, Path, description = "User id"),
        ("roleId" = Uuid, Path, description = "Role id"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The role, with its new user count", body = DataDoc<Role>),
        (status = 403, description = "Missing `admin.users.manage`", body = ErrorBody),
        (status = 404, description = "No such user, role or assignment in your business", body = ErrorBody),
        (status = 409, description = "The business's last owner", body = ErrorBody),
    )
)]
pub async fn unassign_role(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<RoleAssignment>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::unassign_role(&state.services.db, &ctx, path.user_id, path.role_id).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route("/rbac/users", get(list_users).post(create_user))
        .route("/rbac/users/{id}", get(get_user))
        .route("/rbac/users/{id}/deactivate", post(deactivate_user))
        .route("/rbac/users/{id}/reactivate", post(reactivate_user))
        .route(
            "/rbac/users/{userId}/roles/{roleId}",
            put(assign_role).delete(unassign_role),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_users,
    create_user,
    get_user,
    deactivate_user,
    reactivate_user,
    assign_role,
    unassign_role
))]
pub struct Api;
