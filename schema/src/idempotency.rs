//! Idempotency keys for writes a terminal may retry (payments, settling,
//! refunds, stock adjustments).
//!
//! The key row is inserted in the same transaction as the write it guards,
//! under a primary key of (tenant, operation, key). A concurrent duplicate's
//! insert therefore waits on the first transaction: when that commits, the
//! duplicate finds the stored result and returns it; when it rolls back, the
//! duplicate goes ahead as the first. Keys are kept for [`KEEP_DAYS`] days,
//! then the maintenance loop deletes them.

use entities::idempotency_keys as keys;
use kernel::db::sql;
use kernel::{AppError, AppResult, TenantId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

/// How long a key is remembered. Terminals that retry after a week are
/// treated as new requests.
pub const KEEP_DAYS: i32 = 7;

/// A client's idempotency key for one operation.
#[derive(Debug, Clone)]
pub struct Key {
    operation: &'static str,
    key: String,
    request_hash: String,
}

impl Key {
    /// Checks the key and fingerprints the request it came with.
    pub fn new(operation: &'static str, raw: &str, request: &impl Serialize) -> AppResult<Self> {
        let key = raw.trim();
        if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(AppError::invalid_field(
                "idempotencyKey",
                "must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
            ));
        }
        // serde_json writes struct fields in declaration order, so the same
        // input always gives the same bytes.
        let body = serde_json::to_vec(request)?;
        let digest = Sha256::new()
            .chain_update(operation.as_bytes())
            .chain_update([0])
            .chain_update(&body)
            .finalize();
        Ok(Self {
            operation,
            key: key.to_owned(),
            request_hash: digest.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    pub fn optional(
        operation: &'static str,
        raw: Option<&str>,
        request: &impl Serialize,
    ) -> AppResult<Option<Self>> {
        raw.map(|k| Self::new(operation, k, request)).transpose()
    }
}

/// Claims `key` in `tx`. `Some(result)` when the key was used before with the
/// same request (return it and change nothing); `None` when this request is
/// the first, and must call [`finish`] before committing.
pub async fn claim<T: DeserializeOwned>(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    key: &Key,
) -> AppResult<Option<T>> {
    let inserted = tx
        .execute_raw(sql(
            "INSERT INTO idempotency_keys (tenant_id, operation, key, request_hash, expires_at)
             VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))
             ON CONFLICT (tenant_id, operation, key) DO UPDATE
               SET request_hash = EXCLUDED.request_hash, response = NULL,
                   created_at = now(), expires_at = EXCLUDED.expires_at
               WHERE idempotency_keys.expires_at < now()",
            [
                tenant.as_uuid().into(),
                key.operation.into(),
                key.key.clone().into(),
                key.request_hash.clone().into(),
                KEEP_DAYS.into(),
            ],
        ))
        .await?;
    if inserted.rows_affected() == 1 {
        return Ok(None);
    }
    let row =
        keys::Entity::find_by_id((tenant.as_uuid(), key.operation.to_owned(), key.key.clone()))
            .one(tx)
            .await?
            .ok_or_else(|| AppError::internal("idempotency key vanished"))?;
    if row.request_hash != key.request_hash {
        return Err(AppError::conflict(
            "this idempotency key was already used with a different request",
        )
        .with_details(serde_json::json!({ "idempotencyKey": key.key })));
    }
    let response = row
        .response
        .ok_or_else(|| AppError::internal("idempotency key without result"))?;
    Ok(Some(serde_json::from_value(response)?))
}

/// Stores the first result under `key`, in the transaction that produced it.
pub async fn finish<T: Serialize>(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    key: &Key,
    result: &T,
) -> AppResult<()> {
    keys::Entity::update_many()
        .filter(keys::Column::TenantId.eq(tenant))
        .filter(keys::Column::Operation.eq(key.operation))
        .filter(keys::Column::Key.eq(key.key.as_str()))
        .col_expr(
            keys::Column::Response,
            Expr::value(serde_json::to_value(result)?),
        )
        .exec(tx)
        .await?;
    Ok(())
}

/// Runs `write` once per key: a retry with the same key and request gets the
/// first result back without running `write` again.
pub async fn once<T, F>(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    key: Option<&Key>,
    write: F,
) -> AppResult<T>
where
    T: Serialize + DeserializeOwned,
    F: AsyncFnOnce() -> AppResult<T>,
{
    let Some(key) = key else {
        return write().await;
    };
    if let Some(first) = claim(tx, tenant, key).await? {
        return Ok(first);
    }
    let result = write().await?;
    finish(tx, tenant, key, &result).await?;
    Ok(result)
}
