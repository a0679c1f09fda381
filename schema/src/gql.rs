//! Helpers every module's resolvers share: the request context, the
//! services, and Relay connections built from a [`Page`].

use crate::pagination::{Page, PageRequest};
use crate::services::Services;
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, OutputType};
use kernel::{AppError, RequestContext};

/// The request's context (inserted by the HTTP and websocket transports).
pub fn rc<'a>(ctx: &Context<'a>) -> Result<&'a RequestContext, AppError> {
    ctx.data::<RequestContext>()
        .map_err(|_| AppError::internal("request context missing"))
}

pub fn svc<'a>(ctx: &Context<'a>) -> Result<&'a Services, AppError> {
    ctx.data::<Services>()
        .map_err(|_| AppError::internal("services missing from schema data"))
}

/// The request's batching dataloader of `T` (see `loaders::request_data`).
pub fn loader<'a, T: Send + Sync + 'static>(
    ctx: &Context<'a>,
) -> Result<&'a async_graphql::dataloader::DataLoader<T>, AppError> {
    ctx.data()
        .map_err(|_| AppError::internal("dataloader missing from request data"))
}

/// The request's caching dataloader of `T`, which list resolvers prime.
pub fn cached<'a, T: Send + Sync + 'static>(
    ctx: &Context<'a>,
) -> Result<&'a crate::loaders::Cached<T>, AppError> {
    ctx.data()
        .map_err(|_| AppError::internal("dataloader missing from request data"))
}

/// A loader's shared error, as the request's own.
pub fn unshare(err: std::sync::Arc<AppError>) -> AppError {
    AppError::new(err.code(), err.message())
}

/// The request's context carrying an operator's `reason`, which services
/// that need one check (`RequestContext::require_operator`).
pub fn with_reason(
    ctx: &Context<'_>,
    reason: Option<&crate::text::Reason>,
) -> Result<RequestContext, AppError> {
    let mut request = rc(ctx)?.clone();
    request.reason = reason
        .map(|r| r.as_str().trim().to_owned())
        .filter(|r| !r.is_empty());
    Ok(request)
}

pub fn page(first: Option<i32>, after: Option<String>) -> Result<PageRequest, AppError> {
    PageRequest::new(first.map(i64::from), after.as_deref())
}

/// A Relay connection whose cursors are item ids.
pub fn connection<T: OutputType>(
    page: Page<T>,
    id: impl Fn(&T) -> uuid::Uuid,
) -> Connection<String, T> {
    let mut connection = Connection::new(false, page.has_next_page);
    connection.edges.extend(
        page.items
            .into_iter()
            .map(|item| Edge::new(id(&item).to_string(), item)),
    );
    connection
}
