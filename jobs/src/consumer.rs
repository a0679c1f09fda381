//! Event consumers: domain reactions to events (deduct stock when a ticket
//! settles, send the approval email), run as `outbox-dispatch` jobs. Each
//! records the events it applied in `consumed_events` inside the same
//! transaction as its effects, so a redelivered event changes nothing.

use crate::envelope::Envelope;
use crate::queue::Job;
use crate::relay::ConsumerDirectory;
use crate::store;
use crate::worker::{Handler, HandlerFuture};
use kernel::{AppError, AppResult, TenantId};
use sea_orm::DatabaseTransaction;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type ConsumerFuture<'a> = Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

pub trait Consumer: Send + Sync + 'static {
    /// A stable name: it keys `consumed_events`.
    fn name(&self) -> &'static str;
    fn wants(&self, event_type: &str) -> bool;
    fn consume<'a>(&'a self, event: &'a Envelope) -> ConsumerFuture<'a>;
}

/// Records that `consumer` applied `event` in `tx`; `false` if it already had
/// (then the caller must not apply it again).
pub async fn first_application(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    consumer: &str,
    event: &Envelope,
) -> AppResult<bool> {
    store::consume(tx, tenant, consumer, event.event_id).await
}

/// All consumers, by name; the relay asks it who wants what, the worker runs them.
#[derive(Clone, Default)]
pub struct Consumers {
    by_name: HashMap<&'static str, Arc<dyn Consumer>>,
}

impl Consumers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, consumer: impl Consumer) -> Self {
        self.by_name.insert(consumer.name(), Arc::new(consumer));
        self
    }
}

impl ConsumerDirectory for Consumers {
    fn consumers_for(&self, event_type: &str) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self
            .by_name
            .values()
            .filter(|c| c.wants(event_type))
            .map(|c| c.name())
            .collect();
        names.sort_unstable();
        names
    }
}

impl Handler for Consumers {
    fn handle<'a>(&'a self, job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let name = job.payload["consumer"].as_str().unwrap_or_default();
            let consumer = self
                .by_name
                .get(name)
                .ok_or_else(|| AppError::internal(format!("no consumer named {name}")))?;
            let event: Envelope = serde_json::from_value(job.payload["event"].clone())?;
            consumer.consume(&event).await
        })
    }
}
