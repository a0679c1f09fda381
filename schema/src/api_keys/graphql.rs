use super::service::{self, ApiKey, CreatedApiKey, NewApiKey};
use crate::gql::{rc, svc};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use kernel::ApiKeyId;

#[derive(InputObject)]
pub struct ApiKeyIdInput {
    pub api_key_id: ApiKeyId,
}

#[derive(SimpleObject)]
pub struct ApiKeyPayload {
    pub api_key: ApiKey,
}

#[derive(Default)]
pub struct ApiKeysQuery;

#[Object]
impl ApiKeysQuery {
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKey>> {
        Ok(service::list(&svc(ctx)?.db, rc(ctx)?).await?)
    }
}

#[derive(Default)]
pub struct ApiKeysMutation;

#[Object]
impl ApiKeysMutation {
    /// The secret is in the answer, and nowhere else, ever again.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        input: NewApiKey,
    ) -> async_graphql::Result<CreatedApiKey> {
        Ok(service::create(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        input: ApiKeyIdInput,
    ) -> async_graphql::Result<ApiKeyPayload> {
        let api_key = service::revoke(&svc(ctx)?.db, rc(ctx)?, input.api_key_id).await?;
        Ok(ApiKeyPayload { api_key })
    }
}
