//! The HTTP transport: one axum router and the middleware every request passes.

pub mod auth;
pub mod errors;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod rate_limit;
pub mod request_id;

use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use http::{HeaderName, HeaderValue, Method};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

pub fn router(state: AppState) -> Router {
    let config = state.config.clone();

    // What clients call: authenticated (when a credential is presented) and rate limited.
    let api = Router::new()
        .route("/graphql", get(graphql::graphiql).post(graphql::graphql))
        .route("/graphql/ws", get(graphql::websocket))
        .nest("/v1", crate::rest::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::load_access,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ));

    // What operators and orchestrators call.
    let ops = ops();

    // Layers run outside-in from the last one added.
    Router::new()
        .merge(api)
        .merge(ops)
        .fallback(errors::not_found)
        .layer(middleware::from_fn_with_state(
            Duration::from_secs(config.request_timeout_secs),
            errors::timeout,
        ))
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(
            BodyLimits {
                default: config.request_body_limit_bytes,
                upload: usize::try_from(config.support_attachment_max_bytes).unwrap_or(usize::MAX),
            },
            limit_body,
        ))
        .layer(middleware::from_fn(errors::render))
        .layer(cors(&config.cors_origins()))
        .layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn(request_id::assign))
        .with_state(state)
}

/// How large a request body may be: uploads (a path ending in `/uploads`)
/// up to the attachment limit, everything else up to the request limit.
#[derive(Debug, Clone, Copy)]
struct BodyLimits {
    default: usize,
    upload: usize,
}

async fn limit_body(
    axum::extract::State(limits): axum::extract::State<BodyLimits>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use tower::{ServiceBuilder, ServiceExt};
    let limit = if req.uri().path().ends_with("/uploads") {
        limits.upload.max(limits.default)
    } else {
        limits.default
    };
    let service = ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(limit))
        .map_request(|r: http::Request<_>| r.map(axum::body::Body::new))
        .service(next);
    match service.oneshot(req).await {
        Ok(response) => response.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}

/// What operators and orchestrators call; also all a standalone job runner serves.
pub fn ops() -> Router<AppState> {
    Router::new()
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/metrics", get(metrics::render))
}

/// The standalone job runner's listener: probes and metrics only.
pub fn ops_router(state: AppState) -> Router {
    ops()
        .fallback(errors::not_found)
        .layer(middleware::from_fn(errors::render))
        .layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn(request_id::assign))
        .with_state(state)
}

fn cors(origins: &[&str]) -> CorsLayer {
    if origins.is_empty() {
        return CorsLayer::new();
    }
    let allow_origin = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers(Any)
        .expose_headers([
            HeaderName::from_static(request_id::HEADER),
            HeaderName::from_static("retry-after"),
        ])
        .max_age(Duration::from_secs(600))
}
