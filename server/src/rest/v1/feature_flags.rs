//! Feature flags and entitlements over REST: `/v1/feature-flags` and
//! `/v1/entitlements` for a business's apps, `/v1/superadmin/feature-flags`
//! and `/v1/superadmin/tenants/{id}/...` for the operator, over the same
//! services as GraphQL.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody, PathParams, QueryParams};
use crate::state::AppState;
use schema::entitlements::{self, Entitlements};
use schema::feature_flags::{
    self, FeatureFlag, FeatureFlagPatch, FlagEvaluation, FlagOverride, NewFeatureFlag,
};
use schema::superadmin::OperatorReason;
use schema::text::{FlagValue, Key};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// `/{key}` of a flag.
#[derive(Debug, Deserialize)]
pub struct FlagPath {
    pub key: Key,
}

/// `/tenants/{id}/feature-flags/{key}`.
#[derive(Debug, Deserialize)]
pub struct TenantFlagPath {
    pub id: Uuid,
    pub key: Key,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DefaultParam {
    /// What to answer if there is no such flag.
    pub default: FlagValue,
}

#[utoipa::path(get, path = "/v1/feature-flags", tag = "feature-flags", security(("bearer" = [])),
    responses((status = 200, description = "Every flag, evaluated for the business, with its reason", body = DataDoc<Vec<FlagEvaluation>>),
              (status = 401, description = "Not signed in to a business", body = ErrorBody)))]
pub async fn evaluate_all(
    Caller { state, ctx }: Caller,
) -> Result<Data<Vec<FlagEvaluation>>, ApiError> {
    Ok(Data(
        feature_flags::evaluate_all(&state.services.db, &ctx).await?,
    ))
}

#[utoipa::path(get, path = "/v1/feature-flags/{key}", tag = "feature-flags", security(("bearer" = [])), params(("key" = String, Path, description = "Flag key"), DefaultParam),
    responses((status = 200, description = "The flag for the business; an unknown flag answers `default` with reason `ERROR` and `errorCode` `FLAG_NOT_FOUND`", body = DataDoc<FlagEvaluation>),
              (status = 400, description = "Malformed key or default", body = ErrorBody),
              (status = 401, description = "Not signed in to a business", body = ErrorBody)))]
pub async fn evaluate_one(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<FlagPath>,
    QueryParams(params): QueryParams<DefaultParam>,
) -> Result<Data<FlagEvaluation>, ApiError> {
    Ok(Data(
        feature_flags::evaluate_one(
            &state.services.db,
            &ctx,
            path.key.as_str(),
            params.default.as_str(),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/entitlements", tag = "feature-flags", security(("bearer" = [])),
    responses((status = 200, description = "Plan, modules and features, limits with usage, and flags, each with its source", body = DataDoc<Entitlements>),
              (status = 401, description = "Not signed in to a business", body = ErrorBody)))]
pub async fn mine(Caller { state, ctx }: Caller) -> Result<Data<Entitlements>, ApiError> {
    Ok(Data(entitlements::mine(&state.services.db, &ctx).await?))
}

#[utoipa::path(get, path = "/v1/superadmin/feature-flags", tag = "superadmin", security(("bearer" = [])),
    responses((status = 200, description = "Every flag's definition, plan values and override count", body = DataDoc<Vec<FeatureFlag>>),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn list(Caller { state, ctx }: Caller) -> Result<Data<Vec<FeatureFlag>>, ApiError> {
    Ok(Data(feature_flags::list(&state.services.db, &ctx).await?))
}

#[utoipa::path(post, path = "/v1/superadmin/feature-flags", tag = "superadmin", security(("bearer" = [])), request_body = NewFeatureFlag,
    responses((status = 201, description = "The new flag", body = DataDoc<FeatureFlag>),
              (status = 400, description = "Bad key, values, rollout or plan values, or no reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 409, description = "A flag with that key exists", body = ErrorBody)))]
pub async fn create(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewFeatureFlag>,
) -> Result<Created<FeatureFlag>, ApiError> {
    Ok(Created(
        feature_flags::create(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/superadmin/feature-flags/{key}", tag = "superadmin", security(("bearer" = [])), request_body = FeatureFlagPatch,
    params(("key" = String, Path, description = "Flag key")),
    responses((status = 200, description = "The flag after the change", body = DataDoc<FeatureFlag>),
              (status = 400, description = "Bad value, rollout or plan values, or no reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such flag", body = ErrorBody)))]
pub async fn update(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<FlagPath>,
    JsonBody(body): JsonBody<FeatureFlagPatch>,
) -> Result<Data<FeatureFlag>, ApiError> {
    Ok(Data(
        feature_flags::update(&state.services.db, &ctx, path.key.as_str(), body).await?,
    ))
}

#[utoipa::path(delete, path = "/v1/superadmin/feature-flags/{key}", tag = "superadmin", security(("bearer" = [])), request_body = OperatorReason,
    params(("key" = String, Path, description = "Flag key")),
    responses((status = 200, description = "The flag as it was; callers now get their own default", body = DataDoc<FeatureFlag>),
              (status = 400, description = "No reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such flag", body = ErrorBody)))]
pub async fn delete(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<FlagPath>,
    JsonBody(body): JsonBody<OperatorReason>,
) -> Result<Data<FeatureFlag>, ApiError> {
    Ok(Data(
        feature_flags::delete(&state.services.db, &ctx, path.key.as_str(), body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/superadmin/tenants/{id}/feature-flags", tag = "superadmin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "Every flag evaluated for the business", body = DataDoc<Vec<FlagEvaluation>>),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such business", body = ErrorBody)))]
pub async fn of_tenant(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Vec<FlagEvaluation>>, ApiError> {
    Ok(Data(
        feature_flags::of_tenant(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(put, path = "/v1/superadmin/tenants/{id}/feature-flags/{key}", tag = "superadmin", security(("bearer" = [])), request_body = FlagOverride,
    params(("id" = Uuid, Path, description = "Tenant id"), ("key" = String, Path, description = "Flag key")),
    responses((status = 200, description = "The flag for the business after the change", body = DataDoc<FlagEvaluation>),
              (status = 400, description = "A value the flag does not take, or no reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such business or flag", body = ErrorBody)))]
pub async fn set_for_tenant(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<TenantFlagPath>,
    JsonBody(body): JsonBody<FlagOverride>,
) -> Result<Data<FlagEvaluation>, ApiError> {
    Ok(Data(
        feature_flags::set_for_tenant(
            &state.services.db,
            &ctx,
            path.id.into(),
            path.key.as_str(),
            body,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/superadmin/tenants/{id}/entitlements", tag = "superadmin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Tenant id")),
    responses((status = 200, description = "The business's plan, modules, limits and flags, each with its source", body = DataDoc<Entitlements>),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such business", body = ErrorBody)))]
pub async fn tenant_entitlements(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Entitlements>, ApiError> {
    Ok(Data(
        entitlements::of_tenant(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch, put};
    axum::Router::new()
        .route("/feature-flags", get(evaluate_all))
        .route("/feature-flags/{key}", get(evaluate_one))
        .route("/entitlements", get(mine))
        .route("/superadmin/feature-flags", get(list).post(create))
        .route(
            "/superadmin/feature-flags/{key}",
            patch(update).delete(delete),
        )
        .route("/superadmin/tenants/{id}/feature-flags", get(of_tenant))
        .route(
            "/superadmin/tenants/{id}/feature-flags/{key}",
            put(set_for_tenant),
        )
        .route(
            "/superadmin/tenants/{id}/entitlements",
            get(tenant_entitlements),
        )
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    evaluate_all,
    evaluate_one,
    mine,
    list,
    create,
    update,
    delete,
    of_tenant,
    set_for_tenant,
    tenant_entitlements
))]
pub struct Api;
