//! What every handler shares. Nothing here may be state that replicas would
//! need to agree on: that lives in PostgreSQL or Redis.

use crate::config::Config;
use metrics_exporter_prometheus::PrometheusHandle;
use schema::{AppSchema, Services};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub services: Services,
    pub schema: AppSchema,
    pub metrics: PrometheusHandle,
    /// Cancelled when the process starts shutting down.
    pub shutdown: CancellationToken,
    /// Websocket sessions, which outlive the HTTP request that upgraded them.
    pub websockets: TaskTracker,
}
