//! Test support for the workspace's suites (a dev-dependency only): a
//! PostgreSQL database of each test's own, cloned from a template that is
//! migrated once per set of migrations and dropped when the test ends.
//!
//! The service tests (`schema/tests/services`) and the end-to-end suite
//! (`server/tests/e2e`) both take their databases from here. Failures panic
//! with what went wrong: the test that asked cannot run without its database.

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::future::Future;
use std::time::Duration;

pub const PG_BASE: &str = "postgres://postgres@127.0.0.1:5432";

/// Serialises template builders across test processes and checkouts.
const TEMPLATE_LOCK: i64 = 90210;

/// Runs `fut` to completion on a private runtime in another thread; for Drop
/// impls, which cannot await.
pub fn block_on_thread<F>(fut: F)
where
    F: Future<Output = ()> + Send + 'static,
{
    let _ = std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(fut);
        }
    })
    .join();
}

async fn admin() -> DatabaseConnection {
    Database::connect(format!("{PG_BASE}/postgres"))
        .await
        .unwrap_or_else(|e| panic!("connect to postgres: {e}"))
}

async fn execute(conn: &DatabaseConnection, sql: &str, what: &str) {
    conn.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
}

/// A name for the template that changes whenever a migration's source does:
/// FNV-1a over the sources' bytes and names, stable across runs and
/// toolchains (unlike std's hasher). Checkouts with other migrations get
/// other templates, so they never clone each other's.
fn template_name() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migration/src");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("migration sources in {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
        for byte in std::fs::read(&file)
            .unwrap_or_else(|e| panic!("read {}: {e}", file.display()))
            .into_iter()
            .chain(name.unwrap_or_default().into_bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("platform_tmpl_{hash:016x}")
}

static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// The migrated template, built once per migration set across all test
/// processes (an advisory lock serialises the builders). It is built under
/// another name and renamed when complete, so a half-built one is never
/// cloned.
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let conn = admin().await;
            execute(
                &conn,
                &format!("SELECT pg_advisory_lock({TEMPLATE_LOCK})"),
                "lock",
            )
            .await;
            let exists = conn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT 1 AS found FROM pg_database WHERE datname = $1",
                    [name.clone().into()],
                ))
                .await
                .unwrap_or_else(|e| panic!("check template: {e}"))
                .is_some();
            if !exists {
                // Templates of other migration sets are left alone: another
                // checkout (a CI run beside a session) may be cloning them.
                let building = format!("{name}_building");
                let drop = format!("DROP DATABASE IF EXISTS \"{building}\"");
                execute(&conn, &drop, "drop half-built template").await;
                let create = format!("CREATE DATABASE \"{building}\"");
                execute(&conn, &create, "create template").await;
                let db = Database::connect(format!("{PG_BASE}/{building}"))
                    .await
                    .unwrap_or_else(|e| panic!("connect template: {e}"));
                Migrator::up(&db, None)
                    .await
                    .unwrap_or_else(|e| panic!("migrate template: {e}"));
                db.close()
                    .await
                    .unwrap_or_else(|e| panic!("close template: {e}"));
                let rename = format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\"");
                execute(&conn, &rename, "rename template").await;
            }
            execute(
                &conn,
                &format!("SELECT pg_advisory_unlock({TEMPLATE_LOCK})"),
                "unlock",
            )
            .await;
            name
        })
        .await
        .clone()
}

/// A database of its own for one test, dropped when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub async fn create() -> Self {
        let template = template().await;
        let name = format!("platform_test_{}", uuid::Uuid::new_v4().simple());
        let conn = admin().await;
        let create = format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        let mut attempt = 0;
        // "source database is being accessed by other users": another clone is copying it.
        while let Err(e) = conn.execute_unprepared(&create).await {
            attempt += 1;
            assert!(attempt < 100, "clone template: {e}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self {
            url: format!("{PG_BASE}/{name}"),
            name,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        block_on_thread(async move {
            if let Ok(conn) = Database::connect(format!("{PG_BASE}/postgres")).await {
                let _ = conn.execute_unprepared(&drop).await;
            }
        });
    }
}
