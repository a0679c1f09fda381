use super::service::{self, AuditEvent, AuditFilter};
use crate::gql::{connection, page, rc, svc};
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object};
use chrono::{DateTime, Utc};
use kernel::TenantId;
use uuid::Uuid;

#[derive(InputObject, Default)]
pub struct AuditFilterInput {
    /// An action (`rbac.role.created`) or a prefix ending in a dot (`identity.`).
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl From<AuditFilterInput> for AuditFilter {
    fn from(f: AuditFilterInput) -> Self {
        Self {
            action: f.action,
            entity_type: f.entity_type,
            entity_id: f.entity_id,
            actor_id: f.actor_id,
            from: f.from,
            to: f.to,
        }
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The business's audit trail, newest first.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEvent>> {
        let result = service::list(
            &svc(ctx)?.db,
            rc(ctx)?,
            filter.unwrap_or_default().into(),
            page(first, after)?,
        )
        .await?;
        Ok(connection(result, |e| e.id))
    }

    /// Superadmins: the audit trail of one business, or of all when `tenantId` is left out.
    async fn platform_audit_events(
        &self,
        ctx: &Context<'_>,
        tenant_id: Option<Uuid>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEvent>> {
        let result = service::list_platform(
            &svc(ctx)?.db,
            rc(ctx)?,
            tenant_id.map(TenantId),
            filter.unwrap_or_default().into(),
            page(first, after)?,
        )
        .await?;
        Ok(connection(result, |e| e.id))
    }
}
