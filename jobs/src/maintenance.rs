//! Housekeeping the database needs ahead of time.

use crate::store;
use kernel::{AppResult, Clock, Db};

/// Creates the monthly `audit_events` partitions up to `months_ahead` months
/// from now, so no audited write ever finds its month missing. Returns how
/// many partitions were created.
pub async fn ensure_audit_partitions(db: &Db, months_ahead: u32) -> AppResult<i32> {
    let tx = db.system_tx().await?;
    let made = store::ensure_audit_partitions(&tx, i32::try_from(months_ahead).unwrap_or(i32::MAX))
        .await?;
    tx.commit().await?;
    Ok(made)
}

/// Deletes idempotency keys past their retention (see `schema::idempotency`).
/// Returns how many went.
pub async fn purge_idempotency_keys(db: &Db) -> AppResult<u64> {
    let tx = db.system_tx().await?;
    let done = store::purge_idempotency_keys(&tx, Clock::System.now()).await?;
    tx.commit().await?;
    Ok(done)
}
