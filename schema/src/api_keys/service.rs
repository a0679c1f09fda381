use crate::audit::service::{self as audit, AuditEntry};
use crate::identity::secrets;
use crate::module_registry::catalog::catalog;
use chrono::{DateTime, Utc};
use jobs::outbox::{self, NewEvent};
use kernel::db::sql;
use kernel::{Access, Actor, AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Keys look like `sk_<32 hex id>_<secret>`; the id finds the row, the
/// secret's digest proves possession.
const KEY_PREFIX: &str = "sk_";

#[derive(
    Debug, Clone, Serialize, FromQueryResult, async_graphql::SimpleObject, utoipa::ToSchema,
)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: Uuid,
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

const COLUMNS: &str =
    "id, name, prefix, permissions, created_by, created_at, expires_at, last_used_at, revoked_at";

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    pub api_key: ApiKey,
    /// The whole key; shown this once.
    pub secret: String,
}

pub async fn create(
    db: &Db,
    ctx: &RequestContext,
    name: &str,
    permissions: Vec<String>,
    expires_at: Option<DateTime<Utc>>,
) -> AppResult<CreatedApiKey> {
    let tenant = ctx.require("admin.api_keys.manage")?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 100 characters",
        ));
    }
    if permissions.is_empty() {
        return Err(AppError::invalid_field(
            "permissions",
            "name at least one permission",
        ));
    }
    let catalog = catalog()?;
    if let Some(unknown) = permissions.iter().find(|p| !catalog.is_permission(p)) {
        return Err(AppError::invalid_field(
            "permissions",
            format!("unknown permission {unknown}"),
        ));
    }
    let held = ctx
        .access
        .as_deref()
        .map(|a| a.permissions.clone())
        .unwrap_or_default();
    if let Some(missing) = permissions.iter().find(|p| !held.contains(*p)) {
        return Err(AppError::authz(format!(
            "you cannot give a key a permission you do not hold: {missing}"
        ))
        .with_details(json!({ "permission": missing })));
    }
    if expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(AppError::invalid_field(
            "expiresAt",
            "must be in the future",
        ));
    }
    let mut permissions = permissions;
    permissions.sort();
    permissions.dedup();
    let id = Uuid::now_v7();
    let secret = secrets::generate("");
    let key = format!("{KEY_PREFIX}{}_{secret}", id.simple());
    let prefix: String = key.chars().take(KEY_PREFIX.len() + 12).collect();
    let tx = db.tenant_tx(tenant).await?;
    let api_key = ApiKey::find_by_statement(sql(
        &format!(
            "INSERT INTO api_keys (tenant_id, id, name, prefix, secret_hash, permissions, created_by, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
        ),
        [
            tenant.as_uuid().into(),
            id.into(),
            name.into(),
            prefix.into(),
            secrets::digest(&key).into(),
            permissions.clone().into(),
            ctx.user_id().map(|u| u.as_uuid()).into(),
            expires_at.into(),
        ],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::internal("insert returned nothing"))?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "admin.api_key.created",
            entity_type: "api_key",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(serde_json::to_value(&api_key)?),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new("admin.api_key.created", id, json!({ "apiKeyId": id })),
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedApiKey {
        api_key,
        secret: key,
    })
}

pub async fn list(db: &Db, ctx: &RequestContext) -> AppResult<Vec<ApiKey>> {
    let tenant = ctx.require("admin.api_keys.manage")?;
    let tx = db.tenant_tx(tenant).await?;
    let keys = ApiKey::find_by_statement(sql(
        &format!("SELECT {COLUMNS} FROM api_keys WHERE tenant_id = $1 ORDER BY id DESC"),
        [tenant.as_uuid().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(keys)
}

pub async fn revoke(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<ApiKey> {
    let tenant = ctx.require("admin.api_keys.manage")?;
    let tx = db.tenant_tx(tenant).await?;
    let key = ApiKey::find_by_statement(sql(
        &format!(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE tenant_id = $1 AND id = $2 RETURNING {COLUMNS}"
        ),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("API key"))?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "admin.api_key.revoked",
            entity_type: "api_key",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "revokedAt": key.revoked_at })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new("admin.api_key.revoked", id, json!({ "apiKeyId": id })),
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}

/// Whether a bearer credential looks like an API key rather than a JWT.
pub fn looks_like_key(credential: &str) -> bool {
    credential.starts_with(KEY_PREFIX)
}

/// Authenticates a presented key: the actor it stands for and what it may do
/// (its own permissions, within the tenant's status and enabled modules).
/// `last_used_at` is refreshed at most once a minute, to keep reads cheap.
pub async fn authenticate(db: &Db, presented: &str) -> AppResult<(Actor, Access)> {
    let invalid = || AppError::authn("invalid API key");
    let rest = presented.strip_prefix(KEY_PREFIX).ok_or_else(invalid)?;
    let (id_hex, _) = rest.split_once('_').ok_or_else(invalid)?;
    let id = Uuid::try_parse(id_hex).map_err(|_| invalid())?;
    #[derive(FromQueryResult)]
    struct Row {
        tenant_id: Uuid,
        secret_hash: Vec<u8>,
        permissions: Vec<String>,
        usable: bool,
        tenant_status: String,
        modules: Vec<String>,
    }
    let tx = db.system_tx().await?;
    let row = Row::find_by_statement(sql(
        "SELECT k.tenant_id, k.secret_hash, k.permissions,
                (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())) AS usable,
                t.status AS tenant_status,
                ARRAY(SELECT module_key FROM tenant_modules m WHERE m.tenant_id = k.tenant_id AND m.enabled) AS modules
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.id = $1",
        [id.into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(invalid)?;
    if !secrets::same_digest(&row.secret_hash, &secrets::digest(presented)) {
        return Err(invalid());
    }
    if !row.usable {
        return Err(AppError::authn("the API key is revoked or expired"));
    }
    if row.tenant_status == "rejected" {
        return Err(invalid());
    }
    tx.execute_raw(sql(
        "UPDATE api_keys SET last_used_at = now()
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
        [id.into()],
    ))
    .await?;
    tx.commit().await?;
    let tenant_id = TenantId(row.tenant_id);
    Ok((
        Actor::ApiKey {
            tenant_id,
            key_id: id,
        },
        Access {
            tenant_status: row.tenant_status,
            permissions: row.permissions.into_iter().collect(),
            enabled_modules: row.modules.into_iter().collect(),
        },
    ))
}
