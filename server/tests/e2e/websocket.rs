use crate::harness::{TestServer, ws_connect, ws_next, ws_send};
use serde_json::json;

#[tokio::test]
async fn server_time_ticks_over_graphql_transport_ws() {
    let server = TestServer::start().await;
    let mut ws = server
        .ws_acked(
            "graphql-transport-ws",
            json!({"type": "connection_init", "payload": {}}),
        )
        .await;
    ws_send(&mut ws, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { serverTime(intervalMs: 100) }"}})).await;
    let mut times = Vec::new();
    while times.len() < 3 {
        let msg = ws_next(&mut ws).await.unwrap();
        assert_eq!(msg["type"], "next", "{msg}");
        assert_eq!(msg["id"], "1");
        let t = chrono::DateTime::parse_from_rfc3339(
            msg["payload"]["data"]["serverTime"].as_str().unwrap(),
        )
        .unwrap();
        times.push(t);
    }
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "the clock ticks forward: {times:?}"
    );
    ws_send(&mut ws, json!({"id": "1", "type": "complete"})).await;
}

#[tokio::test]
async fn legacy_graphql_ws_protocol_works_too() {
    let server = TestServer::start().await;
    let mut ws = server
        .ws_acked(
            "graphql-ws",
            json!({"type": "connection_init", "payload": {}}),
        )
        .await;
    ws_send(&mut ws, json!({"id": "a", "type": "start", "payload": {"query": "subscription { serverTime(intervalMs: 100) }"}})).await;
    let msg = ws_next(&mut ws).await.unwrap();
    assert_eq!(msg["type"], "data", "{msg}");
    assert!(msg["payload"]["data"]["serverTime"].is_string());
}

#[tokio::test]
async fn subscription_input_errors_carry_codes() {
    let server = TestServer::start().await;
    let mut ws = server
        .ws_acked("graphql-transport-ws", json!({"type": "connection_init"}))
        .await;
    ws_send(&mut ws, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { serverTime(intervalMs: 5) }"}})).await;
    let msg = ws_next(&mut ws).await.unwrap();
    let errors = if msg["type"] == "error" {
        msg["payload"].clone()
    } else {
        msg["payload"]["errors"].clone()
    };
    assert_eq!(errors[0]["extensions"]["code"], "VALIDATION", "{msg}");
    assert_eq!(
        errors[0]["extensions"]["details"]["fields"]["intervalMs"], "must be between 100 and 60000",
        "{msg}"
    );
}

#[tokio::test]
async fn connection_init_credentials_are_checked() {
    let server = TestServer::start().await;
    let good = server.tenant("ws").await.owner_token;
    let _acked = server.ws_as(&good).await;

    let mut ws = ws_connect(&server.ws_url, "graphql-transport-ws").await;
    ws_send(
        &mut ws,
        json!({"type": "connection_init", "payload": {"authorization": "Bearer not-a-token"}}),
    )
    .await;
    let closed = ws_next(&mut ws)
        .await
        .expect_err("a bad token closes the connection");
    let (code, reason) = closed.expect("a close frame with a reason");
    assert_eq!(code, 4403, "{reason}");
    assert_eq!(reason, "invalid access token");
}

#[tokio::test]
async fn upgrade_without_a_subprotocol_is_refused() {
    let server = TestServer::start().await;
    let resp = server
        .http
        .get(server.url("/graphql/ws"))
        .header("connection", "upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "VALIDATION",
        "{body}"
    );
}

/// A terminal that only listens is kept alive with ping frames, and is not
/// dropped for being quiet.
#[tokio::test]
async fn idle_connections_get_pings_and_stay_open() {
    use futures_util::StreamExt;
    let server = crate::harness::ServerBuilder::new()
        .env("WEBSOCKET_KEEPALIVE_SECS", 1)
        .start()
        .await;
    let mut ws = server
        .ws_acked("graphql-transport-ws", json!({"type": "connection_init"}))
        .await;
    let mut pings = 0;
    let until = tokio::time::Instant::now() + std::time::Duration::from_millis(4500);
    while let Ok(Some(frame)) = tokio::time::timeout_at(until, ws.next()).await {
        match frame.unwrap() {
            tokio_tungstenite::tungstenite::Message::Ping(_) => pings += 1,
            tokio_tungstenite::tungstenite::Message::Close(frame) => {
                panic!("closed while idle: {frame:?}")
            }
            _ => {}
        }
    }
    assert!(pings >= 3, "{pings} pings in 4.5 s");
    // Still usable after being quiet for several intervals.
    ws_send(&mut ws, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { serverTime(intervalMs: 100) }"}})).await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "next");
}

/// When the access token used in connection_init expires, the server closes
/// the connection with 4401 and says why.
#[tokio::test]
async fn a_connection_is_closed_when_its_token_expires() {
    let server = TestServer::start().await;
    let shop = server.tenant("expiry").await;
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": shop.owner_id, "tenant_id": shop.id, "kind": "user", "iss": "platform",
                        "iat": now, "exp": now + 2, "jti": uuid::Uuid::now_v7()});
    let token = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(crate::harness::JWT_SECRET.as_bytes()),
    )
    .unwrap();
    let mut ws = server.ws_as(&token).await;
    ws_send(&mut ws, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { events { sequence } }"}})).await;
    let closed = loop {
        match ws_next(&mut ws).await {
            Ok(_) => continue,
            Err(close) => break close,
        }
    };
    let (code, reason) = closed.expect("a close frame");
    assert_eq!(code, 4401);
    assert!(reason.contains("expired"), "{reason}");
}
