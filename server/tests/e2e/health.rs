use crate::harness::{ServerBuilder, TestServer};

#[tokio::test]
async fn live_and_ready_when_dependencies_answer() {
    let server = TestServer::start().await;
    let (status, _, body) = server.get_json("/health/live").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    let (status, _, body) = server.get_json("/health/ready").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["postgres"]["ok"], true);
    assert_eq!(body["checks"]["redis"]["ok"], true);
}

#[tokio::test]
async fn not_ready_names_postgres_when_it_is_down() {
    // A closed port; no migration at start, as a replica behind a migration job runs.
    let server = ServerBuilder::new()
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:1/platform")
        .env("MIGRATE_ON_START", "false")
        .start()
        .await;
    let (status, _, body) = server.get_json("/health/live").await;
    assert_eq!(status, 200, "liveness does not depend on the database");
    let (status, _, body2) = server.get_json("/health/ready").await;
    assert_eq!(status, 503, "{body2}");
    assert_eq!(body2["status"], "not_ready");
    assert_eq!(body2["failing"], serde_json::json!(["postgres"]));
    assert_eq!(body2["checks"]["postgres"]["ok"], false);
    assert_eq!(body2["checks"]["redis"]["ok"], true);
    assert!(
        !body2.to_string().contains("127.0.0.1:1"),
        "no connection details leak: {body2}"
    );
    let _ = body;
}

#[tokio::test]
async fn not_ready_names_redis_when_it_is_down() {
    let server = ServerBuilder::new()
        .env("REDIS_URL", "redis://127.0.0.1:1")
        .start()
        .await;
    let (status, _, body) = server.get_json("/health/ready").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["failing"], serde_json::json!(["redis"]));
    assert_eq!(body["checks"]["postgres"]["ok"], true);
}
