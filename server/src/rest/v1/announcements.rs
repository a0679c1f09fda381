//! Announcements over REST: `/v1/support/announcements` for a business's
//! apps, `/v1/superadmin/announcements` for the operator's tools, over the
//! same services as GraphQL.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody, PathParams, QueryParams};
use crate::state::AppState;
use schema::announcements::{self, Announcement, AnnouncementPatch, NewAnnouncement, Notice};
use schema::superadmin::OperatorReason;
use serde::Deserialize;
use utoipa::IntoParams;

#[utoipa::path(get, path = "/v1/support/announcements", tag = "support", security(("bearer" = [])),
    responses((status = 200, description = "The operator's announcements meant for the business now, without those the caller dismissed since their last edit; loudest first", body = DataDoc<Vec<Notice>>),
              (status = 401, description = "Not signed in to a business", body = ErrorBody)))]
pub async fn visible(Caller { state, ctx }: Caller) -> Result<Data<Vec<Notice>>, ApiError> {
    Ok(Data(
        announcements::visible(&state.services.db, &ctx).await?,
    ))
}

#[utoipa::path(post, path = "/v1/support/announcements/{id}/dismiss", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Announcement id")),
    responses((status = 200, description = "Dismissed for the caller until the announcement is next edited", body = DataDoc<Notice>),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "An API key (only users dismiss)", body = ErrorBody),
              (status = 404, description = "No live announcement with that id for this business", body = ErrorBody),
              (status = 409, description = "The announcement cannot be dismissed", body = ErrorBody)))]
pub async fn dismiss(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Notice>, ApiError> {
    Ok(Data(
        announcements::dismiss(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    /// Include ended and withdrawn announcements.
    #[serde(default)]
    pub include_past: bool,
}

#[utoipa::path(get, path = "/v1/superadmin/announcements", tag = "superadmin", security(("bearer" = [])), params(ListParams),
    responses((status = 200, description = "Announcements to come and live (with `includePast`, all), newest first", body = DataDoc<Vec<Announcement>>),
              (status = 400, description = "Bad query parameter", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn list(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Data<Vec<Announcement>>, ApiError> {
    Ok(Data(
        announcements::list(&state.services.db, &ctx, params.include_past).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/announcements", tag = "superadmin", security(("bearer" = [])), request_body = NewAnnouncement,
    responses((status = 201, description = "Announced; live at once when it starts now", body = DataDoc<Announcement>),
              (status = 400, description = "Bad window, audience, unknown tenants or plans, or no reason", body = ErrorBody),
              (status = 401, description = "Not signed in", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn create(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewAnnouncement>,
) -> Result<Created<Announcement>, ApiError> {
    Ok(Created(
        announcements::create(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(patch, path = "/v1/superadmin/announcements/{id}", tag = "superadmin", security(("bearer" = [])), request_body = AnnouncementPatch,
    params(("id" = Uuid, Path, description = "Announcement id")),
    responses((status = 200, description = "The new revision (dismissals lapse)", body = DataDoc<Announcement>),
              (status = 400, description = "Bad window or audience, or no reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such announcement", body = ErrorBody),
              (status = 409, description = "Ended or withdrawn", body = ErrorBody)))]
pub async fn update(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<AnnouncementPatch>,
) -> Result<Data<Announcement>, ApiError> {
    Ok(Data(
        announcements::update(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/announcements/{id}/withdraw", tag = "superadmin", security(("bearer" = [])), request_body = OperatorReason,
    params(("id" = Uuid, Path, description = "Announcement id")),
    responses((status = 200, description = "Withdrawn: gone from every business's list", body = DataDoc<Announcement>),
              (status = 400, description = "No reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such announcement", body = ErrorBody),
              (status = 409, description = "Already withdrawn", body = ErrorBody)))]
pub async fn withdraw(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<OperatorReason>,
) -> Result<Data<Announcement>, ApiError> {
    Ok(Data(
        announcements::withdraw(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, patch, post};
    axum::Router::new()
        .route("/support/announcements", get(visible))
        .route("/support/announcements/{id}/dismiss", post(dismiss))
        .route("/superadmin/announcements", get(list).post(create))
        .route("/superadmin/announcements/{id}", patch(update))
        .route("/superadmin/announcements/{id}/withdraw", post(withdraw))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(visible, dismiss, list, create, update, withdraw))]
pub struct Api;
