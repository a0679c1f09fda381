//! Rate limits per client IP and per tenant, counted in Redis so they hold
//! across replicas (fixed one-minute windows, one script call per scope). If
//! Redis is unreachable the limiter lets requests through, and says so in the
//! log and metrics: losing the API because the limiter's store is down would
//! be the worse failure.

use super::errors::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use kernel::{AppError, RequestContext, counter};
use std::net::{IpAddr, SocketAddr};

const WINDOW_MS: u64 = 60_000;

/// The caller's IP: the socket peer, or the first `X-Forwarded-For` hop when
/// the deployment says a trusted proxy sets it.
pub fn client_ip(req: &Request, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// Counts one request against `scope`; `Err` carries the seconds to wait.
async fn hit(state: &AppState, scope: String, limit: u64) -> Result<(), u64> {
    let window = chrono::Utc::now().timestamp_millis().unsigned_abs() / WINDOW_MS;
    let key = format!(
        "{}ratelimit:{scope}:{window}",
        state.config.redis_key_prefix
    );
    match counter::hit(&state.services.redis, &key, WINDOW_MS).await {
        Ok(count) if count.count > limit => Err(count.resets_in_secs),
        Ok(_) => Ok(()),
        Err(error) => {
            metrics::counter!("rate_limit_store_errors_total").increment(1);
            tracing::warn!(%error, "rate limiter unavailable; letting the request through");
            Ok(())
        }
    }
}

pub async fn limit(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let config = &state.config;
    if config.rate_limit_per_ip_per_minute > 0
        && let Some(ip) = client_ip(&req, config.trust_forwarded_for)
        && let Err(wait) = hit(
            &state,
            format!("ip:{ip}"),
            config.rate_limit_per_ip_per_minute,
        )
        .await
    {
        metrics::counter!("rate_limited_total", "scope" => "ip").increment(1);
        return Err(AppError::rate_limited(wait).into());
    }
    if config.rate_limit_per_tenant_per_minute > 0
        && let Some(tenant) = req
            .extensions()
            .get::<RequestContext>()
            .and_then(RequestContext::tenant_id)
        && let Err(wait) = hit(
            &state,
            format!("tenant:{tenant}"),
            config.rate_limit_per_tenant_per_minute,
        )
        .await
    {
        metrics::counter!("rate_limited_total", "scope" => "tenant").increment(1);
        return Err(AppError::rate_limited(wait).into());
    }
    Ok(next.run(req).await)
}
