//! Prometheus metrics: requests by matched route, method and status, their
//! latency, and pool gauges read at scrape time (so they are never stale).

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::time::Instant;

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the process-wide recorder.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    Ok(PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("http_request_duration_seconds".into()),
            LATENCY_BUCKETS,
        )?
        .install_recorder()?)
}

pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    // The route pattern, not the raw path: ids must not explode label cardinality.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    if let Some(route) = &route {
        // Log lines of the request name the module it reached and what it did.
        let span = tracing::Span::current();
        let module = route
            .strip_prefix("/v1/")
            .and_then(|r| r.split('/').next())
            .unwrap_or("platform");
        span.record("module", module);
        span.record("action", format!("{method} {route}"));
    }
    let response = next.run(req).await;
    let route = route
        .or_else(|| {
            response
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_owned())
        })
        .unwrap_or_else(|| "unmatched".to_owned());
    let status = response.status().as_u16().to_string();
    let elapsed = start.elapsed().as_secs_f64();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status.clone())
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route.clone(), "method" => method.clone())
        .record(elapsed);
    tracing::info!(
        route,
        method,
        status,
        latency_ms = elapsed * 1000.0,
        "request finished"
    );
    response
}

pub async fn render(State(state): State<AppState>) -> Response {
    let db = state.services.db.pool_stats();
    metrics::gauge!("db_pool_connections", "state" => "open").set(f64::from(db.size));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(f64::from(db.idle));
    metrics::gauge!("db_pool_max_connections").set(f64::from(db.max));
    let redis = state.services.redis.status();
    metrics::gauge!("redis_pool_connections", "state" => "open").set(redis.size as f64);
    metrics::gauge!("redis_pool_connections", "state" => "idle").set(redis.available as f64);
    metrics::gauge!("redis_pool_max_connections").set(redis.max_size as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}
