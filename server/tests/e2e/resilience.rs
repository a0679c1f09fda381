//! Crash and recovery drills with real processes: a job runner killed with
//! SIGKILL mid-batch, and Redis restarted under a live subscription.

use crate::events::{create_role, next_event, subscribe};
use crate::harness::{ServerBuilder, TestDb, TestServer, base_command};
use std::process::Stdio;
use std::time::Duration;

async fn scalar(db: &TestDb, sql: &str) -> i64 {
    let mut owner = db.owner().await;
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut owner)
        .await
        .unwrap()
}

const DEAD_JOBS: &str = "{ deadJobs { id kind attempts lastError } }";

/// The dead jobs a superadmin lists, once there are any (polled for ten seconds).
async fn dead_jobs(server: &TestServer, admin: &str) -> serde_json::Value {
    let mut dead = serde_json::Value::Null;
    for _ in 0..100 {
        dead = server
            .gql_ok(DEAD_JOBS, serde_json::json!({}), Some(admin))
            .await["deadJobs"]
            .clone();
        if dead.as_array().is_some_and(|d| !d.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    dead
}

fn runner(db: &TestDb, prefix: &str) -> tokio::process::Child {
    let mut cmd = base_command(&db.url, prefix);
    cmd.arg("jobs").stdout(Stdio::null()).stderr(Stdio::null());
    cmd.spawn().unwrap()
}

fn kill9(child: &tokio::process::Child) {
    let pid = child.id().expect("still running");
    let _ = std::process::Command::new("kill")
        .arg("-KILL")
        .arg(pid.to_string())
        .status();
}

#[tokio::test]
async fn a_runner_killed_mid_batch_loses_and_doubles_nothing() {
    // The API alone; the runners are separate processes.
    let server = ServerBuilder::new()
        .env("RUN_JOBS_IN_PROCESS", "false")
        .start()
        .await;
    let shop = server.tenant("crash").await;
    let db = &server.db;
    // A burst of events with a consumer (each becomes an email job).
    let mut owner = db.owner().await;
    sqlx::query(
        "INSERT INTO event_outbox (id, tenant_id, event_type, entity_id, payload)
         SELECT gen_random_uuid(), $1, 'tenant.approved', $1::text, jsonb_build_object('slug', 'crash')
         FROM generate_series(1, 1500)",
    )
    .bind(shop.id)
    .execute(&mut owner)
    .await
    .unwrap();
    let total = scalar(
        db,
        "SELECT count(*) FROM event_outbox WHERE tenant_id IS NOT NULL",
    )
    .await;
    let approvals = scalar(
        db,
        "SELECT count(*) FROM event_outbox WHERE event_type = 'tenant.approved'",
    )
    .await;

    let first = runner(db, &server.redis.0);
    for _ in 0..600 {
        if scalar(db, "SELECT count(*) FROM consumed_events").await > 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    kill9(&first);
    let consumed_at_kill = scalar(db, "SELECT count(*) FROM consumed_events").await;
    assert!(
        consumed_at_kill < approvals,
        "the runner was killed before finishing ({consumed_at_kill}/{approvals})"
    );

    let _second = runner(db, &server.redis.0);
    let mut done = false;
    for _ in 0..1200 {
        let dispatched = scalar(db, "SELECT count(*) FROM event_outbox WHERE status = 'dispatched' AND tenant_id IS NOT NULL").await;
        let consumed = scalar(
            db,
            "SELECT count(*) FROM consumed_events WHERE consumer = 'email-notifications'",
        )
        .await;
        if dispatched == total && consumed == approvals {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        done,
        "every event dispatched and consumed once after the crash"
    );
    // Positions are exactly 1..N: no gap, no duplicate.
    let (count, distinct, max): (i64, i64, i64) = {
        let mut owner = db.owner().await;
        sqlx::query_as("SELECT count(*), count(DISTINCT sequence), max(sequence) FROM event_outbox WHERE tenant_id = $1")
            .bind(shop.id)
            .fetch_one(&mut owner)
            .await
            .unwrap()
    };
    assert_eq!((count, distinct, max), (total, total, total));
    assert_eq!(
        scalar(
            db,
            "SELECT count(*) FROM event_outbox WHERE status <> 'dispatched'"
        )
        .await,
        0
    );
}

/// A Redis of the test's own, on a free port, that can be killed and restarted.
struct OwnRedis {
    port: u16,
    dir: std::path::PathBuf,
    child: Option<tokio::process::Child>,
}

impl OwnRedis {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("redis-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut redis = Self {
            port,
            dir,
            child: None,
        };
        redis.restart().await;
        redis
    }

    async fn restart(&mut self) {
        let child = tokio::process::Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis did not start");
    }

    async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill9(&child);
            let _ = child.wait().await;
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn a_subscriber_resumes_without_gap_when_redis_restarts() {
    let mut redis = OwnRedis::start().await;
    let server = ServerBuilder::new()
        .env("REDIS_URL", redis.url())
        .start()
        .await;
    let shop = server.tenant("redis-restart").await;
    let mut ws = subscribe(&server, &shop.owner_token, None).await;
    create_role(&server, &shop, "Before").await;
    let before = next_event(&mut ws).await["sequence"].as_i64().unwrap();

    redis.kill().await;
    // The business keeps working while Redis is down.
    let during = [
        create_role(&server, &shop, "During 1").await,
        create_role(&server, &shop, "During 2").await,
    ];
    redis.restart().await;
    let after = create_role(&server, &shop, "After").await;

    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(next_event(&mut ws).await);
    }
    let sequences: Vec<i64> = got
        .iter()
        .map(|e| e["sequence"].as_i64().unwrap())
        .collect();
    assert_eq!(sequences, vec![before + 1, before + 2, before + 3]);
    let ids: Vec<&str> = got
        .iter()
        .map(|e| e["entityId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![during[0].as_str(), during[1].as_str(), after.as_str()]
    );
}

/// A job no handler can run ends in dead letters, which a superadmin can
/// list, retry and discard (and nobody else can).
#[tokio::test]
async fn dead_letters_can_be_listed_retried_and_discarded_by_superadmins() {
    let server = TestServer::start().await;
    let id = uuid::Uuid::now_v7();
    let job = serde_json::json!({
        "id": id, "category": "email-send", "kind": "no-such-handler", "tenantId": null, "payload": {"x": 1},
        "attempts": 0, "maxAttempts": 3, "dedupeKey": null, "enqueuedAt": chrono::Utc::now(), "lastError": null
    });
    let client = redis::Client::open(crate::harness::REDIS_URL).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let _: String = redis::cmd("XADD")
        .arg(format!("{}jobs:email-send", server.redis.0))
        .arg("*")
        .arg("job")
        .arg(job.to_string())
        .query_async(&mut conn)
        .await
        .unwrap();
    let admin = server.superadmin_token().await;
    let dead = dead_jobs(&server, &admin).await;
    assert_eq!(dead[0]["id"], id.to_string(), "{dead}");
    assert!(
        dead[0]["lastError"]
            .as_str()
            .unwrap()
            .contains("no handler"),
        "{dead}"
    );

    let shop = server.tenant("dead").await;
    let (code, _) = server
        .gql_err(DEAD_JOBS, serde_json::json!({}), Some(&shop.owner_token))
        .await;
    assert_eq!(code, "AUTHZ");

    let retry = "mutation($i: JobIdInput!) { retryDeadJob(input: $i) { id } }";
    server
        .gql_ok(
            retry,
            serde_json::json!({"i": {"jobId": id, "reason": "operator test"}}),
            Some(&admin),
        )
        .await;
    // Still unrunnable: it dies again and comes back to the list.
    let dead = dead_jobs(&server, &admin).await;
    assert_eq!(dead[0]["id"], id.to_string());
    let discard = "mutation($i: JobIdInput!) { discardDeadJob(input: $i) { id } }";
    server
        .gql_ok(
            discard,
            serde_json::json!({"i": {"jobId": id, "reason": "operator test"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        server
            .gql_ok(DEAD_JOBS, serde_json::json!({}), Some(&admin))
            .await["deadJobs"],
        serde_json::json!([])
    );
    let (code, _) = server
        .gql_err(
            discard,
            serde_json::json!({"i": {"jobId": id, "reason": "operator test"}}),
            Some(&admin),
        )
        .await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(
        scalar(&server.db, "SELECT count(*) FROM audit_events WHERE action IN ('jobs.dead_job.retried', 'jobs.dead_job.discarded')").await,
        2
    );
}
