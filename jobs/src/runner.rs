//! The job runner: in-process beside the API by default, or alone
//! (`server jobs`) for scale-out. Both read the same configuration.

use crate::maintenance;
use kernel::Db;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// How many monthly audit partitions to keep created ahead.
    pub audit_partitions_ahead: u32,
    /// How often periodic maintenance runs.
    pub maintenance_interval: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            audit_partitions_ahead: 3,
            maintenance_interval: Duration::from_secs(6 * 3600),
        }
    }
}

pub struct Runner {
    db: Db,
    config: RunnerConfig,
}

impl Runner {
    pub fn new(db: Db, config: RunnerConfig) -> Self {
        Self { db, config }
    }

    /// Runs until `shutdown` is cancelled. Failures are logged and retried on
    /// the next tick; the runner itself never dies of them.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(module = "jobs", "job runner started");
        let mut tick = tokio::time::interval(self.config.maintenance_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => self.maintain().await,
            }
        }
        tracing::info!(module = "jobs", "job runner stopped");
    }

    async fn maintain(&self) {
        match maintenance::ensure_audit_partitions(&self.db, self.config.audit_partitions_ahead)
            .await
        {
            Ok(made) => tracing::info!(
                module = "jobs",
                action = "ensure_audit_partitions",
                made,
                "audit partitions checked"
            ),
            Err(err) => tracing::warn!(
                module = "jobs",
                action = "ensure_audit_partitions",
                error = %err,
                "audit partition maintenance failed; retrying next tick"
            ),
        }
    }
}
