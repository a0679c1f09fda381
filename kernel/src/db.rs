//! Database access that enforces tenancy.
//!
//! The pool's connections run as [`APP_ROLE`], a role that owns no table and
//! cannot bypass row-level security. Every unit of work opens a transaction
//! that either names its tenant (`app.tenant_id`, transaction-local) or
//! explicitly switches to [`SYSTEM_ROLE`] for platform work (the outbox relay,
//! superadmin operations). A transaction that does neither sees no tenant row
//! and may write none: the database fails closed.

use crate::error::{AppError, AppResult};
use crate::ids::TenantId;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, SqlxPostgresConnector,
    Statement, TransactionTrait,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

/// The role the server's queries run as (created by the migrations).
pub const APP_ROLE: &str = "platform_app";
/// Names the transaction's tenant (`app.tenant_id`, transaction-local),
/// the one row-level security keys on.
async fn name_tenant(tx: &DatabaseTransaction, tenant: TenantId) -> AppResult<()> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT set_config('app.tenant_id', $1, true)",
        [tenant.to_string().into()],
    ))
    .await?;
    Ok(())
}

/// The role for platform-wide work; it may bypass row-level security.
pub const SYSTEM_ROLE: &str = "platform_system";
/// The role a restore or an offboarding writes as: every tenant table, but
/// only the rows of the tenant its transaction names.
pub const RESTORE_ROLE: &str = "platform_restore";

/// Whole-tenant work (a backup, a restore) reads or writes every table of a
/// business at once: longer than a request's statements may take, and with
/// times rendered the same way whatever the session's zone.
const WHOLE_TENANT: &str = "SET LOCAL statement_timeout = '30min'; SET LOCAL TimeZone = 'UTC'";

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub statement_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 20,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// Pool occupancy, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    max_connections: u32,
}

impl Db {
    /// Builds the pool without connecting, so the process can start (and
    /// report itself not ready) while PostgreSQL is unreachable.
    pub fn connect_lazy(url: &str, options: &DbOptions) -> AppResult<Self> {
        let connect = PgConnectOptions::from_str(url)
            .map_err(|e| AppError::validation(format!("invalid database url: {e}")))?
            .application_name("platform-server")
            .options([(
                "statement_timeout",
                format!("{}", options.statement_timeout.as_millis()),
            )]);
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    sqlx::query("SET ROLE platform_app").execute(conn).await?;
                    Ok(())
                })
            })
            .connect_lazy_with(connect);
        let mut conn = SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
        conn.set_metric_callback(count_statement);
        Ok(Self {
            conn,
            max_connections: options.max_connections,
        })
    }

    /// The raw connection, for code that opens its own scoped transaction.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// A transaction scoped to one tenant: row-level security shows and
    /// accepts only that tenant's rows.
    pub async fn tenant_tx(&self, tenant: TenantId) -> AppResult<DatabaseTransaction> {
        let tx = self.conn.begin().await?;
        name_tenant(&tx, tenant).await?;
        Ok(tx)
    }

    /// A read-only snapshot of one tenant (repeatable read), for a backup
    /// whose tables must all show the same moment.
    pub async fn tenant_snapshot(&self, tenant: TenantId) -> AppResult<DatabaseTransaction> {
        let tx = self
            .conn
            .begin_with_config(
                Some(sea_orm::IsolationLevel::RepeatableRead),
                Some(sea_orm::AccessMode::ReadOnly),
            )
            .await?;
        tx.execute_unprepared(WHOLE_TENANT).await?;
        name_tenant(&tx, tenant).await?;
        Ok(tx)
    }

    /// Switches `tx` to [`RESTORE_ROLE`] for `tenant`: from here it may
    /// write any table of that tenant and no row of another. A transaction
    /// may do platform work first (minting the tenant) and then this.
    pub async fn scope_to_restore(tx: &DatabaseTransaction, tenant: TenantId) -> AppResult<()> {
        tx.execute_unprepared(&format!("SET LOCAL ROLE {RESTORE_ROLE}; {WHOLE_TENANT}"))
            .await?;
        name_tenant(tx, tenant).await
    }

    /// Back to [`SYSTEM_ROLE`] within a transaction (after restore work).
    pub async fn scope_to_system(tx: &DatabaseTransaction) -> AppResult<()> {
        tx.execute_unprepared(&format!("SET LOCAL ROLE {SYSTEM_ROLE}"))
            .await?;
        Ok(())
    }

    /// A transaction for platform work across tenants. Callers must be
    /// platform code paths (superadmin guards, the relay), never a tenant's request.
    pub async fn system_tx(&self) -> AppResult<DatabaseTransaction> {
        let tx = self.conn.begin().await?;
        tx.execute_unprepared("SET LOCAL ROLE platform_system")
            .await?;
        Ok(tx)
    }

    /// A transaction with no tenant and no privilege, for public reads of
    /// platform tables; tenant tables read empty in it.
    pub async fn anonymous_tx(&self) -> AppResult<DatabaseTransaction> {
        Ok(self.conn.begin().await?)
    }

    pub async fn ping(&self) -> AppResult<()> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    pub fn pool_stats(&self) -> PoolStats {
        let pool = self.conn.get_postgres_connection_pool();
        PoolStats {
            size: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: self.max_connections,
        }
    }

    pub async fn close(&self) {
        self.conn.get_postgres_connection_pool().close().await;
    }
}

/// A PostgreSQL statement with positional (`$1`) parameters.
pub fn sql<I>(sql: &str, values: I) -> Statement
where
    I: IntoIterator<Item = sea_orm::Value>,
{
    Statement::from_sql_and_values(DbBackend::Postgres, sql, values)
}

impl Db {
    /// The underlying sqlx pool, for LISTEN/NOTIFY and session-scoped locks.
    pub fn pg_pool(&self) -> &sqlx::PgPool {
        self.conn.get_postgres_connection_pool()
    }
}

/// Counts and times every statement: `db_statements_total{kind}` (kind is
/// `query`, or `session` for the settings a transaction starts with) and
/// `db_statement_duration_seconds`. Listing pages with dataloaders should
/// cost a fixed number of queries however long the page is; this is where
/// that shows.
fn count_statement(info: &sea_orm::metric::Info<'_>) {
    let sql = info.statement.sql.trim_start();
    let kind = if sql.starts_with("SELECT set_config(") || sql.starts_with("SET ") {
        "session"
    } else {
        "query"
    };
    let outcome = if info.failed { "error" } else { "ok" };
    metrics::counter!("db_statements_total", "kind" => kind, "outcome" => outcome).increment(1);
    metrics::histogram!("db_statement_duration_seconds", "kind" => kind)
        .record(info.elapsed.as_secs_f64());
}
