//! `/v1/rbac/audit-events`: the business's audit trail.

use crate::http::errors::ApiError;
use crate::rest::openapi::{ErrorBody, PagedDoc};
use crate::rest::{Caller, ListQuery, PageParams, Paged};
use crate::state::AppState;
use schema::audit::service::{self as audit, AuditEvent, AuditFilter};

/// The business's audit trail, newest first.
#[utoipa::path(
    get,
    path = "/v1/rbac/audit-events",
    tag = "rbac",
    params(AuditFilter, PageParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of audit events", body = PagedDoc<AuditEvent>),
        (status = 400, description = "Bad filter, page size or cursor", body = ErrorBody),
        (status = 403, description = "Missing `admin.audit.read`", body = ErrorBody),
    )
)]
pub async fn audit_events(
    Caller { state, ctx }: Caller,
    ListQuery { filter, page }: ListQuery<AuditFilter>,
) -> Result<Paged<AuditEvent>, ApiError> {
    Ok(audit::list(&state.services.db, &ctx, filter, page)
        .await?
        .into())
}

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/rbac/audit-events", axum::routing::get(audit_events))
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(audit_events))]
pub struct Api;
