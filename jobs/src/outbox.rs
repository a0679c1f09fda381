//! Writing domain events to the transactional outbox. Callers pass their
//! open transaction, so the event commits (or not) with the change itself.

use chrono::Utc;
use kernel::{AppResult, TenantId};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
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
    use entities::event_outbox::{ActiveModel, Entity, OutboxStatus};
    let id = Uuid::now_v7();
    let now = Utc::now();
    Entity::insert(ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant.map(|t| t.as_uuid())),
        event_type: Set(event.event_type.to_owned()),
        entity_id: Set(Some(event.entity_id)),
        entity_version: Set(event.version),
        payload: Set(event.data),
        occurred_at: Set(now),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        dispatched_at: Set(None),
        created_at: Set(now),
        sequence: Set(None),
        published_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}
