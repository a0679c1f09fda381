//! Provider webhooks: checked, stored, processed.
//!
//! `receive` checks the `Stripe-Signature` on the raw bytes before anything
//! parses them, stores the raw event deduplicated on the provider's event id
//! and enqueues its processing; the answer is 200 as soon as it is stored,
//! so the provider stops resending. The `billing-webhook-retry` job applies
//! it (with the queue's backoff); one that keeps failing ends `dead`, listed
//! for superadmins, who can replay it. An event older than the newest one
//! applied to the subscription changes nothing, so an out-of-order delivery
//! never moves a subscription backwards.

use crate::billing::payments::{self, Outcome};
use crate::billing::signature;
use crate::services::Services;
use chrono::{DateTime, Utc};
use entities::billing_webhook_events::{ActiveModel, Column, Entity, Model, WebhookStatus};
use jobs::queue::{Category, Job};
use jobs::worker::{Handler, HandlerFuture};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, InvoiceId, RequestContext, TenantId};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The job that applies a stored event.
pub const WEBHOOK_JOB: &str = "billing-webhook";
/// Tries before an event is dead (the queue backs off between them).
const MAX_ATTEMPTS: u32 = 6;
/// Providers that speak the Stripe scheme.
const PROVIDERS: [&str; 2] = ["sandbox", "stripe"];

/// What `receive` did with a delivery.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Received {
    pub event_id: String,
    /// The event was stored before: this delivery changed nothing.
    pub duplicate: bool,
}

/// The parts of a provider event billing reads.
#[derive(Debug, Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    created: i64,
    #[serde(default)]
    data: Value,
}

/// Checks, stores and enqueues one delivery.
pub async fn receive(
    services: &Services,
    ctx: &RequestContext,
    provider: &str,
    signature_header: Option<&str>,
    body: &[u8],
) -> AppResult<Received> {
    if !PROVIDERS.contains(&provider) {
        return Err(AppError::not_found("webhook provider"));
    }
    let secrets: Vec<&[u8]> = services
        .billing
        .webhook_secrets
        .iter()
        .map(Vec::as_slice)
        .collect();
    if secrets.is_empty() {
        return Err(AppError::authn(
            "webhooks are not configured (BILLING_WEBHOOK_SECRETS)",
        ));
    }
    let header = signature_header.ok_or_else(|| AppError::authn("missing Stripe-Signature"))?;
    signature::verify(
        header,
        body,
        &secrets,
        ctx.now().timestamp(),
        signature::DEFAULT_TOLERANCE_SECS,
    )?;
    let event: Event = serde_json::from_slice(body)
        .map_err(|e| AppError::validation(format!("the event is not a provider event: {e}")))?;
    if event.id.is_empty() || event.id.len() > 255 {
        return Err(AppError::invalid_field("id", "must be 1 to 255 characters"));
    }
    let created = DateTime::<Utc>::from_timestamp(event.created, 0)
        .ok_or_else(|| AppError::invalid_field("created", "is not a time"))?;
    let payload: Value = serde_json::from_slice(body)?;
    let customer = event.data["object"]["customer"].as_str().map(str::to_owned);
    let tx = services.db.system_tx().await?;
    let inserted = Entity::insert(ActiveModel {
        provider: Set(provider.to_owned()),
        event_id: Set(event.id.clone()),
        event_type: Set(event.kind.clone()),
        created: Set(created),
        customer: Set(customer),
        payload: Set(payload),
        status: Set(WebhookStatus::Pending),
        attempts: Set(0),
        last_error: Set(None),
        received_at: Set(ctx.now()),
        processed_at: Set(None),
    })
    .on_conflict(
        OnConflict::columns([Column::Provider, Column::EventId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&tx)
    .await?;
    let status = Entity::find_by_id((provider.to_owned(), event.id.clone()))
        .select_only()
        .column(Column::Status)
        .into_tuple::<WebhookStatus>()
        .one(&tx)
        .await?;
    tx.commit().await?;
    // A pending event is (re)queued: if an earlier enqueue was lost, the
    // provider's redelivery brings it back; the dedupe key keeps one job.
    if status == Some(WebhookStatus::Pending) {
        enqueue(services, provider, &event.id, "received").await?;
    }
    Ok(Received {
        event_id: event.id,
        duplicate: inserted == 0,
    })
}

async fn enqueue(
    services: &Services,
    provider: &str,
    event_id: &str,
    round: &str,
) -> AppResult<()> {
    let job = Job::new(
        Category::BillingWebhookRetry,
        WEBHOOK_JOB,
        None,
        json!({ "provider": provider, "eventId": event_id }),
    )
    .dedupe(format!("{provider}:{event_id}:{round}"))
    .max_attempts(MAX_ATTEMPTS);
    services.queue.enqueue(&job).await?;
    Ok(())
}

/// Applies stored events: the handler of [`WEBHOOK_JOB`].
pub struct WebhookProcessor {
    pub services: Services,
}

impl Handler for WebhookProcessor {
    fn handle<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let provider = job.payload["provider"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let event_id = job.payload["eventId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            match apply(&self.services, &provider, &event_id).await {
                Ok(()) => Ok(()),
                Err(err) => {
                    let last = job.attempts + 1 >= job.max_attempts;
                    failed(&self.services.db, &provider, &event_id, &err, last).await?;
                    if last { Ok(()) } else { Err(err) }
                }
            }
        })
    }
}

async fn failed(
    db: &Db,
    provider: &str,
    event_id: &str,
    err: &AppError,
    dead: bool,
) -> AppResult<()> {
    let tx = db.system_tx().await?;
    tx.execute_raw(sql(
        "UPDATE billing_webhook_events SET attempts = attempts + 1, last_error = $3,
                status = CASE WHEN $4 THEN 'dead' ELSE status END
         WHERE provider = $1 AND event_id = $2",
        [
            provider.into(),
            event_id.into(),
            err.to_string().into(),
            dead.into(),
        ],
    ))
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn finish(
    db: &Db,
    provider: &str,
    event_id: &str,
    status: WebhookStatus,
    at: DateTime<Utc>,
    note: Option<String>,
) -> AppResult<()> {
    let tx = db.system_tx().await?;
    ActiveModel {
        provider: Unchanged(provider.to_owned()),
        event_id: Unchanged(event_id.to_owned()),
        status: Set(status),
        processed_at: Set(Some(at)),
        last_error: Set(note),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a stored event does. Payment intents settle their invoice; other
/// events are kept and ignored.
async fn apply(services: &Services, provider: &str, event_id: &str) -> AppResult<()> {
    let ctx = RequestContext::system(format!("webhook-{event_id}"));
    let tx = services.db.system_tx().await?;
    let event = Entity::find_by_id((provider.to_owned(), event_id.to_owned()))
        .one(&tx)
        .await?;
    tx.commit().await?;
    let Some(event) = event else {
        return Ok(());
    };
    if event.status != WebhookStatus::Pending {
        return Ok(());
    }
    let outcome = match event.event_type.as_str() {
        "payment_intent.succeeded" => Some(Outcome::Succeeded),
        "payment_intent.payment_failed" => Some(Outcome::Failed),
        _ => None,
    };
    let object = &event.payload["data"]["object"];
    let tenant = event
        .customer
        .as_deref()
        .and_then(|c| c.parse().ok())
        .map(TenantId);
    let invoice = object["metadata"]["invoice_id"]
        .as_str()
        .and_then(|i| i.parse().ok())
        .map(InvoiceId);
    let (Some(outcome), Some(tenant), Some(invoice)) = (outcome, tenant, invoice) else {
        let why = format!(
            "{} is not a payment of a platform invoice",
            event.event_type
        );
        return finish(
            &services.db,
            provider,
            event_id,
            WebhookStatus::Ignored,
            ctx.now(),
            Some(why),
        )
        .await;
    };
    let applied = payments::settled(
        services,
        &ctx,
        tenant,
        invoice,
        outcome,
        Some(event.created),
    )
    .await?;
    if !applied {
        let why = "older than the newest event applied to the subscription".to_owned();
        return finish(
            &services.db,
            provider,
            event_id,
            WebhookStatus::Ignored,
            ctx.now(),
            Some(why),
        )
        .await;
    }
    finish(
        &services.db,
        provider,
        event_id,
        WebhookStatus::Processed,
        ctx.now(),
        None,
    )
    .await
}

/// A stored webhook event, for superadmins.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookEvent {
    pub provider: String,
    pub event_id: String,
    pub event_type: String,
    pub created: DateTime<Utc>,
    pub customer: Option<String>,
    /// `PENDING`, `PROCESSED`, `IGNORED` or `DEAD`.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}

impl From<Model> for WebhookEvent {
    fn from(m: Model) -> Self {
        Self {
            provider: m.provider,
            event_id: m.event_id,
            event_type: m.event_type,
            created: m.created,
            customer: m.customer,
            status: sea_orm::ActiveEnum::to_value(&m.status).to_uppercase(),
            attempts: m.attempts,
            last_error: m.last_error,
            received_at: m.received_at,
            processed_at: m.processed_at,
        }
    }
}

/// Superadmins: received events, newest first; `dead` ones are the dead letters.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    dead_only: bool,
    limit: u64,
) -> AppResult<Vec<WebhookEvent>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let mut query = Entity::find()
        .order_by_desc(Column::ReceivedAt)
        .limit(limit.clamp(1, 200));
    if dead_only {
        query = query.filter(Column::Status.eq(WebhookStatus::Dead));
    }
    let rows = query.all(&tx).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(WebhookEvent::from).collect())
}

/// Superadmins: processes a dead (or ignored) event again.
pub async fn replay(
    services: &Services,
    ctx: &RequestContext,
    provider: &str,
    event_id: &str,
) -> AppResult<WebhookEvent> {
    ctx.require_operator()?;
    let tx = services.db.system_tx().await?;
    let row = Entity::find_by_id((provider.to_owned(), event_id.to_owned()))
        .lock_exclusive()
        .one(&tx)
        .await?
        .ok_or_else(|| AppError::not_found("webhook event"))?;
    if row.status == WebhookStatus::Processed {
        return Err(AppError::conflict(
            "the event was processed; replaying it would change nothing",
        ));
    }
    let row = ActiveModel {
        provider: Unchanged(row.provider),
        event_id: Unchanged(row.event_id),
        status: Set(WebhookStatus::Pending),
        attempts: Set(0),
        ..Default::default()
    }
    .update(&tx)
    .await?;
    crate::audit::service::record(
        &tx,
        ctx,
        crate::audit::service::AuditEntry {
            tenant_id: None,
            action: "billing.webhook.replayed",
            entity_type: "billing_webhook_event",
            entity_id: Some(format!("{provider}:{event_id}")),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    enqueue(
        services,
        provider,
        event_id,
        &format!("replay-{}", uuid::Uuid::now_v7()),
    )
    .await?;
    Ok(row.into())
}
