//! Error rendering for every HTTP response.
//!
//! Handlers return [`ApiError`], which only marks the response with the
//! [`AppError`]; the [`render`] middleware writes the body, because it knows
//! the request id and the path (GraphQL clients get GraphQL-shaped errors,
//! everyone else the REST wrapper). It also turns the bare 404/405/413
//! responses of the router and body limit into the taxonomy, and logs every
//! `INTERNAL` cause once, inside the request span.

use super::request_id::RequestId;
use axum::Json;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use kernel::{AppError, ErrorCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// An [`AppError`] on its way out of a handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

#[derive(Clone)]
struct ErrorMarker(Arc<AppError>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        response
            .extensions_mut()
            .insert(ErrorMarker(Arc::new(self.0)));
        response
    }
}

/// The body of an error, in the shape the caller expects.
pub fn body(err: &AppError, request_id: &str, graphql: bool) -> Value {
    let message = err.client_message(request_id);
    let code = err.code().as_str();
    if graphql {
        let mut extensions = json!({ "code": code, "requestId": request_id });
        if let Some(details) = err.details() {
            extensions["details"] = details.clone();
        }
        json!({ "errors": [{ "message": message, "extensions": extensions }] })
    } else {
        let body = ErrorBody {
            error: ErrorDetail {
                code: err.code(),
                message,
                details: err.details().cloned(),
                request_id: request_id.to_owned(),
            },
        };
        serde_json::to_value(body).unwrap_or_else(|_| json!({ "error": { "code": code } }))
    }
}

/// Every REST error: `{ "error": {...} }`.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    code: ErrorCode,
    /// For people; `INTERNAL` only names the request id.
    message: String,
    /// Machine-readable specifics, e.g. `{"fields": {"email": "is required"}}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<Value>,
    request_id: String,
}

/// The taxonomy error for a bare status produced outside our handlers.
fn from_status(status: StatusCode) -> Option<AppError> {
    Some(match status {
        StatusCode::NOT_FOUND => AppError::new(ErrorCode::NotFound, "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => {
            AppError::validation("method not allowed on this route").with_status(405)
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::validation("request body too large").with_status(413)
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            AppError::validation("unsupported content type; send application/json").with_status(415)
        }
        s if s.is_client_error() => AppError::validation(format!(
            "request rejected: {}",
            s.canonical_reason().unwrap_or("bad request").to_lowercase()
        ))
        .with_status(s.as_u16()),
        s if s.is_server_error() => AppError::internal(format!("bare {s} response")),
        _ => return None,
    })
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/json") || v.starts_with("application/graphql-response+json")
        })
}

pub async fn render(req: Request, next: Next) -> Response {
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let graphql = req.uri().path().starts_with("/graphql");
    let mut response = next.run(req).await;

    let err = match response.extensions_mut().remove::<ErrorMarker>() {
        Some(ErrorMarker(err)) => err,
        None if response.status().is_client_error() || response.status().is_server_error() => {
            if is_json(&response) || response.status() == StatusCode::SWITCHING_PROTOCOLS {
                return response;
            }
            match from_status(response.status()) {
                Some(err) => Arc::new(err),
                None => return response,
            }
        }
        None => return response,
    };

    if err.code() == ErrorCode::Internal {
        tracing::error!(error = %err, "internal error");
    }
    let status =
        StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut rendered = (status, Json(body(&err, &request_id, graphql))).into_response();
    // Keep headers the inner layers set (CORS, Allow, ...), but not the old body's.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if let Some(seconds) = err.retry_after()
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        rendered.headers_mut().insert(header::RETRY_AFTER, value);
    }
    rendered
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::new(ErrorCode::NotFound, "no such route"))
}

/// Bounds how long a request may take; the client gets a taxonomy error and
/// the work is dropped (a transaction in flight rolls back).
pub async fn timeout(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => ApiError(
            AppError::internal(format!("request exceeded {}s", limit.as_secs())).with_status(503),
        )
        .into_response(),
    }
}
