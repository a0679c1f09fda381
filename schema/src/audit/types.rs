//! An audited change as readers see it, and the filter of the trail,
//! defined once for GraphQL (`AuditFilterInput`), REST query parameters and
//! OpenAPI.

use chrono::{DateTime, Utc};
use kernel::{AuditId, TenantId};
use sea_orm::ActiveEnum;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// One audited change.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub id: AuditId,
    pub tenant_id: Option<TenantId>,
    pub actor_type: String,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
    /// Why an operator did it (operator writes always say).
    pub reason: Option<String>,
    /// The superadmin who did it as the user `actorId` (impersonating).
    pub impersonator_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<entities::audit_events::Model> for AuditEvent {
    fn from(m: entities::audit_events::Model) -> Self {
        Self {
            id: m.id.into(),
            tenant_id: m.tenant_id.map(TenantId),
            actor_type: m.actor_type.to_value(),
            actor_id: m.actor_id,
            action: m.action,
            entity_type: m.entity_type,
            entity_id: m.entity_id,
            before: m.before,
            after: m.after,
            request_id: m.request_id,
            reason: m.reason,
            impersonator_id: m.impersonator_id,
            created_at: m.created_at,
        }
    }
}

/// Which audit events to read; every field left out matches everything.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::IntoParams)]
#[graphql(name = "AuditFilterInput")]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    /// An action (`rbac.role.created`) or a prefix ending in a dot (`identity.`).
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    /// From this instant (inclusive), RFC 3339.
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive), RFC 3339.
    pub to: Option<DateTime<Utc>>,
}
