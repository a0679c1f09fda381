use super::Entitlements;
use crate::gql::{rc, svc};
use async_graphql::{Context, Object};
use kernel::TenantId;

#[derive(Default)]
pub struct EntitlementsQuery;

#[Object]
impl EntitlementsQuery {
    /// What the caller's business has: plan, modules and features, limits
    /// with usage, and feature flags, each value with its source.
    async fn entitlements(&self, ctx: &Context<'_>) -> async_graphql::Result<Entitlements> {
        Ok(super::mine(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: one business's entitlements.
    async fn tenant_entitlements(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
    ) -> async_graphql::Result<Entitlements> {
        Ok(super::of_tenant(&svc(ctx)?.db, rc(ctx)?, tenant_id).await?)
    }
}
