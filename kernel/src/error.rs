//! The one error type of the platform and its taxonomy.
//!
//! Every layer returns [`AppError`]; transports only decide how to render it
//! (HTTP status + `{error:{code,message,details}}` for REST, `extensions.code`
//! for GraphQL). `INTERNAL` errors keep their cause for the log and show the
//! client nothing but a request id.

use serde::Serialize;
use serde_json::{Value, json};
use std::fmt;

/// The error taxonomy shared by every transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    Validation,
    Authn,
    Authz,
    NotFound,
    Conflict,
    RateLimit,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validation => "VALIDATION",
            Self::Authn => "AUTHN",
            Self::Authz => "AUTHZ",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::RateLimit => "RATE_LIMIT",
            Self::Internal => "INTERNAL",
        }
    }

    /// The HTTP status a transport should answer with (kept numeric so this
    /// crate stays free of HTTP types).
    pub fn http_status(self) -> u16 {
        match self {
            Self::Validation => 400,
            Self::Authn => 401,
            Self::Authz => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::RateLimit => 429,
            Self::Internal => 500,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug)]
pub struct AppError {
    code: ErrorCode,
    message: String,
    details: Option<Value>,
    /// Seconds after which a `RATE_LIMIT`ed client may try again.
    retry_after: Option<u64>,
    /// An HTTP status that refines the code's default (413 for an oversized
    /// body, 405 for a wrong method, 503 for a dependency that is down).
    status_override: Option<u16>,
    cause: Option<Cause>,
}

pub type AppResult<T> = Result<T, AppError>;

/// Merges `extra` into `into`: objects key by key, anything else replaces.
fn merge(into: &mut Value, extra: Value) {
    match (into, extra) {
        (Value::Object(into), Value::Object(extra)) => {
            for (key, value) in extra {
                match into.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (into, extra) => *into = extra,
    }
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: None,
            retry_after: None,
            status_override: None,
            cause: None,
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, message)
    }

    /// A validation error about one input field, with `details.fields.<field>`.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::validation(format!("{field}: {message}"))
            .with_details(json!({ "fields": { field: message } }))
    }

    pub fn authn(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Authn, message)
    }

    pub fn authz(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Authz, message)
    }

    /// `entity` names the kind of thing that was not found ("tenant", "ticket").
    pub fn not_found(entity: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{entity} not found"))
            .with_details(json!({ "entity": entity }))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    /// Tells the client when to try again (REST sends `Retry-After`).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs.max(1));
        self
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut err = Self::new(ErrorCode::RateLimit, "too many requests, slow down");
        err.retry_after = Some(retry_after_secs.max(1));
        err.details = Some(json!({ "retryAfterSeconds": retry_after_secs.max(1) }));
        err
    }

    /// An error whose cause must be logged but never shown to a client.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        let mut err = Self::new(ErrorCode::Internal, "internal error");
        err.cause = Some(cause.into());
        err
    }

    /// Adds `details`; objects merge key by key (deeply), so a caller may add
    /// `{"status": ..}` to an error that already names `{"fields": ..}`.
    pub fn with_details(mut self, details: Value) -> Self {
        match self.details.as_mut() {
            Some(existing) => merge(existing, details),
            None => self.details = Some(details),
        }
        self
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status_override = Some(status);
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message as the client may see it.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn details(&self) -> Option<&Value> {
        if self.code == ErrorCode::Internal {
            None
        } else {
            self.details.as_ref()
        }
    }

    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    pub fn http_status(&self) -> u16 {
        self.status_override.unwrap_or(self.code.http_status())
    }

    /// The hidden cause, for the log.
    pub fn cause(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.cause.as_deref()
    }

    /// The message for the client, with the request id for `INTERNAL`
    /// so support can find the logged cause.
    pub fn client_message(&self, request_id: &str) -> String {
        if self.code == ErrorCode::Internal {
            format!("internal error (request id {request_id})")
        } else {
            self.message.clone()
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(cause) = &self.cause {
            write!(f, " ({cause})")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

/// PostgreSQL SQLSTATE codes that are the client's doing, not ours.
fn from_database_error(db: &dyn sqlx::error::DatabaseError) -> Option<AppError> {
    let constraint = db.constraint().map(str::to_owned);
    let details = || json!({ "constraint": constraint });
    match db.code().as_deref() {
        // unique_violation
        Some("23505") => Some(
            AppError::conflict("a record with the same key already exists").with_details(details()),
        ),
        // foreign_key_violation: the row points at something that does not exist
        // (for this tenant: the composite keys make another tenant's row count as missing)
        Some("23503") => Some(
            AppError::validation("a referenced record does not exist or is still in use")
                .with_details(details()),
        ),
        // check_violation / not_null_violation
        Some("23514") | Some("23502") => {
            Some(AppError::validation("a value breaks a data rule").with_details(details()))
        }
        // exclusion_violation
        Some("23P01") => {
            Some(AppError::conflict("the record overlaps an existing one").with_details(details()))
        }
        // serialization_failure / deadlock_detected: retryable races
        Some("40001") | Some("40P01") => Some(AppError::conflict(
            "a concurrent change got there first; retry the request",
        )),
        // invalid_text_representation, numeric/datetime out of range, string too long
        Some("22P02") | Some("22003") | Some("22008") | Some("22001") => Some(
            AppError::validation("a value has the wrong format or is out of range"),
        ),
        // character_not_in_repertoire (a NUL), untranslatable_character,
        // program_limit_exceeded (text too large for an index): the text
        // types refuse these at the boundary; this keeps any text that slips
        // past them a client error rather than a 500.
        Some("22021") | Some("22P05") | Some("54000") => Some(AppError::validation(
            "a text value contains characters or a size the platform does not accept",
        )),
        _ => None,
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err
            && let Some(mapped) = from_database_error(db.as_ref())
        {
            return AppError {
                cause: Some(Box::new(err)),
                ..mapped
            };
        }
        if let sqlx::Error::RowNotFound = err {
            return AppError::new(ErrorCode::NotFound, "record not found");
        }
        AppError::internal(err)
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::{DbErr, RuntimeErr};
        let sqlx_err = match &err {
            DbErr::Query(RuntimeErr::SqlxError(e))
            | DbErr::Exec(RuntimeErr::SqlxError(e))
            | DbErr::Conn(RuntimeErr::SqlxError(e)) => Some(e.clone()),
            _ => None,
        };
        if let Some(inner) = sqlx_err
            && let sqlx::Error::Database(db) = inner.as_ref()
            && let Some(mapped) = from_database_error(db.as_ref())
        {
            return AppError {
                cause: Some(Box::new(err)),
                ..mapped
            };
        }
        match err {
            DbErr::RecordNotFound(_) => AppError::new(ErrorCode::NotFound, "record not found"),
            other => AppError::internal(other),
        }
    }
}

impl From<serde_json::Error> for AppError {
    fn from(err: serde_json::Error) -> Self {
        AppError::internal(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_cause_from_clients() {
        let err = AppError::internal(std::io::Error::other("relation \"x\" does not exist"));
        assert_eq!(err.code(), ErrorCode::Internal);
        assert_eq!(
            err.client_message("req-1"),
            "internal error (request id req-1)"
        );
        assert!(err.details().is_none());
        assert!(
            err.to_string().contains("relation"),
            "the cause stays available for the log"
        );
    }

    #[test]
    fn codes_map_to_http_statuses() {
        let pairs = [
            (ErrorCode::Validation, 400),
            (ErrorCode::Authn, 401),
            (ErrorCode::Authz, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::Conflict, 409),
            (ErrorCode::RateLimit, 429),
            (ErrorCode::Internal, 500),
        ];
        for (code, status) in pairs {
            assert_eq!(code.http_status(), status, "{code}");
        }
        assert_eq!(
            AppError::validation("big").with_status(413).http_status(),
            413
        );
    }

    #[test]
    fn details_merge_rather_than_replace() {
        let err = AppError::invalid_field("name", "is taken")
            .with_details(json!({ "fields": { "sku": "is taken" }, "status": "open" }));
        assert_eq!(
            err.details(),
            Some(&json!({ "fields": { "name": "is taken", "sku": "is taken" }, "status": "open" }))
        );
    }

    #[test]
    fn field_errors_carry_details() {
        let err = AppError::invalid_field("email", "is not an email address");
        assert_eq!(
            err.details(),
            Some(&json!({"fields": {"email": "is not an email address"}}))
        );
        let limited = AppError::rate_limited(0);
        assert_eq!(limited.retry_after(), Some(1));
    }
}
