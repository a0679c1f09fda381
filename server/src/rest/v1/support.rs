//! The support inbox over REST: `/v1/support/*` for a business's apps,
//! `/v1/superadmin/support/*` for the operator's tools, over the same
//! services as GraphQL. Files are uploaded raw (`Content-Type` is the file's,
//! `?fileName=` names it) and then named by the ticket, reply or answer.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody, PagedDoc};
use crate::rest::{
    Caller, Created, Data, JsonBody, ListQuery, PageParams, Paged, PathParams, QueryParams,
};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, header};
use kernel::AppError;
use schema::support::attachments::{self, Upload, UploadFor};
use schema::support::read::SupportQueue;
use schema::support::{
    Assignment, NewSupportNote, NewSupportTicket, PriorityChange, QueueFilter, QueueSort,
    SettingsPatch, SlaPolicyChange, StatusChange, SupportAnswer, SupportAttachment,
    SupportCaseThread, SupportNote, SupportReply, SupportSettings, SupportThread, SupportTicket,
    TicketStatus, desk, read, settings, tickets,
};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct TicketListParams {
    pub status: Option<TicketStatus>,
}

#[utoipa::path(get, path = "/v1/support/tickets", tag = "support", security(("bearer" = [])), params(TicketListParams, PageParams),
    responses((status = 200, description = "The business's tickets, newest first", body = PagedDoc<SupportTicket>),
              (status = 400, description = "Bad status, page size or cursor", body = ErrorBody),
              (status = 403, description = "Missing `support.ticket.read`", body = ErrorBody)))]
pub async fn list(
    Caller { state, ctx }: Caller,
    ListQuery { filter, page }: ListQuery<TicketListParams>,
) -> Result<Paged<SupportTicket>, ApiError> {
    Ok(Paged(
        read::tickets(&state.services.db, &ctx, filter.status, page).await?,
    ))
}

#[utoipa::path(post, path = "/v1/support/tickets", tag = "support", security(("bearer" = [])), request_body = NewSupportTicket,
    responses((status = 201, description = "Opened, with its first message", body = DataDoc<SupportThread>),
              (status = 400, description = "Bad subject, body, category, or attachment ids that are not the caller's unattached uploads, or over the file limits", body = ErrorBody),
              (status = 403, description = "Missing `support.ticket.write`, or an API key (people open tickets)", body = ErrorBody)))]
pub async fn open(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewSupportTicket>,
) -> Result<Created<SupportThread>, ApiError> {
    Ok(Created(
        tickets::open(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/support/tickets/{id}", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket and its public conversation", body = DataDoc<SupportThread>),
              (status = 404, description = "No such ticket of this business", body = ErrorBody),
              (status = 403, description = "Missing the `support.ticket.*` permission, or the support module is off", body = ErrorBody)))]
pub async fn thread(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<SupportThread>, ApiError> {
    Ok(Data(
        read::thread(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/support/tickets/{id}/replies", tag = "support", security(("bearer" = [])), request_body = SupportReply,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "Replied; a solved ticket reopens", body = DataDoc<SupportThread>),
              (status = 400, description = "Bad body or attachments", body = ErrorBody),
              (status = 404, description = "No such ticket of this business", body = ErrorBody),
              (status = 409, description = "The ticket is closed", body = ErrorBody),
              (status = 403, description = "Missing the `support.ticket.*` permission, or the support module is off", body = ErrorBody)))]
pub async fn reply(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<SupportReply>,
) -> Result<Data<SupportThread>, ApiError> {
    Ok(Data(
        tickets::reply(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/support/tickets/{id}/solve", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "Solved; it closes after the operator's delay unless someone replies", body = DataDoc<SupportTicket>),
              (status = 404, description = "No such ticket of this business", body = ErrorBody),
              (status = 409, description = "Already solved or closed", body = ErrorBody),
              (status = 403, description = "Missing the `support.ticket.*` permission, or the support module is off", body = ErrorBody)))]
pub async fn solve(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<SupportTicket>, ApiError> {
    Ok(Data(
        tickets::solve(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct UploadParams {
    /// The file's name as the user sees it.
    pub file_name: String,
}

fn upload_of(headers: &HeaderMap, params: UploadParams, bytes: Bytes) -> Upload {
    Upload {
        file_name: params.file_name,
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        bytes: bytes.to_vec(),
    }
}

#[utoipa::path(post, path = "/v1/support/uploads", tag = "support", security(("bearer" = [])), params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes; `Content-Type` is the file's media type"),
    responses((status = 201, description = "Stored; name its id in `attachmentIds` within a day", body = DataDoc<SupportAttachment>),
              (status = 400, description = "Empty, bad name or media type", body = ErrorBody),
              (status = 403, description = "Missing `support.ticket.write`", body = ErrorBody),
              (status = 413, description = "Larger than `SUPPORT_ATTACHMENT_MAX_BYTES`", body = ErrorBody)))]
pub async fn upload(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<UploadParams>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Created<SupportAttachment>, ApiError> {
    let file = upload_of(&headers, params, bytes);
    Ok(Created(
        attachments::upload(&state.services, &ctx, UploadFor::Business, file).await?,
    ))
}

#[utoipa::path(get, path = "/v1/support/attachments/{id}", tag = "support", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, for the business it belongs to or a superadmin"),
              (status = 404, description = "No such attachment of this business", body = ErrorBody),
              (status = 403, description = "Missing the `support.ticket.*` permission, or the support module is off", body = ErrorBody)))]
pub async fn download(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Response, ApiError> {
    let (file, attachment) = attachments::download(&state.services, &ctx, path.id.into()).await?;
    let handle = tokio::fs::File::open(&file)
        .await
        .map_err(|e| AppError::internal(format!("opening attachment {}: {e}", file.display())))?;
    let name: String = attachment
        .file_name
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, attachment.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(handle)),
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct QueueParams {
    #[serde(default)]
    #[param(inline)]
    pub sort: QueueSort,
    /// Page size, 1 to 100 (default 50).
    pub first: Option<i32>,
    /// How many cases to skip.
    pub offset: Option<i32>,
}

#[utoipa::path(get, path = "/v1/superadmin/support/queue", tag = "superadmin", security(("bearer" = [])), params(QueueFilter, QueueParams),
    responses((status = 200, description = "The queue, by SLA due time unless told otherwise", body = DataDoc<SupportQueue>),
              (status = 400, description = "Bad filter, sort or page", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn queue(
    Caller { state, ctx }: Caller,
    QueryParams(filter): QueryParams<QueueFilter>,
    QueryParams(params): QueryParams<QueueParams>,
) -> Result<Data<SupportQueue>, ApiError> {
    Ok(Data(
        read::queue(
            &state.services.db,
            &ctx,
            filter,
            params.sort,
            params.first,
            params.offset,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/superadmin/support/tickets/{id}", tag = "superadmin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "The case: conversation, internal notes, SLA clocks", body = DataDoc<SupportCaseThread>),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn case(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<SupportCaseThread>, ApiError> {
    Ok(Data(
        read::case(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/support/tickets/{id}/answers", tag = "superadmin", security(("bearer" = [])), request_body = SupportAnswer,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "Answered publicly; the requester is emailed", body = DataDoc<SupportCaseThread>),
              (status = 400, description = "Bad body, status or attachments", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "The ticket is closed", body = ErrorBody)))]
pub async fn answer(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<SupportAnswer>,
) -> Result<Data<SupportCaseThread>, ApiError> {
    Ok(Data(
        desk::answer(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/support/tickets/{id}/notes", tag = "superadmin", security(("bearer" = [])), request_body = NewSupportNote,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 201, description = "Noted; the business never sees it", body = DataDoc<SupportNote>),
              (status = 403, description = "Not a superadmin", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody)))]
pub async fn note(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<NewSupportNote>,
) -> Result<Created<SupportNote>, ApiError> {
    Ok(Created(
        desk::note(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/support/tickets/{id}/assignment", tag = "superadmin", security(("bearer" = [])), request_body = Assignment,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "Assigned (or unassigned)", body = DataDoc<SupportCaseThread>),
              (status = 400, description = "Not an active superadmin, or no reason", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn assign(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<Assignment>,
) -> Result<Data<SupportCaseThread>, ApiError> {
    Ok(Data(
        desk::assign(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/support/tickets/{id}/status", tag = "superadmin", security(("bearer" = [])), request_body = StatusChange,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "Moved, clocks with it", body = DataDoc<SupportCaseThread>),
              (status = 400, description = "Back to NEW, or no reason", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "A closed ticket, or CLOSED from anything but SOLVED", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn set_status(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<StatusChange>,
) -> Result<Data<SupportCaseThread>, ApiError> {
    Ok(Data(
        desk::set_status(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/support/tickets/{id}/priority", tag = "superadmin", security(("bearer" = [])), request_body = PriorityChange,
    params(("id" = Uuid, Path, description = "Ticket id")),
    responses((status = 200, description = "Reprioritised; running clocks take the new targets", body = DataDoc<SupportCaseThread>),
              (status = 400, description = "No reason", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 409, description = "The ticket is closed", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn set_priority(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<PriorityChange>,
) -> Result<Data<SupportCaseThread>, ApiError> {
    Ok(Data(
        desk::set_priority(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/superadmin/support/tickets/{id}/uploads", tag = "superadmin", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Ticket id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes; `Content-Type` is the file's media type"),
    responses((status = 201, description = "Stored for an answer on this ticket", body = DataDoc<SupportAttachment>),
              (status = 400, description = "Empty, bad name or media type", body = ErrorBody),
              (status = 404, description = "No such ticket", body = ErrorBody),
              (status = 413, description = "Larger than `SUPPORT_ATTACHMENT_MAX_BYTES`", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn operator_upload(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    QueryParams(params): QueryParams<UploadParams>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Created<SupportAttachment>, ApiError> {
    let file = upload_of(&headers, params, bytes);
    let for_ = UploadFor::Operator(path.id.into());
    Ok(Created(
        attachments::upload(&state.services, &ctx, for_, file).await?,
    ))
}

#[utoipa::path(get, path = "/v1/superadmin/support/settings", tag = "superadmin", security(("bearer" = [])),
    responses((status = 200, description = "The desk's calendar, rules and SLA targets", body = DataDoc<SupportSettings>),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn get_settings(
    Caller { state, ctx }: Caller,
) -> Result<Data<SupportSettings>, ApiError> {
    Ok(Data(settings::get(&state.services.db, &ctx).await?))
}

#[utoipa::path(patch, path = "/v1/superadmin/support/settings", tag = "superadmin", security(("bearer" = [])), request_body = SettingsPatch,
    responses((status = 200, description = "Changed; running clocks are re-timed", body = DataDoc<SupportSettings>),
              (status = 400, description = "Bad zone, hours, limits, or no reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn update_settings(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<SettingsPatch>,
) -> Result<Data<SupportSettings>, ApiError> {
    Ok(Data(
        settings::update(&state.services.db, &ctx, body).await?,
    ))
}

#[utoipa::path(put, path = "/v1/superadmin/support/sla-policies", tag = "superadmin", security(("bearer" = [])), request_body = SlaPolicyChange,
    responses((status = 200, description = "The priority's new targets, for tickets opened or reprioritised from now", body = DataDoc<SupportSettings>),
              (status = 400, description = "Targets out of range, or no reason", body = ErrorBody),
              (status = 403, description = "Not a superadmin", body = ErrorBody)))]
pub async fn set_policy(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<SlaPolicyChange>,
) -> Result<Data<SupportSettings>, ApiError> {
    Ok(Data(
        settings::set_policy(&state.services.db, &ctx, body).await?,
    ))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post, put};
    axum::Router::new()
        .route("/support/tickets", get(list).post(open))
        .route("/support/tickets/{id}", get(thread))
        .route("/support/tickets/{id}/replies", post(reply))
        .route("/support/tickets/{id}/solve", post(solve))
        .route("/support/uploads", post(upload))
        .route("/support/attachments/{id}", get(download))
        .route("/superadmin/support/queue", get(queue))
        .route("/superadmin/support/tickets/{id}", get(case))
        .route("/superadmin/support/tickets/{id}/answers", post(answer))
        .route("/superadmin/support/tickets/{id}/notes", post(note))
        .route("/superadmin/support/tickets/{id}/assignment", post(assign))
        .route("/superadmin/support/tickets/{id}/status", post(set_status))
        .route(
            "/superadmin/support/tickets/{id}/priority",
            post(set_priority),
        )
        .route(
            "/superadmin/support/tickets/{id}/uploads",
            post(operator_upload),
        )
        .route(
            "/superadmin/support/settings",
            get(get_settings).patch(update_settings),
        )
        .route("/superadmin/support/sla-policies", put(set_policy))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    open,
    thread,
    reply,
    solve,
    upload,
    download,
    queue,
    case,
    answer,
    note,
    assign,
    set_status,
    set_priority,
    operator_upload,
    get_settings,
    update_settings,
    set_policy
))]
pub struct Api;
