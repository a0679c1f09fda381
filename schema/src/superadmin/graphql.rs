use super::impersonation::{self, ImpersonationRecord, ImpersonationSession, StartImpersonation};
use crate::gql::{rc, svc};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use jobs::queue::{DeadJob, Job};
use uuid::Uuid;

/// A background job that failed every attempt.
#[derive(SimpleObject)]
pub struct DeadJobNode {
    pub id: Uuid,
    pub category: String,
    pub kind: String,
    pub tenant_id: Option<Uuid>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub payload: serde_json::Value,
    pub enqueued_at: DateTime<Utc>,
    pub failed_at: DateTime<Utc>,
}

impl From<DeadJob> for DeadJobNode {
    fn from(d: DeadJob) -> Self {
        Self {
            id: d.job.id,
            category: d.job.category.as_str().to_owned(),
            kind: d.job.kind,
            tenant_id: d.job.tenant_id,
            attempts: d.job.attempts,
            last_error: d.job.last_error,
            payload: d.job.payload,
            enqueued_at: d.job.enqueued_at,
            failed_at: d.failed_at,
        }
    }
}

/// A job as queued.
#[derive(SimpleObject)]
pub struct JobNode {
    pub id: Uuid,
    pub category: String,
    pub kind: String,
    pub tenant_id: Option<Uuid>,
}

impl From<Job> for JobNode {
    fn from(j: Job) -> Self {
        Self {
            id: j.id,
            category: j.category.as_str().to_owned(),
            kind: j.kind,
            tenant_id: j.tenant_id,
        }
    }
}

/// How much work waits in one category.
#[derive(SimpleObject)]
pub struct QueueDepth {
    pub category: String,
    pub waiting: u64,
    pub in_flight: u64,
}

#[derive(InputObject)]
pub struct JobIdInput {
    pub job_id: Uuid,
    /// Why the operator retries or drops it (kept on the audit row).
    pub reason: crate::text::Reason,
}

#[derive(Default)]
pub struct SuperadminQuery;

#[Object]
impl SuperadminQuery {
    /// Superadmins: jobs that failed every attempt, newest first.
    async fn dead_jobs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DeadJobNode>> {
        rc(ctx)?.require_superadmin()?;
        Ok(svc(ctx)?
            .queue
            .dead_jobs()
            .await?
            .into_iter()
            .map(DeadJobNode::from)
            .collect())
    }

    /// Who at the operator acted as someone of the caller's business, when
    /// and why, newest first (`admin.audit.read`).
    async fn impersonations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ImpersonationRecord>> {
        Ok(impersonation::of_business(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: queue depth per category.
    async fn job_queues(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<QueueDepth>> {
        rc(ctx)?.require_superadmin()?;
        Ok(svc(ctx)?
            .queue
            .depths()
            .await?
            .into_iter()
            .map(|(c, waiting, in_flight)| QueueDepth {
                category: c.as_str().to_owned(),
                waiting,
                in_flight,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct SuperadminMutation;

#[Object]
impl SuperadminMutation {
    /// Superadmins: run a dead job again, with fresh attempts.
    async fn retry_dead_job(
        &self,
        ctx: &Context<'_>,
        input: JobIdInput,
    ) -> async_graphql::Result<JobNode> {
        settle_dead_job(ctx, input, Settle::Retry).await
    }

    /// Superadmins: act as a tenant user for a limited time, saying why.
    /// Everything done with the token is audited as the user and you.
    async fn start_impersonation(
        &self,
        ctx: &Context<'_>,
        input: StartImpersonation,
    ) -> async_graphql::Result<ImpersonationSession> {
        Ok(impersonation::start(svc(ctx)?, rc(ctx)?, input).await?)
    }

    /// End an impersonation: with its own token (no id needed), or as the
    /// superadmin who started it. The token stops working at once.
    async fn end_impersonation(
        &self,
        ctx: &Context<'_>,
        impersonation_id: Option<kernel::ImpersonationId>,
    ) -> async_graphql::Result<ImpersonationRecord> {
        Ok(impersonation::end(&svc(ctx)?.db, rc(ctx)?, impersonation_id).await?)
    }

    /// Superadmins: drop a dead job for good.
    async fn discard_dead_job(
        &self,
        ctx: &Context<'_>,
        input: JobIdInput,
    ) -> async_graphql::Result<JobNode> {
        settle_dead_job(ctx, input, Settle::Discard).await
    }
}

/// What a superadmin does with a dead job.
enum Settle {
    Retry,
    Discard,
}

/// Retries or discards a dead job (superadmins), audited on the platform.
async fn settle_dead_job(
    ctx: &Context<'_>,
    input: JobIdInput,
    settle: Settle,
) -> async_graphql::Result<JobNode> {
    let (_, operator) = rc(ctx)?.operator(input.reason.as_str())?;
    let rc = &operator;
    let services = svc(ctx)?;
    let (job, action) = match settle {
        Settle::Retry => (
            services.queue.retry_dead(input.job_id).await?,
            "jobs.dead_job.retried",
        ),
        Settle::Discard => (
            services.queue.discard_dead(input.job_id).await?,
            "jobs.dead_job.discarded",
        ),
    };
    super::service::audit_platform(&services.db, rc, action, &job.id.to_string()).await?;
    Ok(job.into())
}
