//! A database of its own for every test, cloned from a migrated template, and
//! a Redis key prefix of its own; both are dropped when the test ends.

use super::{PG_BASE, REDIS_URL, init};
use migration::{Migrator, MigratorTrait};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::time::Duration;

/// Runs `fut` to completion on a private runtime in another thread; for Drop
/// impls, which cannot await.
fn block_on_thread<F>(fut: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
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

async fn admin() -> PgConnection {
    PgConnection::connect(&format!("{PG_BASE}/postgres"))
        .await
        .expect("connect to postgres")
}

/// A name for the template that changes whenever a migration's source does.
fn template_name() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migration/src");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("migration sources")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    // FNV-1a: stable across runs and toolchains, unlike std's hasher.
    let mut hash: u64 = 0xcbf29ce484222325;
    for file in files {
        for byte in std::fs::read(&file)
            .expect("read migration")
            .into_iter()
            .chain(file.to_string_lossy().bytes())
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x100000001b3);
        }
    }
    format!("platform_tmpl_{hash:016x}")
}

static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// The migrated template, built once per migration set across all test
/// processes (an advisory lock serialises the builders).
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let mut conn = admin().await;
            sqlx::query("SELECT pg_advisory_lock(90210)")
                .execute(&mut conn)
                .await
                .expect("lock");
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(&name)
                    .fetch_optional(&mut conn)
                    .await
                    .expect("check template");
            if exists.is_none() {
                // Templates of other migration sets are left alone: another
                // checkout (a CI run beside a session) may be cloning them.
                let building = format!("{name}_building");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE DATABASE \"{building}\""
                )))
                .execute(&mut conn)
                .await
                .expect("create template");
                {
                    let db = sea_orm::Database::connect(format!("{PG_BASE}/{building}"))
                        .await
                        .expect("connect template");
                    Migrator::up(&db, None).await.expect("migrate template");
                    db.close().await.expect("close template");
                }
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                )))
                .execute(&mut conn)
                .await
                .expect("rename template");
            }
            sqlx::query("SELECT pg_advisory_unlock(90210)")
                .execute(&mut conn)
                .await
                .expect("unlock");
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
        init();
        let template = template().await;
        let name = format!("platform_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin().await;
        let sql = format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        let mut attempt = 0;
        loop {
            match sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut conn)
                .await
            {
                Ok(_) => break,
                // "source database is being accessed by other users": another clone is copying it.
                Err(e) if attempt < 50 => {
                    attempt += 1;
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("clone template: {e}"),
            }
        }
        let url = format!("{PG_BASE}/{name}");
        Self { name, url }
    }

    /// An owner (superuser) connection, for arranging data behind the server's back.
    pub async fn owner(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("owner connection")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        block_on_thread(async move {
            if let Ok(mut conn) = PgConnection::connect(&format!("{PG_BASE}/postgres")).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await;
            }
        });
    }
}

/// Deletes a test's Redis keys when it ends.
pub struct RedisPrefix(pub String);

impl RedisPrefix {
    pub fn new() -> Self {
        Self(format!("test:{}:", uuid::Uuid::new_v4().simple()))
    }
}

impl Drop for RedisPrefix {
    fn drop(&mut self) {
        let pattern = format!("{}*", self.0);
        block_on_thread(async move {
            let Ok(client) = redis::Client::open(REDIS_URL) else {
                return;
            };
            let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
                return;
            };
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(&pattern)
                .query_async(&mut conn)
                .await
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
            }
        });
    }
}
