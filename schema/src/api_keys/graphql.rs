use super::service::{self, ApiKey, CreatedApiKey};
use crate::gql::{rc, svc};
use crate::text::{Key, Name};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(InputObject)]
pub struct CreateApiKeyInput {
    pub name: Name,
    /// What the key may do; each must be a permission you hold.
    pub permissions: Vec<Key>,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(InputObject)]
pub struct ApiKeyIdInput {
    pub api_key_id: Uuid,
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
        input: CreateApiKeyInput,
    ) -> async_graphql::Result<CreatedApiKey> {
        Ok(service::create(
            &svc(ctx)?.db,
            rc(ctx)?,
            &input.name,
            input.permissions.into_iter().map(Into::into).collect(),
            input.expires_at,
        )
        .await?)
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
