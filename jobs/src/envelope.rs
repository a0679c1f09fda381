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

pub use crate::store::OutboxRow;
