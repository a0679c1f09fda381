use super::service::{self, Signup, SignupInput, Tenant, TenantReason, TenantStatus};
use crate::gql::{connection, page, rc, svc};
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, SimpleObject};
use kernel::TenantId;

#[derive(InputObject)]
pub struct TenantReasonInput {
    pub tenant_id: TenantId,
    #[graphql(flatten)]
    pub reason: TenantReason,
}

#[derive(SimpleObject)]
pub struct TenantPayload {
    pub tenant: Tenant,
}

#[derive(Default)]
pub struct TenantsQuery;

#[Object]
impl TenantsQuery {
    /// The signed-in principal's own business.
    async fn tenant(&self, ctx: &Context<'_>) -> async_graphql::Result<Tenant> {
        Ok(service::current(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: every business, newest first.
    async fn tenants(
        &self,
        ctx: &Context<'_>,
        status: Option<TenantStatus>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Tenant>> {
        let result = service::list(&svc(ctx)?.db, rc(ctx)?, status, page(first, after)?).await?;
        Ok(connection(result, |t| t.id.as_uuid()))
    }

    /// Superadmins: one business.
    async fn tenant_by_id(&self, ctx: &Context<'_>, id: TenantId) -> async_graphql::Result<Tenant> {
        Ok(service::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }
}

#[derive(Default)]
pub struct TenantsMutation;

#[Object]
impl TenantsMutation {
    /// Public: registers a business (pending approval) and its owner.
    async fn signup(&self, ctx: &Context<'_>, input: SignupInput) -> async_graphql::Result<Signup> {
        Ok(service::signup(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Superadmins: approve a pending business, saying why.
    async fn approve_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantReasonInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant =
            service::approve(&svc(ctx)?.db, rc(ctx)?, input.tenant_id, Some(input.reason)).await?;
        Ok(TenantPayload { tenant })
    }

    /// Superadmins: reject a pending business, with the reason.
    async fn reject_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantReasonInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant =
            service::reject(&svc(ctx)?.db, rc(ctx)?, input.tenant_id, input.reason).await?;
        Ok(TenantPayload { tenant })
    }

    /// Superadmins: suspend an active business.
    async fn suspend_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantReasonInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant =
            service::suspend(&svc(ctx)?.db, rc(ctx)?, input.tenant_id, input.reason).await?;
        Ok(TenantPayload { tenant })
    }

    /// Superadmins: reactivate a suspended business, saying why.
    async fn reactivate_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantReasonInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant =
            service::reactivate(&svc(ctx)?.db, rc(ctx)?, input.tenant_id, Some(input.reason))
                .await?;
        Ok(TenantPayload { tenant })
    }
}
