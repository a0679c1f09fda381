//! The API key commands: create, list, revoke, and authenticating a
//! presented key.

use super::store;
pub use super::types::{ApiKey, CreatedApiKey, NewApiKey};
use crate::audit::service::Change;
use crate::billing::entitlements::Limit;
use crate::command::Unit;
use crate::identity::secrets;
use crate::module_registry::catalog::catalog;
use entities::tenants::TenantStatus;
use kernel::{Access, Actor, ApiKeyId, AppError, AppResult, Clock, Db, RequestContext, TenantId};
use sea_orm::ActiveEnum;
use serde_json::json;
use uuid::Uuid;

/// Keys look like `sk_<32 hex id>_<secret>`; the id finds the row, the
/// secret's digest proves possession.
const KEY_PREFIX: &str = "sk_";

const MANAGE: &str = "admin.api_keys.manage";

/// Checks the key's name and permissions (known, and held by the caller);
/// returns them sorted, once each.
fn checked_permissions(ctx: &RequestContext, input: &NewApiKey) -> AppResult<Vec<String>> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::invalid_field(
            "name",
            "must be 1 to 100 characters",
        ));
    }
    if input.permissions.is_empty() {
        return Err(AppError::invalid_field(
            "permissions",
            "name at least one permission",
        ));
    }
    let catalog = catalog()?;
    if let Some(unknown) = input.permissions.iter().find(|p| !catalog.is_permission(p)) {
        return Err(AppError::invalid_field(
            "permissions",
            format!("unknown permission {}", unknown.as_str()),
        ));
    }
    let held = ctx
        .access
        .as_deref()
        .map(|a| a.permissions.clone())
        .unwrap_or_default();
    if let Some(missing) = input
        .permissions
        .iter()
        .find(|p| !held.contains(p.as_str()))
    {
        return Err(AppError::authz(format!(
            "you cannot give a key a permission you do not hold: {}",
            missing.as_str()
        ))
        .with_details(json!({ "permission": missing.as_str() })));
    }
    if input.expires_at.is_some_and(|e| e <= ctx.now()) {
        return Err(AppError::invalid_field(
            "expiresAt",
            "must be in the future",
        ));
    }
    let mut permissions: Vec<String> = input.permissions.iter().map(|p| p.to_string()).collect();
    permissions.sort();
    permissions.dedup();
    Ok(permissions)
}

/// Key events publish just the key's id.
fn event(id: ApiKeyId) -> serde_json::Value {
    json!({ "apiKeyId": id })
}

pub async fn create(db: &Db, ctx: &RequestContext, input: NewApiKey) -> AppResult<CreatedApiKey> {
    let tenant = ctx.require(MANAGE)?;
    ctx.require_own_credentials()?;
    let permissions = checked_permissions(ctx, &input)?;
    let id = ApiKeyId::new();
    let secret = secrets::generate("");
    let key = format!("{KEY_PREFIX}{}_{secret}", id.as_uuid().simple());
    let prefix: String = key.chars().take(KEY_PREFIX.len() + 12).collect();
    let unit = Unit::open(db, ctx, tenant).await?;
    crate::billing::entitlements::check(&*unit, tenant, Limit::ApiKeys, unit.now()).await?;
    let api_key = store::insert(
        &*unit,
        store::Insert {
            tenant,
            id,
            name: input.name.trim(),
            prefix,
            secret_hash: secrets::digest(&key),
            permissions,
            created_by: ctx.user_id(),
            expires_at: input.expires_at,
            at: unit.now(),
        },
    )
    .await?;
    unit.record(
        Change::created("admin.api_key.created", "api_key", id, &api_key)?.with_event(event(id)),
    )
    .await?;
    unit.commit(CreatedApiKey {
        api_key,
        secret: key,
    })
    .await
}

pub async fn list(db: &Db, ctx: &RequestContext) -> AppResult<Vec<ApiKey>> {
    let tenant = ctx.require_to_read(MANAGE)?;
    let unit = Unit::open(db, ctx, tenant).await?;
    let keys = store::list(&*unit, unit.tenant).await?;
    unit.commit(keys).await
}

/// Revokes a key (again is harmless); returns it.
pub async fn revoke(db: &Db, ctx: &RequestContext, id: ApiKeyId) -> AppResult<ApiKey> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    let key = store::revoke(&*unit, unit.tenant, id, unit.now())
        .await?
        .ok_or_else(|| AppError::not_found("API key"))?;
    unit.commit_with(
        Change::new("admin.api_key.revoked", "api_key", id)
            .with_after(json!({ "revokedAt": key.revoked_at }))
            .with_event(event(id)),
        key,
    )
    .await
}

/// Whether a bearer credential looks like an API key rather than a JWT.
pub fn looks_like_key(credential: &str) -> bool {
    credential.starts_with(KEY_PREFIX)
}

/// Authenticates a presented key: the actor it stands for and what it may do
/// (its own permissions, within the tenant's status and enabled modules).
/// `last_used_at` is refreshed at most once a minute, to keep reads cheap.
pub async fn authenticate(db: &Db, clock: Clock, presented: &str) -> AppResult<(Actor, Access)> {
    let invalid = || AppError::authn("invalid API key");
    let rest = presented.strip_prefix(KEY_PREFIX).ok_or_else(invalid)?;
    let (id_hex, _) = rest.split_once('_').ok_or_else(invalid)?;
    let id = ApiKeyId(Uuid::try_parse(id_hex).map_err(|_| invalid())?);
    let now = clock.now();
    let tx = db.system_tx().await?;
    let row = store::presented(&tx, id, now).await?.ok_or_else(invalid)?;
    if !secrets::same_digest(&row.secret_hash, &secrets::digest(presented)) {
        return Err(invalid());
    }
    if !row.usable {
        return Err(AppError::authn("the API key is revoked or expired"));
    }
    if row.tenant_status == TenantStatus::Rejected {
        return Err(invalid());
    }
    store::touch(&tx, id, now).await?;
    tx.commit().await?;
    let tenant_id: TenantId = row.tenant_id;
    Ok((
        Actor::ApiKey {
            tenant_id,
            key_id: id,
        },
        Access {
            tenant_status: row.tenant_status.to_value(),
            permissions: row.permissions.into_iter().collect(),
            enabled_modules: row.modules.into_iter().collect(),
            billing_status: row.billing_status,
            maintenance: crate::maintenance::notices(row.maintenance)?,
        },
    ))
}
