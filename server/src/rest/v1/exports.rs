//! `/v1/exports`: ask for a report or backup file, follow it, download it.

use super::IdPath;
use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody, PathParams};
use crate::state::AppState;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header;
use kernel::AppError;
use schema::reporting::exports::{self, Export, ExportRequest};

/// The business's recent exports the caller may download.
#[utoipa::path(get, path = "/v1/exports", tag = "exports", security(("bearer" = [])),
    responses((status = 200, description = "Exports, newest first", body = DataDoc<Vec<Export>>),
              (status = 401, description = "Not signed in", body = ErrorBody)))]
pub async fn list(Caller { state, ctx }: Caller) -> Result<Data<Vec<Export>>, ApiError> {
    Ok(Data(exports::list(&state.services, &ctx).await?))
}

/// Asks for an export; a background job writes it.
#[utoipa::path(post, path = "/v1/exports", tag = "exports", security(("bearer" = [])), request_body = ExportRequest,
    responses((status = 201, description = "Queued", body = DataDoc<Export>),
              (status = 403, description = "Missing the permission", body = ErrorBody)))]
pub async fn request(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<ExportRequest>,
) -> Result<Created<Export>, ApiError> {
    Ok(Created(
        exports::request(&state.services, &ctx, body.kind).await?,
    ))
}

/// The finished file. Only the business it belongs to can download it.
#[utoipa::path(get, path = "/v1/exports/{id}/download", tag = "exports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Export id")),
    responses((status = 200, description = "The file (CSV or JSON)"),
              (status = 404, description = "No such export for this business", body = ErrorBody),
              (status = 409, description = "Not finished yet", body = ErrorBody)))]
pub async fn download(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Response, ApiError> {
    let (file, export) = exports::download(&state.services, &ctx, path.id.into()).await?;
    let handle = tokio::fs::File::open(&file)
        .await
        .map_err(|e| AppError::internal(format!("opening export {}: {e}", file.display())))?;
    let name = export
        .file_name
        .unwrap_or_else(|| format!("{}.dat", export.id));
    let disposition = format!("attachment; filename=\"{}\"", name.replace('"', ""));
    Ok((
        [
            (header::CONTENT_TYPE, export.kind.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(tokio_util::io::ReaderStream::new(handle)),
    )
        .into_response())
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/exports", get(list).post(request))
        .route("/exports/{id}/download", get(download))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, request, download))]
pub struct Api;
