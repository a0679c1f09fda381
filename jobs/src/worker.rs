//! Workers: read jobs from their category's stream, run the handler, then
//! acknowledge, retry later, or bury the job in dead letters.

use crate::queue::{Category, GROUP, Job, Queue};
use futures_util::FutureExt;
use kernel::{AppError, AppResult};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

/// Runs one kind of job. Handlers must be idempotent: a job may be delivered
/// again after a crash.
pub trait Handler: Send + Sync + 'static {
    fn handle<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a>;
}

/// Handlers by job kind, and how many jobs of each category run at once.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Arc<dyn Handler>>,
    concurrency: HashMap<Category, usize>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn handler(mut self, kind: impl Into<String>, handler: impl Handler) -> Self {
        self.handlers.insert(kind.into(), Arc::new(handler));
        self
    }

    pub fn concurrency(mut self, category: Category, n: usize) -> Self {
        self.concurrency.insert(category, n.max(1));
        self
    }

    fn limit(&self, category: Category) -> usize {
        self.concurrency
            .get(&category)
            .copied()
            .unwrap_or(match category {
                Category::OutboxDispatch => 16,
                Category::EmailSend => 4,
                _ => 2,
            })
    }
}

type Entry = (String, Job);

fn parse_entries(value: redis::Value) -> Vec<Entry> {
    // [[stream, [[id, [field, value, ...]], ...]]] for XREADGROUP;
    // [[id, [field, value]], ...] for the claimed part of XAUTOCLAIM.
    fn entry(v: &redis::Value) -> Option<Entry> {
        let redis::Value::Array(parts) = v else {
            return None;
        };
        let id = match parts.first()? {
            redis::Value::BulkString(b) => String::from_utf8(b.clone()).ok()?,
            _ => return None,
        };
        let redis::Value::Array(fields) = parts.get(1)? else {
            return None;
        };
        let raw = fields
            .chunks(2)
            .find_map(|kv| match (kv.first(), kv.get(1)) {
                (Some(redis::Value::BulkString(k)), Some(redis::Value::BulkString(v)))
                    if k == b"job" =>
                {
                    Some(v.clone())
                }
                _ => None,
            })?;
        Some((id, serde_json::from_slice(&raw).ok()?))
    }
    match value {
        redis::Value::Array(items) => items.iter().filter_map(entry).collect(),
        _ => Vec::new(),
    }
}

pub struct Worker {
    queue: Queue,
    registry: Arc<Registry>,
    consumer: String,
}

impl Worker {
    pub fn new(queue: Queue, registry: Registry) -> Self {
        let consumer = format!("worker-{}", uuid::Uuid::now_v7());
        Self {
            queue,
            registry: Arc::new(registry),
            consumer,
        }
    }

    /// Runs every category until `shutdown`; in-flight jobs get `grace` to
    /// finish, and whatever is left is taken over by another worker after the
    /// visibility timeout.
    pub async fn run(self, shutdown: CancellationToken, grace: Duration) {
        let tracker = TaskTracker::new();
        let this = Arc::new(self);
        for category in Category::ALL {
            let this = this.clone();
            let shutdown = shutdown.clone();
            let jobs = tracker.clone();
            tracker.spawn(async move { this.category_loop(category, shutdown, jobs).await });
        }
        {
            let this = this.clone();
            let shutdown = shutdown.clone();
            tracker.spawn(async move { this.housekeeping(shutdown).await });
        }
        tracker.close();
        shutdown.cancelled().await;
        if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
            tracing::warn!(
                "jobs still running after the grace period; another worker will take them over"
            );
        }
    }

    async fn ensure_group(&self, category: Category) -> AppResult<()> {
        let mut conn = self.queue.conn().await?;
        let created: Result<(), redis::RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(self.queue.stream_key(category))
            .arg(GROUP)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut *conn)
            .await;
        match created {
            Ok(()) => Ok(()),
            Err(e) if e.code() == Some("BUSYGROUP") => Ok(()),
            Err(e) => Err(AppError::internal(format!("redis: {e}"))),
        }
    }

    async fn category_loop(
        self: Arc<Self>,
        category: Category,
        shutdown: CancellationToken,
        jobs: TaskTracker,
    ) {
        let permits = Arc::new(Semaphore::new(self.registry.limit(category)));
        let mut backoff = Duration::from_millis(200);
        while !shutdown.is_cancelled() {
            if let Err(err) = self.ensure_group(category).await {
                tracing::warn!(%category, error = %err, "job queue unavailable; retrying");
                tokio::select! { _ = shutdown.cancelled() => break, _ = tokio::time::sleep(backoff) => {} }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
            backoff = Duration::from_millis(200);
            let first = tokio::select! {
                _ = shutdown.cancelled() => break,
                permit = permits.clone().acquire_owned() => match permit { Ok(p) => p, Err(_) => break },
            };
            let mut held = vec![first];
            while let Ok(p) = permits.clone().try_acquire_owned() {
                held.push(p);
            }
            let read = self.read(category, held.len(), "claim").await;
            match read {
                Ok(entries) => {
                    for (id, job) in entries {
                        let Some(permit) = held.pop() else { break };
                        let this = self.clone();
                        jobs.spawn(async move {
                            this.process(category, id, job).await;
                            drop(permit);
                        });
                    }
                }
                Err(err) => {
                    tracing::warn!(%category, error = %err, "reading jobs failed; retrying");
                    tokio::select! { _ = shutdown.cancelled() => break, _ = tokio::time::sleep(backoff) => {} }
                }
            }
        }
    }

    /// New jobs for this worker (blocking briefly), or, for `takeover`, jobs
    /// another worker left unacknowledged past the visibility timeout.
    async fn read(&self, category: Category, count: usize, mode: &str) -> AppResult<Vec<Entry>> {
        let mut conn = if mode == "takeover" {
            self.queue.conn().await?
        } else {
            self.queue
                .blocking
                .get()
                .await
                .map_err(|e| AppError::internal(format!("redis: {e}")))?
        };
        let key = self.queue.stream_key(category);
        let value: redis::Value = if mode == "takeover" {
            let reply: redis::Value = redis::cmd("XAUTOCLAIM")
                .arg(&key)
                .arg(GROUP)
                .arg(&self.consumer)
                .arg(self.queue.config.visibility_timeout.as_millis() as u64)
                .arg("0-0")
                .arg("COUNT")
                .arg(count)
                .query_async(&mut *conn)
                .await
                .map_err(|e| AppError::internal(format!("redis: {e}")))?;
            match reply {
                redis::Value::Array(mut parts) if parts.len() >= 2 => parts.swap_remove(1),
                _ => redis::Value::Nil,
            }
        } else {
            let reply: redis::Value = redis::cmd("XREADGROUP")
                .arg("GROUP")
                .arg(GROUP)
                .arg(&self.consumer)
                .arg("COUNT")
                .arg(count)
                .arg("BLOCK")
                .arg(1000)
                .arg("STREAMS")
                .arg(&key)
                .arg(">")
                .query_async(&mut *conn)
                .await
                .map_err(|e| AppError::internal(format!("redis: {e}")))?;
            match reply {
                redis::Value::Array(streams) => match streams.into_iter().next() {
                    Some(redis::Value::Array(mut pair)) if pair.len() == 2 => pair.swap_remove(1),
                    _ => redis::Value::Nil,
                },
                // RESP3 answers with a map
                redis::Value::Map(streams) => streams
                    .into_iter()
                    .next()
                    .map(|(_, v)| v)
                    .unwrap_or(redis::Value::Nil),
                _ => redis::Value::Nil,
            }
        };
        Ok(parse_entries(value))
    }

    async fn process(&self, category: Category, message_id: String, mut job: Job) {
        job.attempts += 1;
        metrics::gauge!("jobs_active", "category" => category.as_str()).increment(1.0);
        let outcome = match self.registry.handlers.get(&job.kind) {
            Some(handler) => {
                let run = std::panic::AssertUnwindSafe(self.with_heartbeat(
                    category,
                    &message_id,
                    handler.handle(&job),
                ))
                .catch_unwind()
                .await;
                match run {
                    Ok(result) => result,
                    Err(_) => Err(AppError::internal("the job handler panicked")),
                }
            }
            None => {
                job.attempts = job.max_attempts;
                Err(AppError::internal(format!(
                    "no handler for job kind {}",
                    job.kind
                )))
            }
        };
        metrics::gauge!("jobs_active", "category" => category.as_str()).decrement(1.0);
        if let Err(err) = self.settle(category, &message_id, &mut job, outcome).await {
            // Not acknowledged: another worker takes it over after the timeout.
            tracing::warn!(job_id = %job.id, error = %err, "could not settle job");
        }
    }

    /// Keeps a long job's delivery fresh so it is not taken over while it runs.
    async fn with_heartbeat(
        &self,
        category: Category,
        message_id: &str,
        work: crate::worker::HandlerFuture<'_>,
    ) -> AppResult<()> {
        let every = self.queue.config.visibility_timeout / 3;
        let mut beat = tokio::time::interval(every.max(Duration::from_millis(100)));
        beat.tick().await;
        tokio::pin!(work);
        loop {
            tokio::select! {
                result = &mut work => return result,
                _ = beat.tick() => {
                    if let Ok(mut conn) = self.queue.conn().await {
                        let _: Result<redis::Value, _> = redis::cmd("XCLAIM")
                            .arg(self.queue.stream_key(category)).arg(GROUP).arg(&self.consumer)
                            .arg(0).arg(message_id).arg("JUSTID")
                            .query_async(&mut *conn).await;
                    }
                }
            }
        }
    }

    async fn settle(
        &self,
        category: Category,
        message_id: &str,
        job: &mut Job,
        outcome: AppResult<()>,
    ) -> AppResult<()> {
        let mut conn = self.queue.conn().await?;
        match outcome {
            Ok(()) => {
                metrics::counter!("jobs_completed_total", "category" => category.as_str())
                    .increment(1);
            }
            Err(err) => {
                metrics::counter!("jobs_failed_total", "category" => category.as_str())
                    .increment(1);
                job.last_error = Some(err.to_string());
                tracing::warn!(job_id = %job.id, %category, kind = %job.kind, attempts = job.attempts, error = %err, "job failed");
                if job.attempts >= job.max_attempts {
                    self.queue.bury(&mut conn, job).await?;
                } else {
                    self.queue.retry_later(&mut conn, job).await?;
                }
            }
        }
        let key = self.queue.stream_key(category);
        redis::pipe()
            .cmd("XACK")
            .arg(&key)
            .arg(GROUP)
            .arg(message_id)
            .ignore()
            .cmd("XDEL")
            .arg(&key)
            .arg(message_id)
            .ignore()
            .query_async::<()>(&mut *conn)
            .await
            .map_err(|e| AppError::internal(format!("redis: {e}")))
    }

    /// Promotes due retries, takes over abandoned jobs, exports queue gauges.
    async fn housekeeping(self: Arc<Self>, shutdown: CancellationToken) {
        let mut promote = tokio::time::interval(Duration::from_millis(250));
        let mut takeover = tokio::time::interval(
            (self.queue.config.visibility_timeout / 2).max(Duration::from_millis(100)),
        );
        let mut gauges = tokio::time::interval(Duration::from_secs(5));
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = promote.tick() => {
                    if let Err(err) = self.queue.promote_due().await {
                        tracing::debug!(error = %err, "promoting retries failed");
                    }
                }
                _ = takeover.tick() => {
                    for category in Category::ALL {
                        match self.read(category, 50, "takeover").await {
                            Ok(entries) => for (id, mut job) in entries {
                                // The delivery that died counts as an attempt.
                                job.attempts += 1;
                                tracing::info!(job_id = %job.id, %category, "taking over an abandoned job");
                                if job.attempts >= job.max_attempts {
                                    let stopped = AppError::internal("the worker running it stopped, too many times");
                                    let _ = self.settle(category, &id, &mut job, Err(stopped)).await;
                                } else {
                                    self.process(category, id, job).await;
                                }
                            },
                            Err(_) => continue,
                        }
                    }
                }
                _ = gauges.tick() => {
                    if let Ok(depths) = self.queue.depths().await {
                        for (category, waiting, in_flight) in depths {
                            metrics::gauge!("jobs_queue_depth", "category" => category.as_str()).set(waiting as f64);
                            metrics::gauge!("jobs_in_flight", "category" => category.as_str()).set(in_flight as f64);
                        }
                    }
                    if let Ok((delayed, dead)) = self.queue.counts().await {
                        metrics::gauge!("jobs_delayed").set(delayed as f64);
                        metrics::gauge!("jobs_dead").set(dead as f64);
                    }
                }
            }
        }
    }
}
