use crate::harness::{TestServer, ws_connect, ws_next, ws_send};
use serde_json::json;

#[tokio::test]
async fn server_time_ticks_over_graphql_transport_ws() {
    let server = TestServer::start().await;
    let mut ws = ws_connect(&server.ws_url, "graphql-transport-ws").await;
    ws_send(&mut ws, json!({"type": "connection_init", "payload": {}})).await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
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
    let mut ws = ws_connect(&server.ws_url, "graphql-ws").await;
    ws_send(&mut ws, json!({"type": "connection_init", "payload": {}})).await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
    ws_send(&mut ws, json!({"id": "a", "type": "start", "payload": {"query": "subscription { serverTime(intervalMs: 100) }"}})).await;
    let msg = ws_next(&mut ws).await.unwrap();
    assert_eq!(msg["type"], "data", "{msg}");
    assert!(msg["payload"]["data"]["serverTime"].is_string());
}

#[tokio::test]
async fn subscription_input_errors_carry_codes() {
    let server = TestServer::start().await;
    let mut ws = ws_connect(&server.ws_url, "graphql-transport-ws").await;
    ws_send(&mut ws, json!({"type": "connection_init"})).await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
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
    let mut ws = ws_connect(&server.ws_url, "graphql-transport-ws").await;
    ws_send(
        &mut ws,
        json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {good}")}}),
    )
    .await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");

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
