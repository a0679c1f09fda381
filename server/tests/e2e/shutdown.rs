use crate::harness::{TestServer, ws_connect, ws_next, ws_send};
use serde_json::json;

#[tokio::test]
async fn sigterm_closes_websockets_cleanly_and_exits_zero() {
    let mut server = TestServer::start().await;
    let mut ws = ws_connect(&server.ws_url, "graphql-transport-ws").await;
    ws_send(&mut ws, json!({"type": "connection_init"})).await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
    ws_send(&mut ws, json!({"id": "1", "type": "subscribe", "payload": {"query": "subscription { serverTime(intervalMs: 100) }"}})).await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "next");

    // Ask the process to stop while the subscription is live, and drain the
    // socket concurrently so the close frame is read as soon as it comes.
    let reader = tokio::spawn(async move {
        loop {
            match ws_next(&mut ws).await {
                Ok(_) => continue,
                Err(close) => return close,
            }
        }
    });
    let code = server.terminate().await;
    let close = reader.await.unwrap();
    assert_eq!(close, Some((1001, "server shutting down".to_owned())));
    assert_eq!(code, Some(0), "{}", server.logs.lines().join("\n"));
    assert!(
        server
            .logs
            .lines()
            .iter()
            .any(|l| l.contains("\"stopped\""))
    );
}
