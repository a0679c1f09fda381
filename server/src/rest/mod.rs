//! The REST `/v1` compatibility API for integrators. Success is
//! `{ "data": ..., "pagination"?: ... }`; failure is
//! `{ "error": { "code", "message", "details"? } }` (see `http::errors`).
//! Handlers call the same service functions as the GraphQL resolvers.
//!
//! Every handler starts from a [`Caller`] (the state and the request's
//! context). The extractors here ([`JsonBody`], [`PathParams`],
//! [`QueryParams`]) turn every malformed input into a `VALIDATION` error of the
//! taxonomy, never a bare 4xx text.

pub mod openapi;
pub mod v1;

use crate::http::errors::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{ExtensionRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use http::request::Parts;
use http::{HeaderMap, StatusCode, header};
use kernel::{AppError, AppResult, RequestContext};
use schema::pagination::{Page, PageRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use uuid::Uuid;

/// Wraps a handler's result in `{ "data": ... }` (200).
pub struct Data<T>(pub T);

/// Like [`Data`], with `201 Created`.
pub struct Created<T>(pub T);

/// A page of a list: `{ "data": [...], "pagination": { "hasNextPage", "endCursor" } }` (200).
pub struct Paged<T>(pub Page<T>);

/// `{ "data": T }`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = DataDoc)]
pub struct Envelope<T> {
    data: T,
}

/// Where a page ends: pass `endCursor` as `after` for the next one.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pagination {
    has_next_page: bool,
    end_cursor: Option<String>,
}

/// `{ "data": [T], "pagination": {...} }`.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = PagedDoc)]
pub struct PagedEnvelope<T> {
    data: Vec<T>,
    pagination: Pagination,
}

impl<T: Serialize> IntoResponse for Data<T> {
    fn into_response(self) -> Response {
        Json(Envelope { data: self.0 }).into_response()
    }
}

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (StatusCode::CREATED, Json(Envelope { data: self.0 })).into_response()
    }
}

impl<T: Serialize> IntoResponse for Paged<T> {
    fn into_response(self) -> Response {
        let page = self.0;
        Json(PagedEnvelope {
            data: page.items,
            pagination: Pagination {
                has_next_page: page.has_next_page,
                end_cursor: page.end_cursor,
            },
        })
        .into_response()
    }
}

impl<T> From<Page<T>> for Paged<T> {
    fn from(page: Page<T>) -> Self {
        Self(page)
    }
}

/// A page of views over a page the service returned: `view` turns all its
/// items at once (one batch of queries, never one per item); where the page
/// stands in the list is unchanged.
pub async fn view_page<T, V>(
    page: Page<T>,
    view: impl AsyncFnOnce(Vec<T>) -> AppResult<Vec<V>>,
) -> AppResult<Paged<V>> {
    Ok(Paged(Page {
        items: view(page.items).await?,
        has_next_page: page.has_next_page,
        end_cursor: page.end_cursor,
    }))
}

/// `?first=&after=` of every paginated list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100 (default 50).
    pub first: Option<i64>,
    /// The `endCursor` of the previous page.
    pub after: Option<String>,
}

impl PageParams {
    pub fn request(&self) -> AppResult<PageRequest> {
        PageRequest::new(self.first, self.after.as_deref())
    }
}

/// The query string of a filtered list: the list's own filter `F` and
/// `?first=&after=`, each read by [`QueryParams`]; an operation documents it
/// as `params(F, PageParams)`.
pub struct ListQuery<F> {
    pub filter: F,
    pub page: PageRequest,
}

impl<F, S> FromRequestParts<S> for ListQuery<F>
where
    F: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let QueryParams(filter) = QueryParams::<F>::from_request_parts(parts, state).await?;
        let QueryParams(page) = QueryParams::<PageParams>::from_request_parts(parts, state).await?;
        Ok(Self {
            filter,
            page: page.request()?,
        })
    }
}

/// Pages a complete, ordered list the service returns whole (roles, API
/// keys), so every list of the API pages the same way. The cursor is the
/// last item's id; a cursor not in the list is `VALIDATION`.
pub fn page_of<T>(items: Vec<T>, req: PageRequest, id: impl Fn(&T) -> Uuid) -> AppResult<Page<T>> {
    let rest = match req.after {
        None => items,
        Some(after) => {
            let at = items.iter().position(|i| id(i) == after).ok_or_else(|| {
                AppError::invalid_field("after", "is not a cursor from this list")
            })?;
            items.into_iter().skip(at + 1).collect()
        }
    };
    Ok(req.finish(rest, id))
}

// ---------------------------------------------------------------- extractors

/// Who calls and with what: the application's state and the request's
/// context (actor, clock, request id) that the middleware attached. Every
/// handler takes it first, as `Caller { state, ctx }: Caller`.
pub struct Caller {
    pub state: AppState,
    pub ctx: RequestContext,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ExtensionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Extension(ctx) = Extension::<RequestContext>::from_request_parts(parts, state).await?;
        Ok(Self {
            state: state.clone(),
            ctx,
        })
    }
}

/// A JSON request body. Wrong content type, malformed JSON, missing fields
/// and wrong types are `VALIDATION` (415 for the content type, 413 for size),
/// naming the field in `details.fields` when there is one.
pub struct JsonBody<T>(pub T);

fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|mime| {
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

/// The field a serde error is about, when it names one: `missing field `x``,
/// or a `path: message` from the path-tracking deserializer.
fn field_of(detail: &str) -> Option<(String, String)> {
    if let Some(rest) = detail.strip_prefix("missing field `")
        && let Some((field, _)) = rest.split_once('`')
    {
        return Some((field.to_owned(), "is required".to_owned()));
    }
    let (path, message) = detail.split_once(": ")?;
    let looks_like_path = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    looks_like_path.then(|| (path.to_owned(), strip_position(message).to_owned()))
}

/// `... at line 1 column 7` is noise for a client that sent one line.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::JsonSyntaxError(_) => {
            let detail = text
                .strip_prefix("Failed to parse the request body as JSON: ")
                .unwrap_or(&text);
            AppError::validation(format!("malformed JSON body: {detail}"))
        }
        JsonRejection::JsonDataError(_) => {
            let detail = text
                .strip_prefix("Failed to deserialize the JSON body into the target type: ")
                .unwrap_or(&text);
            let err =
                AppError::validation(format!("invalid request body: {}", strip_position(detail)));
            match field_of(detail) {
                Some((field, message)) => err.with_details(json!({ "fields": { field: message } })),
                None => err,
            }
        }
        JsonRejection::MissingJsonContentType(_) => {
            AppError::validation("expected `Content-Type: application/json`").with_status(415)
        }
        JsonRejection::BytesRejection(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::validation("request body too large").with_status(413)
        }
        _ => AppError::validation(format!("could not read the request body: {text}")),
    }
}

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(req.headers()) {
            return Err(
                json_rejection(JsonRejection::MissingJsonContentType(Default::default())).into(),
            );
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            ApiError(if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::validation("request body too large").with_status(413)
            } else {
                AppError::validation(format!(
                    "could not read the request body: {}",
                    r.body_text()
                ))
            })
        })?;
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(Self(value)),
            // Every body of this API is an object; say so rather than what serde tried.
            Err(JsonRejection::JsonDataError(_))
                if bytes.trim_ascii_start().first() != Some(&b'{') =>
            {
                Err(AppError::validation("the request body must be a JSON object").into())
            }
            Err(rejection) => Err(json_rejection(rejection).into()),
        }
    }
}

/// Path parameters (ids are UUIDs); a value that does not parse is
/// `VALIDATION` naming the parameter.
pub struct PathParams<T>(pub T);

fn path_rejection(rejection: PathRejection) -> AppError {
    use axum::extract::path::ErrorKind;
    let PathRejection::FailedToDeserializePathParams(failed) = &rejection else {
        return AppError::internal(format!("path parameters: {}", rejection.body_text()));
    };
    let (key, value, reason) = match failed.kind() {
        ErrorKind::ParseErrorAtKey {
            key,
            value,
            expected_type,
        } => (
            key.clone(),
            value.clone(),
            format!("expected {expected_type}"),
        ),
        ErrorKind::DeserializeError {
            key,
            value,
            message,
        } => (key.clone(), value.clone(), message.clone()),
        ErrorKind::InvalidUtf8InPathParam { key } => {
            (key.clone(), String::new(), "is not valid UTF-8".to_owned())
        }
        ErrorKind::ParseError {
            value,
            expected_type,
        } => (
            "path".to_owned(),
            value.clone(),
            format!("expected {expected_type}"),
        ),
        _ => return AppError::validation(format!("invalid path: {}", rejection.body_text())),
    };
    let message = if reason.contains("UUID") {
        "must be a UUID".to_owned()
    } else {
        reason
    };
    AppError::validation(format!("path parameter `{key}` {message} (got `{value}`)"))
        .with_details(json!({ "fields": { key: message } }))
}

impl<T, S> FromRequestParts<S> for PathParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(path_rejection(rejection).into()),
        }
    }
}

/// Query parameters; a malformed or ill-typed one is `VALIDATION`.
pub struct QueryParams<T>(pub T);

fn query_rejection(rejection: QueryRejection) -> AppError {
    let text = rejection.body_text();
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&text);
    let err = AppError::validation(format!("invalid query string: {detail}"));
    match field_of(detail) {
        Some((field, message)) => err.with_details(json!({ "fields": { field: message } })),
        None => err,
    }
}

impl<T, S> FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_rejection(rejection).into()),
        }
    }
}

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The `Idempotency-Key` header, when sent; the service checks its shape.
pub fn idempotency_key(headers: &HeaderMap) -> AppResult<Option<&str>> {
    headers
        .get(IDEMPOTENCY_KEY)
        .map(|v| {
            v.to_str().map_err(|_| {
                AppError::invalid_field("Idempotency-Key", "must be visible ASCII characters")
            })
        })
        .transpose()
}

/// The `Idempotency-Key` header of a write that must have one.
pub fn required_idempotency_key(headers: &HeaderMap) -> AppResult<&str> {
    idempotency_key(headers)?.ok_or_else(|| {
        AppError::invalid_field(
            "Idempotency-Key",
            "is required: one per attempt, the same on every retry (a UUID is a good choice)",
        )
    })
}

pub fn router() -> Router<AppState> {
    v1::router().route("/openapi.json", axum::routing::get(openapi::document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field_of_serde_errors() {
        assert_eq!(
            field_of("missing field `name` at line 1 column 2"),
            Some(("name".into(), "is required".into()))
        );
        assert_eq!(
            field_of(
                "enabled: invalid type: string \"yes\", expected a boolean at line 1 column 17"
            ),
            Some((
                "enabled".into(),
                "invalid type: string \"yes\", expected a boolean".into()
            ))
        );
        assert_eq!(
            field_of("permissions[0]: invalid type: integer `1`, expected a string"),
            Some((
                "permissions[0]".into(),
                "invalid type: integer `1`, expected a string".into()
            ))
        );
        assert_eq!(field_of("invalid type: map, expected a string"), None);
        assert_eq!(field_of("expected value at line 1 column 1"), None);
    }

    #[test]
    fn pages_whole_lists() -> AppResult<()> {
        let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
        let first = page_of(ids.clone(), PageRequest::new(Some(2), None)?, |u| *u)?;
        assert_eq!(first.items, ids[..2]);
        assert!(first.has_next_page);
        let cursor = first.end_cursor.clone();
        let next = page_of(
            ids.clone(),
            PageRequest::new(Some(3), cursor.as_deref())?,
            |u| *u,
        )?;
        assert_eq!(next.items, ids[2..]);
        assert!(!next.has_next_page);
        let stranger = Uuid::now_v7().to_string();
        assert!(page_of(ids, PageRequest::new(None, Some(&stranger))?, |u| *u).is_err());
        Ok(())
    }

    #[test]
    fn json_content_types() {
        let mut headers = HeaderMap::new();
        assert!(!is_json_content_type(&headers));
        for (value, ok) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/merge-patch+json", true),
            ("text/plain", false),
            ("application/x-www-form-urlencoded", false),
        ] {
            headers.insert(header::CONTENT_TYPE, http::HeaderValue::from_static(value));
            assert_eq!(is_json_content_type(&headers), ok, "{value}");
        }
    }
}
