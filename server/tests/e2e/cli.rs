//! The commands besides `serve`.

use crate::harness::{BIN, PG_BASE, ServerBuilder, TestDb, init};
use sqlx::Connection;
use std::process::Command;

fn server_cmd(db_url: &str, args: &[&str]) -> std::process::Output {
    init();
    Command::new(BIN)
        .env_clear()
        .env("DATABASE_URL", db_url)
        .env("LOG_LEVEL", "warn")
        .args(args)
        .output()
        .expect("run server")
}

fn migration_count() -> usize {
    use migration::MigratorTrait;
    migration::Migrator::migrations().len()
}

async fn superadmin_count(db: &TestDb) -> i64 {
    let mut owner = db.owner().await;
    sqlx::query_scalar("SELECT count(*) FROM superadmins")
        .fetch_one(&mut owner)
        .await
        .unwrap()
}

#[tokio::test]
async fn migrations_rerun_cleanly_and_roll_back() {
    let db = TestDb::create().await;
    let all = migration_count().to_string();
    for args in [
        &["migrate"][..],
        &["migrate"],
        &["migrate", "--down", &all],
        &["migrate"],
        &["migrate"],
    ] {
        let out = server_cmd(&db.url, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut owner = db.owner().await;
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM seaql_migrations")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(applied, migration_count() as i64);
    let rls: bool =
        sqlx::query_scalar("SELECT relforcerowsecurity FROM pg_class WHERE relname = 'users'")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert!(rls, "row-level security is forced after a round trip");
}

#[tokio::test]
async fn the_server_creates_its_database_when_missing() {
    let name = format!("platform_fresh_{}", uuid::Uuid::new_v4().simple());
    let url = format!("{PG_BASE}/{name}");
    {
        let server = ServerBuilder::new().env("DATABASE_URL", &url).start().await;
        let (status, _, body) = server.get_json("/health/ready").await;
        assert_eq!(status, 200, "{body}");
    }
    let mut admin = sqlx::PgConnection::connect(&format!("{PG_BASE}/postgres"))
        .await
        .unwrap();
    let migrated: i64 = {
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT count(*) FROM seaql_migrations")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(migrated, migration_count() as i64);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
}

#[tokio::test]
async fn create_superadmin_is_idempotent_and_validates() {
    let db = TestDb::create().await;
    let args = [
        "create-superadmin",
        "--email",
        "Root@Example.com",
        "--password",
        "correct horse battery",
    ];
    let first = server_cmd(&db.url, &args);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("created superadmin"));
    let second = server_cmd(&db.url, &args);
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stdout).contains("already exists"));
    assert_eq!(superadmin_count(&db).await, 1);

    let weak = server_cmd(
        &db.url,
        &[
            "create-superadmin",
            "--email",
            "b@example.com",
            "--password",
            "short",
        ],
    );
    assert!(!weak.status.success());
    assert!(
        String::from_utf8_lossy(&weak.stderr).contains("VALIDATION: password"),
        "{}",
        String::from_utf8_lossy(&weak.stderr)
    );
    let bad_email = server_cmd(
        &db.url,
        &[
            "create-superadmin",
            "--email",
            "not-an-email",
            "--password",
            "correct horse battery",
        ],
    );
    assert!(!bad_email.status.success());
    assert_eq!(superadmin_count(&db).await, 1);

    let mut owner = db.owner().await;
    let (email, hash): (String, String) =
        sqlx::query_as("SELECT email, password_hash FROM superadmins")
            .fetch_one(&mut owner)
            .await
            .unwrap();
    assert_eq!(email, "root@example.com");
    assert!(
        hash.starts_with("$argon2id$"),
        "stored as an argon2id hash only"
    );
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'superadmin.created' AND tenant_id IS NULL")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn bootstrap_superadmin_at_start_is_idempotent() {
    let db = std::sync::Arc::new(TestDb::create().await);
    for _ in 0..2 {
        let server = ServerBuilder::new()
            .db(db.clone())
            .env("BOOTSTRAP_SUPERADMIN_EMAIL", "ops@example.com")
            .env("BOOTSTRAP_SUPERADMIN_PASSWORD", "correct horse battery")
            .start()
            .await;
        assert!(
            server
                .wait_for_log(|l| l["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("bootstrap superadmin")))
                .await
                .is_some()
        );
        assert!(
            !server
                .logs
                .lines()
                .join("\n")
                .contains("correct horse battery"),
            "the password never reaches the log"
        );
    }
    assert_eq!(superadmin_count(&db).await, 1);
}

#[test]
fn export_schema_writes_the_sdl() {
    let out = Command::new(BIN)
        .env_clear()
        .args(["export-schema", "--out", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let sdl = String::from_utf8(out.stdout).unwrap();
    assert_eq!(sdl, schema::sdl());
    assert!(sdl.contains("serverInfo: ServerInfo!"));
    assert!(
        sdl.contains("serverTime(intervalMs: Int! = 1000): DateTime!"),
        "{sdl}"
    );
}

#[tokio::test]
async fn the_standalone_job_runner_serves_probes_and_metrics_and_stops_on_sigterm() {
    let db = TestDb::create().await;
    let redis = crate::harness::RedisPrefix::new();
    let mut cmd = crate::harness::base_command(&db.url, &redis.0);
    let mut child = cmd.arg("jobs").spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let mut addr = None;
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line()).await
    {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
            && v["message"] == "job runner listening (probes and metrics)"
        {
            addr = v["addr"].as_str().map(str::to_owned);
        }
        seen.push(line);
        if addr.is_some() && seen.iter().any(|l| l.contains("audit partitions checked")) {
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("no listening line: {seen:?}"));
    // Keep draining the pipe so the runner never blocks on a full stdout.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let http = reqwest::Client::new();
    let ready = http
        .get(format!("http://{addr}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status().as_u16(), 200);
    let gauges = [
        "jobs_queue_depth{category=\"email-send\"}",
        "jobs_in_flight{",
        "jobs_dead ",
        "jobs_delayed ",
        "outbox_lag_seconds",
    ];
    let mut metrics = String::new();
    for _ in 0..100 {
        metrics = http
            .get(format!("http://{addr}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if gauges.iter().all(|g| metrics.contains(g)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for gauge in gauges {
        assert!(metrics.contains(gauge), "{gauge} missing from:\n{metrics}");
    }
    let pid = child.id().unwrap();
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status();
    let status = tokio::time::timeout(std::time::Duration::from_secs(15), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn seed_demo_makes_a_cafe_a_cashier_can_sell_a_coffee_in() {
    let server = crate::harness::TestServer::start().await;
    let out = server_cmd(
        &server.db.url,
        &["seed-demo", "--password", "demo-pass-123"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("cashier@demo-cafe.test"), "{stdout}");
    let again = server_cmd(
        &server.db.url,
        &["seed-demo", "--password", "demo-pass-123"],
    );
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("already exists"));

    let cashier = server
        .login("demo-cafe", "cashier@demo-cafe.test", "demo-pass-123")
        .await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = Some(cashier.as_str());
    let menu = server
        .gql_ok(
            "{ locations { id } menuItems(first: 50) { nodes { id sku modifierGroups { modifiers { id name } } } } }",
            serde_json::json!({}),
            t,
        )
        .await;
    let location = menu["locations"][0]["id"].clone();
    let flat_white = menu["menuItems"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sku"] == "FLAT-WHITE")
        .unwrap()
        .clone();
    let oat = flat_white["modifierGroups"][0]["modifiers"][0]["id"].clone();
    let ticket = server
        .gql_ok(
            "mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }",
            serde_json::json!({"i": {"locationId": location}}),
            t,
        )
        .await["openTicket"]["id"]
        .clone();
    let added = server
        .gql_ok(
            "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { totalMinor } }",
            serde_json::json!({"i": {"ticketId": ticket, "menuItemId": flat_white["id"], "modifierIds": [oat]}}),
            t,
        )
        .await;
    // 3.50 + 0.40 oat milk, 10 % tax.
    assert_eq!(added["addTicketLine"]["totalMinor"], 429);
    let paid = server
        .gql_ok(
            "mutation($i: TakePaymentInput!) { takePayment(input: $i) { changeDueMinor ticket { balanceMinor } } }",
            serde_json::json!({"i": {"ticketId": ticket, "method": "CASH", "tenderedMinor": 500, "idempotencyKey": "demo-1"}}),
            t,
        )
        .await;
    assert_eq!(paid["takePayment"]["changeDueMinor"], 71);
    let settled = server
        .gql_ok(
            "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { status } }",
            serde_json::json!({"i": {"ticketId": ticket}}),
            t,
        )
        .await;
    assert_eq!(settled["settleTicket"]["status"], "SETTLED");
}
