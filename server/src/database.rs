//! Database set-up: create the database if missing, migrate under a lock,
//! build the request pool.

use crate::config::Config;
use anyhow::Context;
use kernel::Db;
use kernel::db::DbOptions;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::str::FromStr;
use std::time::Duration;

/// Creates the configured database when it does not exist. Returns whether it did.
pub async fn ensure_database(url: &str) -> anyhow::Result<bool> {
    let options = PgConnectOptions::from_str(url).context("DATABASE_URL")?;
    let name = options.get_database().unwrap_or("postgres").to_owned();
    let mut admin = PgConnection::connect_with(&options.clone().database("postgres"))
        .await
        .context("connecting to PostgreSQL to check the database exists")?;
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&mut admin)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    let create = format!("CREATE DATABASE \"{}\"", name.replace('"', "\"\""));
    match sqlx::query(sqlx::AssertSqlSafe(create))
        .execute(&mut admin)
        .await
    {
        Ok(_) => Ok(true),
        // Another replica created it first.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => Ok(false),
        Err(e) => Err(e).context("creating the database"),
    }
}

/// Applies pending migrations (or rolls back `down` of them) while holding an
/// advisory lock, so replicas starting together migrate once.
pub async fn migrate(url: &str, down: Option<u32>) -> anyhow::Result<()> {
    let mut options = ConnectOptions::new(url.to_owned());
    // One connection: the advisory lock and the migrations share a session.
    options
        .max_connections(1)
        .min_connections(1)
        .sqlx_logging(false);
    let conn = Database::connect(options)
        .await
        .context("connecting to migrate")?;
    conn.execute_unprepared("SELECT pg_advisory_lock(7253001)")
        .await?;
    let result = match down {
        Some(steps) => Migrator::down(&conn, Some(steps)).await,
        None => Migrator::up(&conn, None).await,
    };
    conn.execute_unprepared("SELECT pg_advisory_unlock(7253001)")
        .await?;
    conn.close().await?;
    result.context("running migrations")
}

pub async fn migrate_command(config: &Config, down: Option<u32>) -> anyhow::Result<()> {
    let url = config.database_url.expose();
    if ensure_database(url).await? {
        tracing::info!("created database");
    }
    migrate(url, down).await?;
    tracing::info!(down, "migrations done");
    if down.is_none() {
        let db = connect(config)?;
        sync_registry(&db).await?;
        db.close().await;
    }
    Ok(())
}

/// Creates and migrates the database when configured to, then builds the pool.
pub async fn prepare(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url.expose();
    if config.migrate_on_start {
        if ensure_database(url).await? {
            tracing::info!("created database");
        }
        migrate(url, None).await?;
    }
    let db = connect(config)?;
    if config.migrate_on_start {
        sync_registry(&db).await?;
    }
    Ok(db)
}

/// Writes module-registry.json into the database.
async fn sync_registry(db: &Db) -> anyhow::Result<()> {
    let entries = schema::module_registry::service::sync(db)
        .await
        .map_err(|e| anyhow::anyhow!("syncing the module registry: {e}"))?;
    tracing::info!(entries, "module registry synced");
    Ok(())
}

pub fn connect(config: &Config) -> anyhow::Result<Db> {
    Db::connect_lazy(
        config.database_url.expose(),
        &DbOptions {
            max_connections: config.database_max_connections,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_millis(config.database_statement_timeout_ms),
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}
