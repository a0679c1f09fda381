//! The event envelope every consumer and subscriber receives.

use chrono::{DateTime, Utc};
use kernel::{AppError, AppResult, TenantId};
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

impl Envelope {
    /// The tenant of an event a tenant's consumer handles; one without a
    /// tenant reaching such a consumer is a bug in its `wants`.
    pub fn tenant(&self) -> AppResult<TenantId> {
        self.tenant_id
            .map(TenantId)
            .ok_or_else(|| AppError::internal(format!("{} event without tenant", self.event_type)))
    }
}

pub use crate::store::OutboxRow;
