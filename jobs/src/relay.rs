//! The outbox relay: turns committed `event_outbox` rows into Redis stream
//! entries (for subscriptions on every replica) and consumer jobs.
//!
//! One relay leads at a time (a session advisory lock; a relay that dies
//! releases it with its connection), which keeps each tenant's events
//! published in stream order. Each batch:
//! 1. claims pending rows (`FOR UPDATE SKIP LOCKED`) and gives those without a
//!    stream position the next positions of their tenant, and commits that;
//! 2. publishes them to the events stream and enqueues their consumer jobs
//!    (dedupe keys make a repeat harmless);
//! 3. marks them `dispatched`, or schedules a retry with backoff, and marks
//!    them `failed` after the attempt limit.
//!
//! A crash between 1 and 3 republishes the same positions later; subscribers
//! drop positions they have seen, so clients see neither gaps nor duplicates.
//! Woken by NOTIFY; polls with backoff in case a notification is missed.

use crate::queue::{Category, Job, Queue};
use crate::store::{self, OutboxRow};
use kernel::{AppError, AppResult, Db};
use serde_json::json;
use sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Which consumers want an event type (the domain says; the relay asks).
pub trait ConsumerDirectory: Send + Sync + 'static {
    fn consumers_for(&self, event_type: &str) -> Vec<&'static str>;
}

/// No consumers (for tests and tools).
pub struct NoConsumers;

impl ConsumerDirectory for NoConsumers {
    fn consumers_for(&self, _: &str) -> Vec<&'static str> {
        Vec::new()
    }
}

/// The job kind that delivers an event to a consumer.
pub const CONSUMER_JOB: &str = "event-consumer";

#[derive(Debug, Clone)]
pub struct RelayConfig {
    pub batch_size: i64,
    pub poll_min: Duration,
    pub poll_max: Duration,
    pub max_attempts: i32,
    /// Stream entries kept in Redis (approximate); older positions are read from PostgreSQL.
    pub stream_max_len: u64,
    /// After a NOTIFY, how long to let more commits arrive before claiming,
    /// so a busy till's many small commits are relayed in one batch.
    pub coalesce: Duration,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            batch_size: 500,
            poll_min: Duration::from_millis(100),
            poll_max: Duration::from_secs(2),
            max_attempts: 10,
            stream_max_len: 100_000,
            coalesce: Duration::from_millis(3),
        }
    }
}

const LEADER_LOCK: i64 = 7_253_002;

pub struct Relay {
    db: Db,
    queue: Queue,
    consumers: Arc<dyn ConsumerDirectory>,
    config: RelayConfig,
}

/// The Redis stream every replica's event bus reads.
pub fn events_stream_key(prefix: &str) -> String {
    format!("{prefix}events")
}

impl Relay {
    pub fn new(
        db: Db,
        queue: Queue,
        consumers: Arc<dyn ConsumerDirectory>,
        config: RelayConfig,
    ) -> Self {
        Self {
            db,
            queue,
            consumers,
            config,
        }
    }

    /// Leads when it can, relays until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match self.db.pg_pool().acquire().await {
                Ok(mut conn) => {
                    let leader: Result<bool, _> =
                        sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                            .bind(LEADER_LOCK)
                            .fetch_one(&mut *conn)
                            .await;
                    if let Ok(true) = leader {
                        tracing::info!(module = "jobs", "outbox relay leading");
                        let lost = self.lead(&mut conn, &shutdown).await;
                        // Closing the connection releases the lock even if unlocking fails.
                        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                            .bind(LEADER_LOCK)
                            .execute(&mut *conn)
                            .await;
                        drop(conn.detach());
                        if let Err(err) = lost {
                            tracing::warn!(module = "jobs", error = %err, "outbox relay lost its lead");
                        }
                    }
                }
                Err(err) => {
                    tracing::warn!(module = "jobs", error = %err, "outbox relay cannot reach PostgreSQL")
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(self.config.poll_max) => {}
            }
        }
    }

    async fn lead(
        &self,
        lock: &mut sqlx::PgConnection,
        shutdown: &CancellationToken,
    ) -> AppResult<()> {
        let mut listener = PgListener::connect_with(self.db.pg_pool()).await?;
        listener.listen("event_outbox").await?;
        let mut idle = self.config.poll_min;
        let mut lag_tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            // The lock lives as long as this connection does.
            sqlx::query("SELECT 1").execute(&mut *lock).await?;
            let mut relayed = 0;
            loop {
                match self.dispatch_once().await {
                    Ok(0) => break,
                    // A short batch means nothing else was waiting.
                    Ok(n) if (n as i64) < self.config.batch_size => {
                        relayed += n;
                        break;
                    }
                    Ok(n) => relayed += n,
                    Err(err) => {
                        tracing::warn!(module = "jobs", error = %err, "relaying a batch failed");
                        break;
                    }
                }
                if shutdown.is_cancelled() {
                    return Ok(());
                }
            }
            idle = if relayed > 0 {
                self.config.poll_min
            } else {
                (idle * 2).min(self.config.poll_max)
            };
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                notified = listener.recv() => {
                    notified?;
                    idle = self.config.poll_min;
                    // Let the burst this commit belongs to finish, then take
                    // the notifications it left as one wake-up.
                    tokio::time::sleep(self.config.coalesce).await;
                    while listener.next_buffered().is_some() {}
                }
                _ = tokio::time::sleep(idle) => {}
                _ = lag_tick.tick() => self.export_lag().await,
            }
        }
    }

    async fn export_lag(&self) {
        let lag = async {
            let tx = self.db.system_tx().await?;
            let lag = store::lag(&tx).await?;
            tx.commit().await?;
            Ok::<_, AppError>((lag.lag, lag.failed))
        };
        if let Ok((lag, failed)) = lag.await {
            metrics::gauge!("outbox_lag_seconds").set(lag);
            metrics::gauge!("outbox_failed_events").set(failed as f64);
        }
    }

    /// Relays one batch; returns how many events it handled. Public so tests
    /// and tools can drive the relay step by step.
    pub async fn dispatch_once(&self) -> AppResult<usize> {
        let rows = self.claim().await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        match self.publish(&rows).await {
            Ok(()) => {
                let tx = self.db.system_tx().await?;
                store::mark_dispatched(&tx, ids).await?;
                tx.commit().await?;
                metrics::counter!("outbox_dispatched_total").increment(rows.len() as u64);
            }
            Err(err) => {
                let attempts = rows.iter().map(|r| r.attempts).max().unwrap_or(0) + 1;
                // Subscribers read sequenced events from PostgreSQL meanwhile,
                // so the relay only needs to catch up soon after Redis returns.
                let delay = self
                    .queue
                    .backoff(u32::try_from(attempts).unwrap_or(0))
                    .min(Duration::from_secs(5));
                let tx = self.db.system_tx().await?;
                store::mark_retry(
                    &tx,
                    ids,
                    err.to_string(),
                    delay.as_secs_f64(),
                    self.config.max_attempts,
                )
                .await?;
                tx.commit().await?;
                metrics::counter!("outbox_publish_failures_total").increment(1);
                return Err(err);
            }
        }
        Ok(rows.len())
    }

    /// Step 1: claim and sequence, committed before anything is published.
    async fn claim(&self) -> AppResult<Vec<OutboxRow>> {
        let tx = self.db.system_tx().await?;
        let mut rows = store::claim_pending(&tx, self.config.batch_size).await?;
        // Give positions to the events that have none, tenant by tenant, in claim order.
        let mut tenants: Vec<Uuid> = rows
            .iter()
            .filter(|r| r.sequence.is_none())
            .filter_map(|r| r.tenant_id)
            .collect();
        tenants.sort();
        tenants.dedup();
        let mut assigned: Vec<(Uuid, i64)> = Vec::new();
        for tenant in tenants {
            let count = rows
                .iter()
                .filter(|r| r.sequence.is_none() && r.tenant_id == Some(tenant))
                .count() as i64;
            let last = store::advance_stream(&tx, tenant, count).await?;
            let first = last - count + 1;
            for (row, sequence) in rows
                .iter_mut()
                .filter(|r| r.sequence.is_none() && r.tenant_id == Some(tenant))
                .zip(first..)
            {
                row.sequence = Some(sequence);
                assigned.push((row.id, sequence));
            }
        }
        if !assigned.is_empty() {
            let (ids, seqs): (Vec<Uuid>, Vec<i64>) = assigned.into_iter().unzip();
            store::set_sequences(&tx, ids, seqs).await?;
        }
        tx.commit().await?;
        Ok(rows)
    }

    /// Step 2: one pipeline for the whole batch.
    async fn publish(&self, rows: &[OutboxRow]) -> AppResult<()> {
        let mut conn = self.queue.conn().await?;
        let stream = events_stream_key(&self.queue.config.prefix);
        let mut pipe = redis::pipe();
        let mut streamed = 0;
        for row in rows {
            let envelope = row.envelope();
            let body = serde_json::to_string(&envelope)?;
            if row.tenant_id.is_some() {
                streamed += 1;
                pipe.cmd("XADD")
                    .arg(&stream)
                    .arg("MAXLEN")
                    .arg("~")
                    .arg(self.config.stream_max_len)
                    .arg("*")
                    .arg("e")
                    .arg(&body)
                    .ignore();
            }
        }
        // Platform events (no tenant) have no stream; Redis refuses an
        // empty pipeline, so a batch of them alone skips it.
        if streamed > 0 {
            pipe.query_async::<()>(&mut *conn)
                .await
                .map_err(|e| AppError::internal(format!("redis: {e}")))?;
        }
        for row in rows {
            for consumer in self.consumers.consumers_for(&row.event_type) {
                let job = Job::new(
                    Category::OutboxDispatch,
                    CONSUMER_JOB,
                    row.tenant_id,
                    json!({ "consumer": consumer, "event": row.envelope() }),
                )
                .dedupe(format!("{}:{consumer}", row.id));
                self.queue.enqueue_on(&mut conn, &job).await?;
            }
        }
        Ok(())
    }
}
