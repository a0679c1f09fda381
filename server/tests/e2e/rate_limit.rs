use crate::harness::{RedisPrefix, ServerBuilder, TestServer};
use std::sync::Arc;

/// `GET path` on `server`, as the holder of `token` when there is one.
async fn get(server: &TestServer, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = server.http.get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn per_ip_limit_answers_rate_limit_with_retry_after() {
    let server = ServerBuilder::new()
        .env("RATE_LIMIT_PER_IP_PER_MINUTE", 5)
        .start()
        .await;
    for i in 0..5 {
        let resp = get(&server, "/v1/server-info", None).await;
        assert_eq!(resp.status().as_u16(), 200, "request {i}");
    }
    let resp = get(&server, "/v1/server-info", None).await;
    assert_eq!(resp.status().as_u16(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMIT");

    // GraphQL callers get a GraphQL-shaped error.
    let resp = server
        .http
        .post(server.url("/graphql"))
        .json(&serde_json::json!({"query": "{ __typename }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMIT");

    // Probes are never limited.
    let resp = get(&server, "/health/live", None).await;
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn per_tenant_limit_holds_across_replicas_and_spares_other_tenants() {
    let redis = Arc::new(RedisPrefix::new());
    // Two replicas over the same Redis, four requests per tenant a minute.
    let replica = || {
        ServerBuilder::new()
            .redis(redis.clone())
            .env("RATE_LIMIT_PER_IP_PER_MINUTE", 0)
            .env("RATE_LIMIT_PER_TENANT_PER_MINUTE", 4)
    };
    let first = replica().start().await;
    let second = replica().db(first.db.clone()).start().await;
    let busy = first.tenant("busy").await.owner_token;
    let quiet = first.tenant("quiet").await.owner_token;
    for server in [&first, &second, &first, &second] {
        let resp = get(server, "/v1/server-info", Some(&busy)).await;
        assert_eq!(resp.status().as_u16(), 200);
    }
    let resp = get(&second, "/v1/server-info", Some(&busy)).await;
    assert_eq!(
        resp.status().as_u16(),
        429,
        "the fifth request of the minute, on either replica"
    );
    let resp = get(&first, "/v1/server-info", Some(&quiet)).await;
    assert_eq!(
        resp.status().as_u16(),
        200,
        "another tenant is not affected"
    );
}
