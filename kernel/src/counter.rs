//! Fixed-window counters in Redis, shared by every replica: the request rate
//! limiter and the failed-login throttle both count with them.

use crate::error::{AppError, AppResult};
use std::sync::LazyLock;

/// INCR the key, set its expiry on first use, return the count and the TTL.
static INCR: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"local n = redis.call('INCR', KEYS[1])
          if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
          return {n, redis.call('PTTL', KEYS[1])}",
    )
});

/// A counter's state after a hit or a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub count: u64,
    /// Seconds until the window ends (at least 1 while it counts).
    pub resets_in_secs: u64,
}

fn to_count(count: u64, ttl_ms: i64) -> Count {
    Count {
        count,
        resets_in_secs: u64::try_from(ttl_ms).unwrap_or(0).div_ceil(1000).max(1),
    }
}

/// Adds one to `key`, whose window lasts `window_ms` from its first hit.
pub async fn hit(pool: &deadpool_redis::Pool, key: &str, window_ms: u64) -> AppResult<Count> {
    let mut conn = pool.get().await.map_err(AppError::internal)?;
    let (count, ttl): (u64, i64) = INCR
        .key(key)
        .arg(window_ms)
        .invoke_async(&mut *conn)
        .await
        .map_err(AppError::internal)?;
    Ok(to_count(count, ttl))
}

/// The current count of `key` without adding to it.
pub async fn peek(pool: &deadpool_redis::Pool, key: &str) -> AppResult<Count> {
    let mut conn = pool.get().await.map_err(AppError::internal)?;
    let (count, ttl): (Option<u64>, i64) = redis::pipe()
        .get(key)
        .pttl(key)
        .query_async(&mut *conn)
        .await
        .map_err(AppError::internal)?;
    Ok(to_count(count.unwrap_or(0), ttl))
}

pub async fn reset(pool: &deadpool_redis::Pool, key: &str) -> AppResult<()> {
    let mut conn = pool.get().await.map_err(AppError::internal)?;
    redis::cmd("DEL")
        .arg(key)
        .query_async::<()>(&mut *conn)
        .await
        .map_err(AppError::internal)
}
