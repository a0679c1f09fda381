use super::service::{self, SignupInput, Tenant, TenantStatus};
use crate::gql::{connection, page, rc, svc};
use crate::text::{EmailAddress, LongName, Password, Reason, Slug};
use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, SimpleObject};
use kernel::TenantId;
use uuid::Uuid;

#[derive(InputObject)]
#[graphql(name = "SignupInput")]
pub struct SignupGql {
    pub business_name: LongName,
    /// The business's address on the platform: 3-63 lowercase letters, digits, dashes.
    pub slug: Slug,
    pub owner_name: LongName,
    pub email: EmailAddress,
    pub password: Password,
}

#[derive(InputObject)]
pub struct TenantIdInput {
    pub tenant_id: Uuid,
}

#[derive(InputObject)]
pub struct TenantReasonInput {
    pub tenant_id: Uuid,
    pub reason: Reason,
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
        Ok(connection(result, |t| t.id))
    }

    /// Superadmins: one business.
    async fn tenant_by_id(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Tenant> {
        Ok(service::get(&svc(ctx)?.db, rc(ctx)?, TenantId(id)).await?)
    }
}

#[derive(Default)]
pub struct TenantsMutation;

#[Object]
impl TenantsMutation {
    /// Public: registers a business (pending approval) and its owner.
    async fn signup(
        &self,
        ctx: &Context<'_>,
        input: SignupGql,
    ) -> async_graphql::Result<service::Signup> {
        let input = SignupInput {
            business_name: input.business_name.into(),
            slug: input.slug.into(),
            owner_name: input.owner_name.into(),
            email: input.email.into(),
            password: input.password.into(),
        };
        Ok(service::signup(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Superadmins: approve a pending business.
    async fn approve_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantIdInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant = service::approve(&svc(ctx)?.db, rc(ctx)?, TenantId(input.tenant_id)).await?;
        Ok(TenantPayload { tenant })
    }

    /// Superadmins: reject a pending business, with the reason.
    async fn reject_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantReasonInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant = service::reject(
            &svc(ctx)?.db,
            rc(ctx)?,
            TenantId(input.tenant_id),
            input.reason.into(),
        )
        .await?;
        Ok(TenantPayload { tenant })
    }

    /// Superadmins: suspend an active business.
    async fn suspend_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantReasonInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant = service::suspend(
            &svc(ctx)?.db,
            rc(ctx)?,
            TenantId(input.tenant_id),
            input.reason.into(),
        )
        .await?;
        Ok(TenantPayload { tenant })
    }

    /// Superadmins: reactivate a suspended business.
    async fn reactivate_tenant(
        &self,
        ctx: &Context<'_>,
        input: TenantIdInput,
    ) -> async_graphql::Result<TenantPayload> {
        let tenant =
            service::reactivate(&svc(ctx)?.db, rc(ctx)?, TenantId(input.tenant_id)).await?;
        Ok(TenantPayload { tenant })
    }
}
