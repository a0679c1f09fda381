//! The job runner: the outbox relay, the workers and periodic maintenance.
//! In-process beside the API by default, or alone (`server jobs`) for
//! scale-out; both read the same configuration.

use crate::consumer::Consumers;
use crate::maintenance;
use crate::queue::Queue;
use crate::relay::{CONSUMER_JOB, Relay, RelayConfig};
use crate::worker::{Registry, Worker};
use kernel::Db;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// How many monthly audit partitions to keep created ahead.
    pub audit_partitions_ahead: u32,
    /// How often periodic maintenance runs.
    pub maintenance_interval: Duration,
    pub relay: RelayConfig,
    /// How long in-flight jobs get to finish at shutdown.
    pub shutdown_grace: Duration,
}

impl Default for RunnerConfig {
    fn default() -> Self {
        Self {
            audit_partitions_ahead: 3,
            maintenance_interval: Duration::from_secs(6 * 3600),
            relay: RelayConfig::default(),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

pub struct Runner {
    db: Db,
    queue: Queue,
    registry: Registry,
    consumers: Consumers,
    config: RunnerConfig,
}

impl Runner {
    /// `registry` holds the job handlers; event consumers are added as the
    /// handler of consumer jobs.
    pub fn new(
        db: Db,
        queue: Queue,
        registry: Registry,
        consumers: Consumers,
        config: RunnerConfig,
    ) -> Self {
        Self {
            db,
            queue,
            registry,
            consumers,
            config,
        }
    }

    /// Runs until `shutdown` is cancelled, then lets in-flight work finish
    /// within the grace period. Failures are logged and retried; the runner
    /// itself never dies of them.
    pub async fn run(self, shutdown: CancellationToken) {
        tracing::info!(module = "jobs", "job runner started");
        let registry = self.registry.handler(CONSUMER_JOB, self.consumers.clone());
        let relay = Relay::new(
            self.db.clone(),
            self.queue.clone(),
            Arc::new(self.consumers),
            self.config.relay.clone(),
        );
        let worker = Worker::new(self.queue.clone(), registry);
        let relay = tokio::spawn(relay.run(shutdown.clone()));
        let worker = tokio::spawn(worker.run(shutdown.clone(), self.config.shutdown_grace));

        let mut tick = tokio::time::interval(self.config.maintenance_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => maintain(&self.db, self.config.audit_partitions_ahead).await,
            }
        }
        let _ = relay.await;
        let _ = worker.await;
        tracing::info!(module = "jobs", "job runner stopped");
    }
}

async fn maintain(db: &Db, ahead: u32) {
    match maintenance::ensure_audit_partitions(db, ahead).await {
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
    match maintenance::purge_idempotency_keys(db).await {
        Ok(purged) => tracing::info!(
            module = "jobs",
            action = "purge_idempotency_keys",
            purged,
            "expired idempotency keys purged"
        ),
        Err(err) => tracing::warn!(
            module = "jobs",
            action = "purge_idempotency_keys",
            error = %err,
            "idempotency key purge failed; retrying next tick"
        ),
    }
}
