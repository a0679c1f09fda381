//! Every failure a client can cause gets a code from the taxonomy.

use crate::harness::{JWT_SECRET, ServerBuilder, TestServer, user_token};
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

#[tokio::test]
async fn malformed_query_is_validation() {
    let server = TestServer::start().await;
    let (status, body) = server
        .graphql("{ serverInfo { name ", json!({}), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(code(&body), "VALIDATION", "{body}");
    assert!(
        body["errors"][0]["extensions"]["requestId"]
            .as_str()
            .is_some_and(|r| r != "unknown"),
        "{body}"
    );

    let (_, body) = server.graphql("{ noSuchField }", json!({}), None).await;
    assert_eq!(code(&body), "VALIDATION", "{body}");
}

#[tokio::test]
async fn malformed_body_is_validation() {
    let server = TestServer::start().await;
    let resp = server
        .http
        .post(server.url("/graphql"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "VALIDATION", "{body}");
}

#[tokio::test]
async fn unknown_route_and_wrong_method_are_json() {
    let server = TestServer::start().await;
    let resp = server
        .http
        .get(server.url("/v1/nothing-here"))
        .header("x-request-id", "req-404")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": {"code": "NOT_FOUND", "message": "no such route", "requestId": "req-404"}})
    );

    let resp = server
        .http
        .delete(server.url("/v1/server-info"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "VALIDATION");
}

#[tokio::test]
async fn oversized_body_is_413_validation() {
    let server = ServerBuilder::new()
        .env("REQUEST_BODY_LIMIT_BYTES", 2048)
        .start()
        .await;
    let query = format!("{{ serverInfo {{ name }} }} #{}", "x".repeat(4096));
    let resp = server
        .http
        .post(server.url("/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "VALIDATION", "{body}");

    // Without a Content-Length (chunked), the limit still holds while reading.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(vec![b' '; 1500]), Ok(vec![b' '; 1500])];
    let resp = server
        .http
        .post(server.url("/graphql"))
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
}

#[tokio::test]
async fn too_deep_and_too_complex_queries_are_refused() {
    let server = ServerBuilder::new()
        .env("GRAPHQL_MAX_DEPTH", 3)
        .env("GRAPHQL_MAX_COMPLEXITY", 20)
        .start()
        .await;
    let (_, ok) = server
        .graphql("{ serverInfo { name } }", json!({}), None)
        .await;
    assert!(ok.get("errors").is_none(), "{ok}");
    let (_, deep) = server
        .graphql(
            "{ __schema { types { fields { name } } } }",
            json!({}),
            None,
        )
        .await;
    assert_eq!(code(&deep), "VALIDATION", "{deep}");
    assert!(
        deep["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{deep}"
    );

    let wide = (0..25)
        .map(|i| format!("a{i}: serverInfo {{ name }}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (_, complex) = server
        .graphql(&format!("{{ {wide} }}"), json!({}), None)
        .await;
    assert_eq!(code(&complex), "VALIDATION", "{complex}");
    assert!(
        complex["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{complex}"
    );
}

#[tokio::test]
async fn bad_credentials_are_authn_never_anonymous() {
    let server = TestServer::start().await;
    let shop = server.tenant("authn").await;
    let other_shop = server.tenant("authn-other").await;
    let tenant = shop.id;
    let good = shop.owner_token.clone();

    let (status, body) = server
        .graphql("{ serverInfo { name } }", json!({}), Some(&good))
        .await;
    assert_eq!(status, 200, "{body}");

    // Wrong signature.
    let other = schema::identity::tokens::TokenKeys::new(
        b"another-key-another-key-another-key!",
        "platform",
        900,
    );
    let (forged, _) = other
        .issue(
            schema::identity::tokens::SubjectKind::User,
            uuid::Uuid::now_v7(),
            Some(tenant),
        )
        .unwrap();
    // Expired.
    let expired = {
        let now = chrono::Utc::now().timestamp();
        let claims = json!({"sub": uuid::Uuid::now_v7(), "tenant_id": tenant, "kind": "user", "iss": "platform",
                            "iat": now - 3600, "exp": now - 1800, "jti": uuid::Uuid::now_v7()});
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(JWT_SECRET.as_bytes()),
        )
        .unwrap()
    };
    // alg: none with the good token's claims.
    let payload = good.split('.').nth(1).unwrap();
    let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    // Tampered claims under the original signature.
    let mut parts: Vec<&str> = good.split('.').collect();
    let tampered_payload = {
        let claims = json!({"sub": uuid::Uuid::now_v7(), "tenant_id": uuid::Uuid::now_v7(), "kind": "user", "iss": "platform",
                            "iat": chrono::Utc::now().timestamp(), "exp": chrono::Utc::now().timestamp() + 600, "jti": uuid::Uuid::now_v7()});
        base64_url(&serde_json::to_vec(&claims).unwrap())
    };
    parts[1] = &tampered_payload;
    let tampered = parts.join(".");

    // A well-signed token whose tenant claim names another tenant than the user's.
    let wrong_tenant = user_token(other_shop.id, shop.owner_id);
    // A well-signed token for a user that does not exist.
    let ghost = user_token(shop.id, uuid::Uuid::now_v7());
    for (label, token) in [
        ("forged", forged),
        ("expired", expired),
        ("none", none),
        ("tampered", tampered),
        ("garbage", "abc".into()),
        ("wrong tenant", wrong_tenant),
        ("ghost", ghost),
    ] {
        let resp = server
            .http
            .post(server.url("/graphql"))
            .bearer_auth(&token)
            .json(&json!({"query": "{ serverInfo { name } }"}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 401, "{label}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(code(&body), "AUTHN", "{label}: {body}");
    }
    let resp = server
        .http
        .get(server.url("/v1/server-info"))
        .header("authorization", "Basic Zm9vOmJhcg==")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "AUTHN");
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A request that outlives REQUEST_TIMEOUT_SECS is cut off with a taxonomy
/// error rather than holding a worker (here: a client that stalls its body).
#[tokio::test]
async fn slow_requests_time_out() {
    let server = ServerBuilder::new()
        .env("REQUEST_TIMEOUT_SECS", 1)
        .start()
        .await;
    let body = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok::<_, std::io::Error>(b"{\"query\": ".to_vec()), 1)),
            1 => {
                tokio::time::sleep(std::time::Duration::from_secs(4)).await;
                Some((Ok(b"\"{ __typename }\"}".to_vec()), 2))
            }
            _ => None,
        }
    });
    let started = std::time::Instant::now();
    let resp = server
        .http
        .post(server.url("/graphql"))
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 503);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "answered before the client finished"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "INTERNAL", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("internal error (request id "),
        "nothing but the request id: {message}"
    );
}
