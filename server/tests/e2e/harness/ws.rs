//! GraphQL over websockets: connect, subscribe, send, and read the next message.

use super::server::TestServer;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a GraphQL websocket with the given subprotocol.
pub async fn ws_connect(url: &str, protocol: &str) -> Ws {
    let mut request = url.into_client_request().expect("ws request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        protocol.parse().expect("protocol header"),
    );
    let (ws, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("ws connect");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some(protocol)
    );
    ws
}

impl TestServer {
    /// Opens a GraphQL websocket with `protocol`, sends `init` (a
    /// `connection_init` message) and waits for the ack.
    pub async fn ws_acked(&self, protocol: &str, init: Value) -> Ws {
        let mut ws = ws_connect(&self.ws_url, protocol).await;
        ws_send(&mut ws, init).await;
        assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
        ws
    }

    /// Opens a `graphql-transport-ws` socket signed in as `token`, acknowledged.
    pub async fn ws_as(&self, token: &str) -> Ws {
        self.ws_acked(
            "graphql-transport-ws",
            json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}}),
        )
        .await
    }
}

/// Opens a `graphql-transport-ws` socket as `token`, waits for the ack and
/// starts `query` (subscription id `s`).
pub async fn ws_subscribe(server: &TestServer, token: &str, query: &str, variables: Value) -> Ws {
    let mut ws = server.ws_as(token).await;
    ws_send(
        &mut ws,
        json!({"id": "s", "type": "subscribe", "payload": {"query": query, "variables": variables}}),
    )
    .await;
    ws
}

pub async fn ws_send(ws: &mut Ws, message: Value) {
    ws.send(Message::Text(message.to_string().into()))
        .await
        .expect("ws send");
}

/// The next JSON text message, skipping pings; `None` on close, with the close frame.
pub async fn ws_next(ws: &mut Ws) -> Result<Value, Option<(u16, String)>> {
    loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let value: Value = serde_json::from_str(&text).expect("ws json");
                if matches!(value["type"].as_str(), Some("ping" | "pong" | "ka")) {
                    continue;
                }
                return Ok(value);
            }
            Ok(Some(Ok(Message::Close(frame)))) => {
                return Err(frame.map(|f| (u16::from(f.code), f.reason.to_string())));
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_))) | Ok(None) => return Err(None),
            Err(_) => panic!("no websocket message within 10s"),
        }
    }
}
