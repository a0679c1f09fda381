//! The event envelope every consumer and subscriber receives.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub event_id: Uuid,
    pub tenant_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub event_type: String,
    pub entity_id: Option<String>,
    pub version: i64,
    pub occurred_at: DateTime<Utc>,
    /// The event's position in its tenant's stream (1, 2, 3, ...), given when
    /// the relay claims it; `None` for platform events, which have no stream.
    pub sequence: Option<i64>,
    pub data: Value,
}

/// The `event_outbox` columns [`OutboxRow`] reads.
pub const OUTBOX_COLUMNS: &str = "id, tenant_id, event_type, entity_id, entity_version, payload, occurred_at, attempts, sequence";

/// An `event_outbox` row, as the relay claims it and subscribers replay it.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct OutboxRow {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub event_type: String,
    pub entity_id: Option<String>,
    pub entity_version: i64,
    pub payload: Value,
    pub occurred_at: DateTime<Utc>,
    pub attempts: i32,
    pub sequence: Option<i64>,
}

impl OutboxRow {
    pub fn envelope(&self) -> Envelope {
        Envelope {
            event_id: self.id,
            tenant_id: self.tenant_id,
            event_type: self.event_type.clone(),
            entity_id: self.entity_id.clone(),
            version: self.entity_version,
            occurred_at: self.occurred_at,
            sequence: self.sequence,
            data: self.payload.clone(),
        }
    }
}
