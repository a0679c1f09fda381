use crate::harness::{TestServer, ws_connect, ws_next, ws_send};
use serde_json::json;
use std::time::Duration;

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
    // The last lines may still be in the pipe when the process has exited.
    assert!(
        server
            .wait_for_log(|l| l["message"] == "stopped")
            .await
            .is_some()
    );
}

/// A request in flight when SIGTERM arrives still gets its answer.
#[tokio::test]
async fn sigterm_drains_requests_in_flight() {
    let mut server = TestServer::start().await;
    // The client sends half its body, then the rest a second later.
    let body = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok::<_, std::io::Error>(b"{\"query\": ".to_vec()), 1)),
            1 => {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                Some((Ok(b"\"{ serverInfo { name } }\"}".to_vec()), 2))
            }
            _ => None,
        }
    });
    let request = server
        .http
        .post(server.url("/graphql"))
        .body(reqwest::Body::wrap_stream(body))
        .send();
    let in_flight = tokio::spawn(request);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let code = server.terminate().await;
    let resp = in_flight.await.unwrap().expect("the request was answered");
    assert_eq!(resp.status().as_u16(), 200);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["data"]["serverInfo"]["name"], "platform", "{body}");
    assert_eq!(code, Some(0));
}
