//! Rate limits per client IP and per tenant, counted in Redis so they hold
//! across replicas. Fixed one-minute windows: one atomic script call per
//! scope and request. If Redis is unreachable the limiter lets requests
//! through (and says so in the log and metrics): losing the API because the
//! limiter's store is down would be the worse failure.

use super::errors::ApiError;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use kernel::{Actor, AppError};
use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;

const WINDOW_MS: u64 = 60_000;

/// INCR the window's counter, set its expiry on first use, return count and TTL.
static SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"local n = redis.call('INCR', KEYS[1])
          if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
          return {n, redis.call('PTTL', KEYS[1])}",
    )
});

fn client_ip(req: &Request, trust_forwarded_for: bool) -> Option<IpAddr> {
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

/// Counts one request against `key`; `Err` carries the seconds to wait.
async fn hit(state: &AppState, key: String, limit: u64) -> Result<(), u64> {
    let window = chrono::Utc::now().timestamp_millis().unsigned_abs() / WINDOW_MS;
    let key = format!("{}ratelimit:{key}:{window}", state.config.redis_key_prefix);
    let result: Result<(u64, i64), String> = async {
        let mut conn = state.redis.get().await.map_err(|e| e.to_string())?;
        SCRIPT
            .key(&key)
            .arg(WINDOW_MS)
            .invoke_async(&mut *conn)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    match result {
        Ok((count, ttl_ms)) if count > limit => {
            Err(u64::try_from(ttl_ms).unwrap_or(0).div_ceil(1000).max(1))
        }
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
        && let Some(Actor::User { tenant_id, .. }) = req.extensions().get::<Actor>()
        && let Err(wait) = hit(
            &state,
            format!("tenant:{tenant_id}"),
            config.rate_limit_per_tenant_per_minute,
        )
        .await
    {
        metrics::counter!("rate_limited_total", "scope" => "tenant").increment(1);
        return Err(AppError::rate_limited(wait).into());
    }
    Ok(next.run(req).await)
}
