use chrono::{DateTime, Utc};
use kernel::{AppError, AppResult};
use std::time::Duration;
use uuid::Uuid;

/// Facts about this server process, fixed at start.
#[derive(Debug, Clone)]
pub struct ServerMeta {
    pub name: &'static str,
    pub version: &'static str,
    /// Tells replicas apart (for instance in a multi-replica subscription test).
    pub instance_id: Uuid,
    pub started_at: DateTime<Utc>,
}

impl ServerMeta {
    pub fn new() -> Self {
        Self {
            name: "platform",
            version: env!("CARGO_PKG_VERSION"),
            instance_id: Uuid::now_v7(),
            started_at: Utc::now(),
        }
    }
}

impl Default for ServerMeta {
    fn default() -> Self {
        Self::new()
    }
}

/// This server process: what runs and since when.
#[derive(Debug, Clone, serde::Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    pub name: String,
    pub version: String,
    /// Differs between replicas.
    pub instance_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub server_time: DateTime<Utc>,
    pub uptime_seconds: i64,
}

pub fn server_info(meta: &ServerMeta) -> ServerInfo {
    let now = Utc::now();
    ServerInfo {
        name: meta.name.to_owned(),
        version: meta.version.to_owned(),
        instance_id: meta.instance_id,
        started_at: meta.started_at,
        server_time: now,
        uptime_seconds: (now - meta.started_at).num_seconds(),
    }
}

pub const MIN_TICK_MS: i64 = 100;
pub const MAX_TICK_MS: i64 = 60_000;

/// Validates the tick interval a `serverTime` subscriber asks for.
pub fn tick_interval(interval_ms: i64) -> AppResult<Duration> {
    if !(MIN_TICK_MS..=MAX_TICK_MS).contains(&interval_ms) {
        return Err(AppError::invalid_field(
            "intervalMs",
            format!("must be between {MIN_TICK_MS} and {MAX_TICK_MS}"),
        ));
    }
    Ok(Duration::from_millis(interval_ms.unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_interval_bounds() {
        assert!(tick_interval(99).is_err());
        assert!(tick_interval(60_001).is_err());
        assert_eq!(tick_interval(250).ok(), Some(Duration::from_millis(250)));
    }
}
