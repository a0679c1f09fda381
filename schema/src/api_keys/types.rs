//! An API key as the business sees it (never its secret), and the input that
//! makes one, defined once for GraphQL, REST and OpenAPI.

use crate::text::{Key, Name};
use chrono::{DateTime, Utc};
use kernel::ApiKeyId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    /// The start of the key, to recognise it by; never the secret.
    pub prefix: String,
    pub permissions: Vec<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<entities::api_keys::Model> for ApiKey {
    fn from(m: entities::api_keys::Model) -> Self {
        Self {
            id: m.id.into(),
            name: m.name,
            prefix: m.prefix,
            permissions: m.permissions,
            created_by: m.created_by,
            created_at: m.created_at,
            expires_at: m.expires_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    pub api_key: ApiKey,
    /// The whole key; shown this once.
    pub secret: String,
}

/// A new API key.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateApiKeyInput")]
#[schema(as = CreateApiKeyBody)]
#[serde(rename_all = "camelCase")]
pub struct NewApiKey {
    pub name: Name,
    /// What the key may do; each must be a permission you hold.
    pub permissions: Vec<Key>,
    pub expires_at: Option<DateTime<Utc>>,
}
