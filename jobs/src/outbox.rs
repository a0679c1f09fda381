//! Writing domain events to the transactional outbox. Callers pass their
//! open transaction, so the event commits (or not) with the change itself.

use crate::store;
use kernel::{AppResult, Clock, EventId, TenantId};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use uuid::Uuid;

/// A domain event about to be recorded.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// `module.entity.verb`, e.g. `tenant.approved`, `pos.ticket.settled`.
    pub event_type: &'static str,
    pub entity_id: String,
    /// The entity's version after the change, for consumers' ordering and idempotency.
    pub version: i64,
    pub data: Value,
}

impl NewEvent {
    pub fn new(event_type: &'static str, entity_id: impl ToString, data: Value) -> Self {
        Self {
            event_type,
            entity_id: entity_id.to_string(),
            version: 1,
            data,
        }
    }
}

/// Records `event` for `tenant` (or the platform, with `None`); returns the event id.
pub async fn record(
    conn: &impl ConnectionTrait,
    tenant: Option<TenantId>,
    event: NewEvent,
) -> AppResult<Uuid> {
    let id = EventId::new();
    store::insert_event(conn, id, tenant, event, Clock::System.now()).await?;
    Ok(id.as_uuid())
}

/// Records `event` once in each of `tenants`' streams, in one statement.
pub async fn record_for_each(
    conn: &impl ConnectionTrait,
    tenants: &[TenantId],
    event: NewEvent,
) -> AppResult<()> {
    store::insert_event_for_each(conn, tenants, &event, Clock::System.now()).await
}
