use crate::harness::{ServerBuilder, TestServer};
use serde_json::json;
use std::time::Duration;
use tokio::io::AsyncReadExt;

#[tokio::test]
async fn request_ids_are_echoed_or_made_and_logged_with_the_tenant() {
    let server = TestServer::start().await;
    let shop = server.tenant("logs").await;
    let (tenant, user) = (shop.id, shop.owner_id);
    let resp = server
        .http
        .post(server.url("/graphql"))
        .header("x-request-id", "trace-me-123")
        .bearer_auth(&shop.owner_token)
        .json(&json!({"query": "{ serverInfo { name } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "trace-me-123");

    let made = server
        .http
        .get(server.url("/health/live"))
        .send()
        .await
        .unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "a fresh id is made: {id}"
    );

    // A hostile id is replaced, not reflected.
    let rest = server
        .wait_for_log(|l| l["message"] == "request finished" && l["route"] == "/health/live")
        .await
        .expect("a line for the probe");
    assert_eq!(rest["span"]["action"], "GET /health/live", "{rest}");
    let hostile = server
        .http
        .get(server.url("/health/live"))
        .header("x-request-id", "a b\"c")
        .send()
        .await
        .unwrap();
    assert_ne!(hostile.headers()["x-request-id"], "a b\"c");

    let line = server
        .wait_for_log(|l| {
            l["message"] == "request finished" && l["span"]["request_id"] == "trace-me-123"
        })
        .await
        .expect("an access log line carrying the request id");
    assert_eq!(line["span"]["tenant_id"], tenant.to_string(), "{line}");
    assert_eq!(line["span"]["user_id"], user.to_string(), "{line}");
    assert_eq!(line["route"], "/graphql");
    assert_eq!(line["span"]["module"], "graphql", "{line}");
    assert_eq!(line["span"]["action"], "query serverInfo", "{line}");
    assert_eq!(line["level"], "INFO");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_report_pools() {
    let server = TestServer::start().await;
    for _ in 0..3 {
        server
            .graphql("{ serverInfo { name } }", json!({}), None)
            .await;
    }
    server.get_json("/v1/no-such-thing").await;
    let text = server.metrics().await;
    let graphql_line = text
        .lines()
        .find(|l| {
            l.starts_with("http_requests_total{")
                && l.contains("route=\"/graphql\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no /graphql counter in:\n{text}"));
    assert!(graphql_line.ends_with(" 3"), "{graphql_line}");
    assert!(
        text.lines().any(|l| l.starts_with("http_requests_total{")
            && l.contains("route=\"unmatched\"")
            && l.contains("status=\"404\"")),
        "{text}"
    );
    assert!(
        text.contains("http_request_duration_seconds_bucket{"),
        "{text}"
    );
    assert!(
        text.contains("db_pool_connections{state=\"open\"}"),
        "{text}"
    );
    assert!(text.contains("redis_pool_max_connections"), "{text}");
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let server = ServerBuilder::new()
        .env("CORS_ALLOWED_ORIGINS", "https://pos.example")
        .start()
        .await;
    let preflight = |origin: &'static str| {
        server
            .http
            .request(reqwest::Method::OPTIONS, server.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
            .send()
    };
    let ok = preflight("https://pos.example").await.unwrap();
    assert_eq!(
        ok.headers().get("access-control-allow-origin").unwrap(),
        "https://pos.example"
    );
    let denied = preflight("https://evil.example").await.unwrap();
    assert!(
        denied
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

/// With an OTLP endpoint set, spans are exported: a gRPC (HTTP/2) client
/// connects to the collector address and sends its preface.
#[tokio::test]
async fn traces_are_exported_over_otlp_when_configured() {
    let collector = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", collector.local_addr().unwrap());
    let server = ServerBuilder::new()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
        .start()
        .await;
    server
        .graphql("{ serverInfo { name } }", json!({}), None)
        .await;
    let (mut socket, _) = tokio::time::timeout(Duration::from_secs(30), collector.accept())
        .await
        .expect("the exporter connects within the batch interval")
        .unwrap();
    let mut preface = [0u8; 24];
    tokio::time::timeout(Duration::from_secs(10), socket.read_exact(&mut preface))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&preface, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
}

/// SQL statements run inside OpenTelemetry-style client spans, so exported
/// traces show each query under the request (and resolver) that issued it.
#[tokio::test]
async fn sql_runs_inside_db_spans() {
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    #[derive(Clone, Default)]
    struct SpanNames(Arc<Mutex<Vec<String>>>);
    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for SpanNames {
        fn on_new_span(
            &self,
            attrs: &tracing::span::Attributes<'_>,
            _: &tracing::span::Id,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            let mut fields = String::new();
            struct Visit<'a>(&'a mut String);
            impl tracing::field::Visit for Visit<'_> {
                fn record_debug(
                    &mut self,
                    field: &tracing::field::Field,
                    value: &dyn std::fmt::Debug,
                ) {
                    self.0.push_str(&format!(" {}={:?}", field.name(), value));
                }
            }
            attrs.record(&mut Visit(&mut fields));
            self.0
                .lock()
                .unwrap()
                .push(format!("{}{fields}", attrs.metadata().name()));
        }
    }

    let db = crate::harness::TestDb::create().await;
    let names = SpanNames::default();
    let subscriber = tracing_subscriber::registry().with(names.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = kernel::Db::connect_lazy(&db.url, &kernel::db::DbOptions::default()).unwrap();
    app.ping().await.unwrap();
    let spans = names.0.lock().unwrap().clone();
    assert!(
        spans
            .iter()
            .any(|s| s.starts_with("sea_orm.") && s.contains("db.system=\"postgresql\"")),
        "{spans:?}"
    );
}
