use super::service::{self, AuditEvent, AuditFilter};
use crate::gql::{connection, page, rc, svc};
use async_graphql::connection::Connection;
use async_graphql::{Context, Object};
use kernel::TenantId;
use uuid::Uuid;

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The business's audit trail, newest first.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEvent>> {
        let result = service::list(
            &svc(ctx)?.db,
            rc(ctx)?,
            filter.unwrap_or_default(),
            page(first, after)?,
        )
        .await?;
        Ok(connection(result, |e| e.id.as_uuid()))
    }

    /// Superadmins: the audit trail of one business, or of all when `tenantId` is left out.
    async fn platform_audit_events(
        &self,
        ctx: &Context<'_>,
        tenant_id: Option<Uuid>,
        filter: Option<AuditFilter>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEvent>> {
        let result = service::list_platform(
            &svc(ctx)?.db,
            rc(ctx)?,
            tenant_id.map(TenantId),
            filter.unwrap_or_default(),
            page(first, after)?,
        )
        .await?;
        Ok(connection(result, |e| e.id.as_uuid()))
    }
}
