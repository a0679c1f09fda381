//! Housekeeping the database needs ahead of time.

use kernel::{AppResult, Db};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

/// Creates the monthly `audit_events` partitions up to `months_ahead` months
/// from now, so no audited write ever finds its month missing. Returns how
/// many partitions were created.
pub async fn ensure_audit_partitions(db: &Db, months_ahead: u32) -> AppResult<i32> {
    let tx = db.system_tx().await?;
    let row = tx
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT ensure_audit_partitions($1) AS made",
            [i32::try_from(months_ahead).unwrap_or(i32::MAX).into()],
        ))
        .await?;
    tx.commit().await?;
    Ok(row
        .map(|r| r.try_get::<i32>("", "made"))
        .transpose()?
        .unwrap_or(0))
}

/// Deletes idempotency keys past their retention (see `schema::idempotency`).
/// Returns how many went.
pub async fn purge_idempotency_keys(db: &Db) -> AppResult<u64> {
    let tx = db.system_tx().await?;
    let done = tx
        .execute_raw(Statement::from_string(
            DbBackend::Postgres,
            "DELETE FROM idempotency_keys WHERE expires_at < now()",
        ))
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
