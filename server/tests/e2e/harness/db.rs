//! A database of its own for every test, cloned from a migrated template, and
//! a Redis key prefix of its own; both are dropped when the test ends.

use super::{REDIS_URL, init};
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use testkit::block_on_thread;

/// A database of its own for one test ([`testkit::TestDb`]: cloned from the
/// migrated template, dropped when the test ends), with the harness's TLS
/// provider installed first and an sqlx connection for arranging data.
pub struct TestDb(testkit::TestDb);

impl std::ops::Deref for TestDb {
    type Target = testkit::TestDb;

    fn deref(&self) -> &testkit::TestDb {
        &self.0
    }
}

impl TestDb {
    pub async fn create() -> Self {
        init();
        Self(testkit::TestDb::create().await)
    }

    /// An owner (superuser) connection, for arranging data behind the server's back.
    pub async fn owner(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("owner connection")
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
