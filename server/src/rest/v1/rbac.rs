//! `/v1/rbac`: the caller's business's roles, users, API keys and audit
//! trail, over the rbac, identity, api_keys and audit services.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{Created, Data, JsonBody, PageParams, Paged, PathParams, QueryParams, page_of};
use crate::state::AppState;
use axum::Extension;
use axum::extract::State;
use chrono::{DateTime, Utc};
use kernel::{AppResult, RequestContext};
use schema::api_keys::service::{self as api_keys, ApiKey, CreatedApiKey};
use schema::audit::service::{self as audit, AuditEvent, AuditFilter};
use schema::identity::service::{self as identity, NewUser, User};
use schema::pagination::Page;
use schema::rbac::service::{self as rbac, Role};
use schema::text::{Description, Key, Name};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

// ---------------------------------------------------------------- inputs

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateRoleBody {
    pub name: Name,
    pub description: Option<Description>,
    /// Permission keys from the module registry (`pos.ticket.write`); each must be one you hold.
    pub permissions: Vec<Key>,
}

/// Leave a field out to keep it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateRoleBody {
    pub name: Option<Name>,
    pub description: Option<Description>,
    /// Replaces the role's permissions when given.
    pub permissions: Option<Vec<Key>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKeyBody {
    pub name: Name,
    /// What the key may do; each must be a permission you hold.
    pub permissions: Vec<Key>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// `/users/{userId}/roles/{roleId}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentPath {
    pub user_id: Uuid,
    pub role_id: Uuid,
}

/// Filters of the audit trail, and its page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// An action (`rbac.role.created`) or a prefix ending in a dot (`identity.`).
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    /// From this instant (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive), RFC 3339.
    pub to: Option<DateTime<Utc>>,
    /// Page size, 1 to 100 (default 50).
    pub first: Option<i64>,
    /// The `endCursor` of the previous page.
    pub after: Option<String>,
}

// ---------------------------------------------------------------- outputs

/// A role as a user's list of roles shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoleRef {
    pub id: Uuid,
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
        let ids: Vec<Uuid> = users.iter().map(|u| u.id.as_uuid()).collect();
        let mut by_user: HashMap<Uuid, Vec<RoleRef>> = HashMap::new();
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
                roles: by_user.remove(&user.id.as_uuid()).unwrap_or_default(),
                user,
            })
            .collect())
    }

    pub async fn one(state: &AppState, ctx: &RequestContext, user: User) -> AppResult<Self> {
        let tenant = ctx.require_tenant()?;
        let roles = rbac::roles_of_users(&state.services.db, tenant, &[user.id.as_uuid()])
            .await?
            .into_iter()
            .map(|(_, role)| RoleRef {
                id: role.id,
                key: role.key,
                name: role.name,
            })
            .collect();
        Ok(Self { user, roles })
    }
}

/// A permission of the module registry.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermissionView {
    /// `pos.ticket.write`.
    pub key: String,
    /// The module that defines it.
    pub module: String,
}

// ---------------------------------------------------------------- roles

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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<Role>, ApiError> {
    let page = params.request()?;
    let roles = rbac::list_roles(&state.services.db, &ctx).await?;
    Ok(page_of(roles, page, |r| r.id)?.into())
}

/// Creates a custom role; nobody grants a permission they do not hold.
#[utoipa::path(
    post,
    path = "/v1/rbac/roles",
    tag = "rbac",
    request_body = CreateRoleBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The new role", body = DataDoc<Role>),
        (status = 400, description = "Invalid name or unknown permission", body = ErrorBody),
        (status = 403, description = "Missing `admin.roles.manage`, or granting a permission you do not hold", body = ErrorBody),
        (status = 409, description = "A role with that name exists", body = ErrorBody),
    )
)]
pub async fn create_role(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<CreateRoleBody>,
) -> Result<Created<Role>, ApiError> {
    Ok(Created(
        rbac::create_role(
            &state.services.db,
            &ctx,
            &body.name,
            body.description.map(Into::into),
            body.permissions.into_iter().map(Into::into).collect(),
        )
        .await?,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::get_role(&state.services.db, &ctx, path.id).await?,
    ))
}

/// Edits a role's name, description or permissions.
#[utoipa::path(
    patch,
    path = "/v1/rbac/roles/{id}",
    tag = "rbac",
    params(("id" = Uuid, Path, description = "Role id")),
    request_body = UpdateRoleBody,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<UpdateRoleBody>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::update_role(
            &state.services.db,
            &ctx,
            path.id,
            body.name.map(Into::into),
            body.description.map(Into::into),
            body.permissions
                .map(|p| p.into_iter().map(Into::into).collect()),
        )
        .await?,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::delete_role(&state.services.db, &ctx, path.id).await?,
    ))
}

/// Every permission the module registry defines (the whole catalogue, unpaged).
#[utoipa::path(
    get,
    path = "/v1/rbac/permissions",
    tag = "rbac",
    responses(
        (status = 200, description = "The permission catalogue", body = DataDoc<Vec<PermissionView>>),
    )
)]
pub async fn permissions() -> Result<Data<Vec<PermissionView>>, ApiError> {
    Ok(Data(
        rbac::permission_catalog()?
            .into_iter()
            .map(|(key, module)| PermissionView { key, module })
            .collect(),
    ))
}

// ---------------------------------------------------------------- users

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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<UserView>, ApiError> {
    let page = identity::list_users(&state.services.db, &ctx, params.request()?).await?;
    let items = UserView::many(&state, &ctx, page.items).await?;
    Ok(Paged(Page {
        items,
        has_next_page: page.has_next_page,
        end_cursor: page.end_cursor,
    }))
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<UserView>, ApiError> {
    let user = identity::set_user_active(&state.services.db, &ctx, path.id.into(), false).await?;
    Ok(Data(UserView::one(&state, &ctx, user).await?))
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<UserView>, ApiError> {
    let user = identity::set_user_active(&state.services.db, &ctx, path.id.into(), true).await?;
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<AssignmentPath>,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<AssignmentPath>,
) -> Result<Data<Role>, ApiError> {
    Ok(Data(
        rbac::unassign_role(&state.services.db, &ctx, path.user_id, path.role_id).await?,
    ))
}

// ---------------------------------------------------------------- API keys

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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<PageParams>,
) -> Result<Paged<ApiKey>, ApiError> {
    let page = params.request()?;
    let keys = api_keys::list(&state.services.db, &ctx).await?;
    Ok(page_of(keys, page, |k| k.id)?.into())
}

/// Creates an API key. The secret is in this answer and nowhere else, ever again.
#[utoipa::path(
    post,
    path = "/v1/rbac/api-keys",
    tag = "rbac",
    request_body = CreateApiKeyBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The key and its secret", body = DataDoc<CreatedApiKey>),
        (status = 400, description = "Invalid name, permissions or expiry", body = ErrorBody),
        (status = 403, description = "Missing `admin.api_keys.manage`, or a permission you do not hold", body = ErrorBody),
    )
)]
pub async fn create_api_key(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    JsonBody(body): JsonBody<CreateApiKeyBody>,
) -> Result<Created<CreatedApiKey>, ApiError> {
    Ok(Created(
        api_keys::create(
            &state.services.db,
            &ctx,
            &body.name,
            body.permissions.into_iter().map(Into::into).collect(),
            body.expires_at,
        )
        .await?,
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
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<ApiKey>, ApiError> {
    Ok(Data(
        api_keys::revoke(&state.services.db, &ctx, path.id).await?,
    ))
}

// ---------------------------------------------------------------- audit

/// The business's audit trail, newest first.
#[utoipa::path(
    get,
    path = "/v1/rbac/audit-events",
    tag = "rbac",
    params(AuditParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of audit events", body = PagedDoc<AuditEvent>),
        (status = 400, description = "Bad filter, page size or cursor", body = ErrorBody),
        (status = 403, description = "Missing `admin.audit.read`", body = ErrorBody),
    )
)]
pub async fn audit_events(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    QueryParams(params): QueryParams<AuditParams>,
) -> Result<Paged<AuditEvent>, ApiError> {
    let page = PageParams {
        first: params.first,
        after: params.after,
    }
    .request()?;
    let filter = AuditFilter {
        action: params.action,
        entity_type: params.entity_type,
        entity_id: params.entity_id,
        actor_id: params.actor_id,
        from: params.from,
        to: params.to,
    };
    Ok(audit::list(&state.services.db, &ctx, filter, page)
        .await?
        .into())
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{delete, get, post, put};
    axum::Router::new()
        .route("/rbac/roles", get(list_roles).post(create_role))
        .route(
            "/rbac/roles/{id}",
            get(get_role).patch(update_role).delete(delete_role),
        )
        .route("/rbac/permissions", get(permissions))
        .route("/rbac/users", get(list_users).post(create_user))
        .route("/rbac/users/{id}", get(get_user))
        .route("/rbac/users/{id}/deactivate", post(deactivate_user))
        .route("/rbac/users/{id}/reactivate", post(reactivate_user))
        .route(
            "/rbac/users/{userId}/roles/{roleId}",
            put(assign_role).delete(unassign_role),
        )
        .route("/rbac/api-keys", get(list_api_keys).post(create_api_key))
        .route("/rbac/api-keys/{id}", delete(revoke_api_key))
        .route("/rbac/audit-events", get(audit_events))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_roles,
    create_role,
    get_role,
    update_role,
    delete_role,
    permissions,
    list_users,
    create_user,
    get_user,
    deactivate_user,
    reactivate_user,
    assign_role,
    unassign_role,
    list_api_keys,
    create_api_key,
    revoke_api_key,
    audit_events
))]
pub struct Api;
