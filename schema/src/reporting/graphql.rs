use super::exports::{self, Export, ExportRequest};
use crate::gql::{rc, svc};
use async_graphql::{Context, InputObject, Object};
use kernel::TenantId;

#[derive(InputObject)]
pub struct RunTenantBackupInput {
    pub tenant_id: TenantId,
    /// Why the operator copies the business's data (kept on the audit row).
    pub reason: crate::text::Reason,
}

#[derive(Default)]
pub struct ReportingQuery;

#[Object]
impl ReportingQuery {
    /// The business's recent exports you may download.
    async fn exports(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Export>> {
        Ok(exports::list(svc(ctx)?, rc(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct ReportingMutation;

#[Object]
impl ReportingMutation {
    /// Ask for an export; follow its progress with the `events` subscription
    /// (`reporting.export.`) or the `exports` query.
    async fn request_export(
        &self,
        ctx: &Context<'_>,
        input: ExportRequest,
    ) -> async_graphql::Result<Export> {
        Ok(exports::request(svc(ctx)?, rc(ctx)?, input.kind).await?)
    }

    /// Superadmins: back up one business; the file is that business's to download.
    async fn run_tenant_backup(
        &self,
        ctx: &Context<'_>,
        input: RunTenantBackupInput,
    ) -> async_graphql::Result<Export> {
        Ok(
            exports::run_backup(svc(ctx)?, rc(ctx)?, input.tenant_id, input.reason.as_str())
                .await?,
        )
    }
}
