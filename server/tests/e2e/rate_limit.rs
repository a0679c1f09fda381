use crate::harness::{RedisPrefix, ServerBuilder};
use std::sync::Arc;

#[tokio::test]
async fn per_ip_limit_answers_rate_limit_with_retry_after() {
    let server = ServerBuilder::new()
        .env("RATE_LIMIT_PER_IP_PER_MINUTE", 5)
        .start()
        .await;
    for i in 0..5 {
        let resp = server
            .http
            .get(server.url("/v1/server-info"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "request {i}");
    }
    let resp = server
        .http
        .get(server.url("/v1/server-info"))
        .send()
        .await
        .unwrap();
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
    let resp = server
        .http
        .get(server.url("/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[tokio::test]
async fn per_tenant_limit_holds_across_replicas_and_spares_other_tenants() {
    let redis = Arc::new(RedisPrefix::new());
    let first = ServerBuilder::new()
        .redis(redis.clone())
        .env("RATE_LIMIT_PER_IP_PER_MINUTE", 0)
        .env("RATE_LIMIT_PER_TENANT_PER_MINUTE", 4)
        .start()
        .await;
    let second = ServerBuilder::new()
        .redis(redis.clone())
        .db(first.db.clone())
        .env("RATE_LIMIT_PER_IP_PER_MINUTE", 0)
        .env("RATE_LIMIT_PER_TENANT_PER_MINUTE", 4)
        .start()
        .await;
    let busy = first.tenant("busy").await.owner_token;
    let quiet = first.tenant("quiet").await.owner_token;
    for server in [&first, &second, &first, &second] {
        let resp = server
            .http
            .get(server.url("/v1/server-info"))
            .bearer_auth(&busy)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
    }
    let resp = second
        .http
        .get(second.url("/v1/server-info"))
        .bearer_auth(&busy)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        429,
        "the fifth request of the minute, on either replica"
    );
    let resp = first
        .http
        .get(first.url("/v1/server-info"))
        .bearer_auth(&quiet)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        200,
        "another tenant is not affected"
    );
}
