//! The skeleton every tenant command shares, written once: check the
//! permission, open the tenant's transaction, do the work, record the audit
//! row and the outbox event beside it, commit. A command then states only its
//! own logic:
//!
//! ```ignore
//! let unit = Unit::begin(db, ctx, MANAGE).await?;
//! let location = store::insert(&unit, &new).await?;
//! let change = Change::created("location.created", "location", location.id, &location)?;
//! unit.commit_with(change, location).await
//! ```

use crate::audit::service::{self as audit, AuditEntry, Change, record_change};
use chrono::{DateTime, Utc};
use kernel::{AppResult, Db, RequestContext, TenantId};
use sea_orm::DatabaseTransaction;
use std::ops::Deref;

/// One unit of a tenant's work: the guard has passed and the tenant's
/// transaction is open. Dropped without [`Unit::commit`], it rolls back.
pub struct Unit<'c> {
    pub tenant: TenantId,
    pub ctx: &'c RequestContext,
    tx: DatabaseTransaction,
}

impl<'c> Unit<'c> {
    /// Checks `permission` (which also requires an active tenant with the
    /// permission's module on), then opens the tenant's transaction.
    pub async fn begin(db: &Db, ctx: &'c RequestContext, permission: &str) -> AppResult<Self> {
        let tenant = ctx.require(permission)?;
        Self::open(db, ctx, tenant).await
    }

    /// For what any signed-in principal of the tenant may do.
    pub async fn begin_signed_in(db: &Db, ctx: &'c RequestContext) -> AppResult<Self> {
        let tenant = ctx.require_tenant()?;
        Self::open(db, ctx, tenant).await
    }

    /// For work whose guard the caller has already applied (jobs, consumers,
    /// platform operations acting inside one tenant).
    pub async fn open(db: &Db, ctx: &'c RequestContext, tenant: TenantId) -> AppResult<Self> {
        Ok(Self {
            tenant,
            ctx,
            tx: db.tenant_tx(tenant).await?,
        })
    }

    pub fn tx(&self) -> &DatabaseTransaction {
        &self.tx
    }

    /// The request's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.ctx.now()
    }

    /// Writes the audit row and the outbox event of `change`, in this unit.
    pub async fn record(&self, change: Change) -> AppResult<()> {
        record_change(&self.tx, self.ctx, self.tenant, change).await
    }

    /// Writes an audit row alone, for what is recorded but announces no
    /// event (sign-ins, password and MFA changes).
    pub async fn audit(&self, entry: AuditEntry<'_>) -> AppResult<()> {
        audit::record(&self.tx, self.ctx, entry).await.map(|_| ())
    }

    /// The usual ending: records `change`, commits, hands back `value`.
    pub async fn commit_with<T>(self, change: Change, value: T) -> AppResult<T> {
        self.record(change).await?;
        self.commit(value).await
    }

    /// Commits and hands back what the command returns.
    pub async fn commit<T>(self, value: T) -> AppResult<T> {
        self.tx.commit().await?;
        Ok(value)
    }
}

impl Deref for Unit<'_> {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}
