//! The job queue: Redis Streams with one consumer group per category.
//!
//! Chosen over apalis-redis because the platform needs exactly these
//! properties and they are a few commands each: at-least-once delivery
//! (XREADGROUP + XACK), takeover of a dead worker's jobs after a visibility
//! timeout (XAUTOCLAIM), retries with exponential backoff and jitter (a
//! delayed ZSET moved back by a script), dead letters (a hash superadmins can
//! list, retry and discard), and dedupe keys (SET NX in the enqueue script),
//! all over the deadpool-redis pool the server already has.

use chrono::{DateTime, Utc};
use kernel::{AppError, AppResult};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::sync::LazyLock;
use std::time::Duration;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    OutboxDispatch,
    EmailSend,
    ReportExport,
    BackupRun,
    BillingWebhookRetry,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Self::OutboxDispatch,
        Self::EmailSend,
        Self::ReportExport,
        Self::BackupRun,
        Self::BillingWebhookRetry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OutboxDispatch => "outbox-dispatch",
            Self::EmailSend => "email-send",
            Self::ReportExport => "report-export",
            Self::BackupRun => "backup-run",
            Self::BillingWebhookRetry => "billing-webhook-retry",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One unit of background work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub id: Uuid,
    pub category: Category,
    /// Which handler runs it.
    pub kind: String,
    pub tenant_id: Option<Uuid>,
    pub payload: Value,
    /// Deliveries so far (a takeover after a crash counts).
    pub attempts: u32,
    pub max_attempts: u32,
    pub dedupe_key: Option<String>,
    pub enqueued_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

impl Job {
    pub fn new(
        category: Category,
        kind: impl Into<String>,
        tenant_id: Option<Uuid>,
        payload: Value,
    ) -> Self {
        Self {
            id: Uuid::now_v7(),
            category,
            kind: kind.into(),
            tenant_id,
            payload,
            attempts: 0,
            max_attempts: 8,
            dedupe_key: None,
            enqueued_at: Utc::now(),
            last_error: None,
        }
    }

    /// Dedupe by tenant and business key: a second enqueue with the same key
    /// (within the dedupe window) is dropped.
    pub fn dedupe(mut self, business_key: impl fmt::Display) -> Self {
        let tenant = self
            .tenant_id
            .map(|t| t.to_string())
            .unwrap_or_else(|| "platform".into());
        self.dedupe_key = Some(format!("{tenant}:{business_key}"));
        self
    }

    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
}

/// A job that failed for good, kept for a superadmin to look at.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadJob {
    pub job: Job,
    pub failed_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct QueueConfig {
    pub prefix: String,
    /// A delivered job not acknowledged for this long is taken over by another worker.
    pub visibility_timeout: Duration,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    pub dedupe_window: Duration,
}

impl QueueConfig {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            visibility_timeout: Duration::from_secs(30),
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(300),
            dedupe_window: Duration::from_secs(24 * 3600),
        }
    }
}

pub const GROUP: &str = "workers";

#[derive(Clone)]
pub struct Queue {
    pub(crate) redis: deadpool_redis::Pool,
    /// Connections for blocking reads (XREADGROUP ... BLOCK), kept apart so a
    /// waiting reader never holds a connection that a request needs.
    pub(crate) blocking: deadpool_redis::Pool,
    pub(crate) config: QueueConfig,
}

static ENQUEUE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"if ARGV[2] ~= '' then
            if not redis.call('SET', ARGV[2], '1', 'NX', 'PX', ARGV[3]) then return 0 end
          end
          redis.call('XADD', KEYS[1], '*', 'job', ARGV[1])
          return 1",
    )
});

/// Moves due delayed jobs back onto their streams; returns how many.
static PROMOTE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 200)
          for _, entry in ipairs(due) do
            local sep = string.find(entry, '|', 1, true)
            local stream = string.sub(entry, 1, sep - 1)
            local job = string.sub(entry, sep + 1)
            redis.call('XADD', stream, '*', 'job', job)
            redis.call('ZREM', KEYS[1], entry)
          end
          return #due",
    )
});

fn redis_err(e: impl fmt::Display) -> AppError {
    AppError::internal(format!("redis: {e}"))
}

impl Queue {
    pub fn new(
        redis: deadpool_redis::Pool,
        blocking: deadpool_redis::Pool,
        config: QueueConfig,
    ) -> Self {
        Self {
            redis,
            blocking,
            config,
        }
    }

    pub fn stream_key(&self, category: Category) -> String {
        format!("{}jobs:{}", self.config.prefix, category.as_str())
    }

    fn delayed_key(&self) -> String {
        format!("{}jobs:delayed", self.config.prefix)
    }

    fn dead_key(&self) -> String {
        format!("{}jobs:dead", self.config.prefix)
    }

    pub(crate) async fn conn(&self) -> AppResult<deadpool_redis::Connection> {
        self.redis.get().await.map_err(redis_err)
    }

    /// Enqueues a job; `false` when its dedupe key was already used.
    pub async fn enqueue(&self, job: &Job) -> AppResult<bool> {
        let mut conn = self.conn().await?;
        self.enqueue_on(&mut conn, job).await
    }

    pub(crate) async fn enqueue_on(
        &self,
        conn: &mut deadpool_redis::Connection,
        job: &Job,
    ) -> AppResult<bool> {
        let dedupe = job
            .dedupe_key
            .as_ref()
            .map(|k| format!("{}jobs:dedupe:{k}", self.config.prefix))
            .unwrap_or_default();
        let added: i64 = ENQUEUE
            .key(self.stream_key(job.category))
            .arg(serde_json::to_string(job)?)
            .arg(dedupe)
            .arg(u64::try_from(self.config.dedupe_window.as_millis()).unwrap_or(u64::MAX))
            .invoke_async(&mut **conn)
            .await
            .map_err(redis_err)?;
        if added == 1 {
            metrics::counter!("jobs_enqueued_total", "category" => job.category.as_str())
                .increment(1);
        }
        Ok(added == 1)
    }

    /// Exponential backoff with full jitter, capped.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let base = self.config.backoff_base.as_millis() as u64;
        let cap = self.config.backoff_max.as_millis() as u64;
        let exp = base.saturating_mul(1u64 << attempts.min(20)).min(cap);
        let jittered = rand::rng().random_range(exp / 2..=exp.max(1));
        Duration::from_millis(jittered)
    }

    /// Schedules another attempt of `job` after its backoff.
    pub(crate) async fn retry_later(
        &self,
        conn: &mut deadpool_redis::Connection,
        job: &Job,
    ) -> AppResult<()> {
        let due = Utc::now().timestamp_millis() + self.backoff(job.attempts).as_millis() as i64;
        let entry = format!(
            "{}|{}",
            self.stream_key(job.category),
            serde_json::to_string(job)?
        );
        redis::cmd("ZADD")
            .arg(self.delayed_key())
            .arg(due)
            .arg(entry)
            .query_async::<()>(&mut **conn)
            .await
            .map_err(redis_err)?;
        metrics::counter!("jobs_retried_total", "category" => job.category.as_str()).increment(1);
        Ok(())
    }

    pub(crate) async fn bury(
        &self,
        conn: &mut deadpool_redis::Connection,
        job: &Job,
    ) -> AppResult<()> {
        let dead = DeadJob {
            job: job.clone(),
            failed_at: Utc::now(),
        };
        redis::cmd("HSET")
            .arg(self.dead_key())
            .arg(job.id.to_string())
            .arg(serde_json::to_string(&dead)?)
            .query_async::<()>(&mut **conn)
            .await
            .map_err(redis_err)?;
        metrics::counter!("jobs_dead_total", "category" => job.category.as_str()).increment(1);
        tracing::warn!(job_id = %job.id, category = %job.category, kind = %job.kind, error = ?job.last_error, "job moved to dead letters");
        Ok(())
    }

    /// Moves due retries back to their streams.
    pub async fn promote_due(&self) -> AppResult<u64> {
        let mut conn = self.conn().await?;
        PROMOTE
            .key(self.delayed_key())
            .arg(Utc::now().timestamp_millis())
            .invoke_async(&mut *conn)
            .await
            .map_err(redis_err)
    }

    pub async fn dead_jobs(&self) -> AppResult<Vec<DeadJob>> {
        let mut conn = self.conn().await?;
        let raw: Vec<String> = redis::cmd("HVALS")
            .arg(self.dead_key())
            .query_async(&mut *conn)
            .await
            .map_err(redis_err)?;
        let mut jobs: Vec<DeadJob> = raw
            .iter()
            .filter_map(|r| serde_json::from_str(r).ok())
            .collect();
        jobs.sort_by_key(|d| std::cmp::Reverse(d.failed_at));
        Ok(jobs)
    }

    async fn take_dead(&self, id: Uuid) -> AppResult<DeadJob> {
        let mut conn = self.conn().await?;
        let raw: Option<String> = redis::cmd("HGET")
            .arg(self.dead_key())
            .arg(id.to_string())
            .query_async(&mut *conn)
            .await
            .map_err(redis_err)?;
        let dead: DeadJob =
            serde_json::from_str(&raw.ok_or_else(|| AppError::not_found("dead job"))?)?;
        let removed: i64 = redis::cmd("HDEL")
            .arg(self.dead_key())
            .arg(id.to_string())
            .query_async(&mut *conn)
            .await
            .map_err(redis_err)?;
        if removed == 0 {
            // Someone else retried or discarded it meanwhile.
            return Err(AppError::not_found("dead job"));
        }
        Ok(dead)
    }

    /// Puts a dead job back on its queue with fresh attempts.
    pub async fn retry_dead(&self, id: Uuid) -> AppResult<Job> {
        let dead = self.take_dead(id).await?;
        let mut job = dead.job;
        job.attempts = 0;
        job.last_error = None;
        job.dedupe_key = None;
        self.enqueue(&job).await?;
        Ok(job)
    }

    pub async fn discard_dead(&self, id: Uuid) -> AppResult<Job> {
        Ok(self.take_dead(id).await?.job)
    }

    /// Jobs waiting per category (stream length minus nothing: acknowledged
    /// jobs are deleted), jobs in flight, retries waiting, dead jobs.
    pub async fn depths(&self) -> AppResult<Vec<(Category, u64, u64)>> {
        let mut conn = self.conn().await?;
        let mut out = Vec::new();
        for category in Category::ALL {
            let key = self.stream_key(category);
            let len: u64 = redis::cmd("XLEN")
                .arg(&key)
                .query_async(&mut *conn)
                .await
                .map_err(redis_err)?;
            let pending: redis::Value = redis::cmd("XPENDING")
                .arg(&key)
                .arg(GROUP)
                .query_async(&mut *conn)
                .await
                .unwrap_or(redis::Value::Nil);
            let in_flight = match pending {
                redis::Value::Array(items) => match items.first() {
                    Some(redis::Value::Int(n)) => u64::try_from(*n).unwrap_or(0),
                    _ => 0,
                },
                _ => 0,
            };
            out.push((category, len.saturating_sub(in_flight), in_flight));
        }
        Ok(out)
    }

    pub async fn counts(&self) -> AppResult<(u64, u64)> {
        let mut conn = self.conn().await?;
        let delayed: u64 = redis::cmd("ZCARD")
            .arg(self.delayed_key())
            .query_async(&mut *conn)
            .await
            .map_err(redis_err)?;
        let dead: u64 = redis::cmd("HLEN")
            .arg(self.dead_key())
            .query_async(&mut *conn)
            .await
            .map_err(redis_err)?;
        Ok((delayed, dead))
    }
}

/// A pool for blocking reads (XREAD/XREADGROUP ... BLOCK): redis-rs answers
/// "timed out" after 500 ms by default, shorter than a block, so these
/// connections wait longer than any block they issue.
pub fn blocking_pool(url: &str, size: usize) -> AppResult<deadpool_redis::Pool> {
    let config =
        redis::AsyncConnectionConfig::new().set_response_timeout(Some(Duration::from_secs(30)));
    let manager = deadpool_redis::Manager::new_with_config(url, config).map_err(redis_err)?;
    deadpool_redis::Pool::builder(manager)
        .max_size(size)
        .runtime(deadpool_redis::Runtime::Tokio1)
        .build()
        .map_err(redis_err)
}
