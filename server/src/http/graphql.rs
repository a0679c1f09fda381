//! GraphQL over HTTP (POST), GraphiQL (GET) and websockets
//! (`graphql-transport-ws`, and the legacy `graphql-ws` subprotocol).

use super::auth::{access_for, resolve};
use super::errors::ApiError;
use crate::state::AppState;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource, WebSocketProtocols, WsMessage};
use async_graphql_axum::GraphQLResponse;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequest, Request, State};
use axum::response::{Html, IntoResponse, Response};
use futures_util::{SinkExt, StreamExt, future};
use http::{HeaderMap, StatusCode, header};
use kernel::{AppError, RequestContext};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("Platform GraphQL")
            .finish(),
    )
}

/// One GraphQL operation per POST (batches are refused: they would multiply
/// the complexity limit).
pub async fn graphql(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    req: Request,
) -> Result<Response, ApiError> {
    let bytes = match Bytes::from_request(req, &()).await {
        Ok(bytes) => bytes,
        Err(rejection) => {
            let status = rejection.status();
            let err = if status == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::validation("request body too large").with_status(413)
            } else {
                AppError::validation("could not read the request body")
            };
            return Err(err.into());
        }
    };
    let request: async_graphql::Request = serde_json::from_slice(&bytes).map_err(|e| {
        AppError::validation(format!(
            "the body must be a JSON object with `query`, and optionally `variables` and `operationName`: {e}"
        ))
    })?;
    let mut request = request;
    // `action` is the operation (its name, or its first field); `module` graphql.
    let span = tracing::Span::current();
    span.record("module", "graphql");
    span.record("action", operation_label(&request).as_str());
    request.data = schema::loaders::request_data(&state.services, ctx);
    let response = state.schema.execute(request).await;
    Ok(GraphQLResponse::from(response).into_response())
}

/// A short label for an operation: its name, else the first field it selects.
fn operation_label(request: &async_graphql::Request) -> String {
    if let Some(name) = &request.operation_name {
        return name.clone();
    }
    let query = request.query.trim_start();
    let kind = ["mutation", "subscription", "query"]
        .into_iter()
        .find(|k| query.starts_with(k))
        .unwrap_or("query");
    let field: String = query
        .split_once('{')
        .map(|(_, rest)| rest.trim_start())
        .unwrap_or_default()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    format!("{kind} {field}")
}

/// Websocket sessions. The upgrade request's credential (if any) is the
/// default; `connection_init` may carry its own (`{"authorization": "Bearer ..."}`).
pub async fn websocket(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let protocol = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
        })
        .ok_or_else(|| {
            AppError::validation("request a subprotocol: graphql-transport-ws or graphql-ws")
        })?;
    let tracker = state.websockets.clone();
    let span = tracing::Span::current();
    Ok(upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        // Small buffers: thousands of idle terminals must stay cheap (axum#3178).
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(256 * 1024)
        .on_upgrade(move |socket| {
            tracker.track_future(tracing::Instrument::instrument(
                session(socket, state, protocol, ctx),
                span,
            ))
        }))
}

/// Marks a refused `connection_init`, which async-graphql closes with 1002;
/// the session turns it into 4403 Forbidden as graphql-transport-ws asks.
const REJECTED: &str = "rejected: ";

struct ConnectionGauge;

impl ConnectionGauge {
    fn open() -> Self {
        metrics::gauge!("websocket_connections").increment(1.0);
        Self
    }
}

impl Drop for ConnectionGauge {
    fn drop(&mut self) {
        metrics::gauge!("websocket_connections").decrement(1.0);
    }
}

fn init_payload_authorization(payload: &serde_json::Value) -> Option<&str> {
    ["authorization", "Authorization", "token"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(|v| v.as_str()))
}

/// Unix time in milliseconds.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// One websocket session. Besides relaying GraphQL messages it sends a ping
/// frame every `WEBSOCKET_KEEPALIVE_SECS` (closing 1011 a peer that answers
/// nothing for three intervals), closes 4401 when the access token expires,
/// and 1001 when the server shuts down.
async fn session(
    socket: WebSocket,
    state: AppState,
    protocol: WebSocketProtocols,
    base: RequestContext,
) {
    let _gauge = ConnectionGauge::open();
    let (mut sink, stream) = socket.split();
    let last_seen = Arc::new(AtomicI64::new(now_ms()));
    let expires_at = Arc::new(AtomicI64::new(
        base.credential_expires_at
            .map_or(i64::MAX, |e| e.saturating_mul(1000)),
    ));
    let seen = last_seen.clone();
    let input = stream
        .take_while(|msg| future::ready(msg.is_ok()))
        .inspect(move |_| seen.store(now_ms(), Ordering::Relaxed))
        .filter_map(|msg| {
            future::ready(match msg {
                Ok(msg @ (Message::Text(_) | Message::Binary(_))) => Some(msg.into_data()),
                _ => None,
            })
        });

    let services = state.services.clone();
    let expiry = expires_at.clone();
    // An impersonation can end before its token expires: the socket checks.
    let acting: Arc<std::sync::Mutex<Option<(kernel::TenantId, kernel::Impersonation)>>> =
        Arc::default();
    let acting_in_init = acting.clone();
    let on_init = move |payload: serde_json::Value| async move {
        let rejected =
            |e: AppError| async_graphql::Error::new(format!("{REJECTED}{}", e.message()));
        let mut ctx = base;
        if let Some(value) = init_payload_authorization(&payload) {
            let value = if value.starts_with("Bearer ") || value.starts_with("bearer ") {
                value.to_owned()
            } else {
                format!("Bearer {value}")
            };
            let resolved = resolve(&services, &value).await.map_err(rejected)?;
            ctx.actor = resolved.actor;
            ctx.access = resolved.access.map(Arc::new);
            ctx.credential_expires_at = resolved.expires_at;
            ctx.impersonation = resolved.impersonation;
            expiry.store(
                resolved
                    .expires_at
                    .map_or(i64::MAX, |e| e.saturating_mul(1000)),
                Ordering::Relaxed,
            );
        }
        let ctx = access_for(&services, ctx).await.map_err(rejected)?;
        if let (Some(impersonation), Some(tenant)) = (ctx.impersonation, ctx.tenant_id())
            && let Ok(mut acting) = acting_in_init.lock()
        {
            *acting = Some((tenant, impersonation));
        }
        Ok(schema::loaders::request_data(&services, ctx))
    };

    let messages = async_graphql::http::WebSocket::new(state.schema.clone(), input, protocol)
        .on_connection_init(on_init);
    futures_util::pin_mut!(messages);

    let interval = Duration::from_secs(state.config.websocket_keepalive_secs.max(1));
    let mut keepalive = tokio::time::interval(interval);
    keepalive.tick().await;
    let mut clock = tokio::time::interval(Duration::from_millis(500));
    let mut recheck = tokio::time::interval(Duration::from_secs(2));
    let close = |code: u16, reason: &str| {
        Message::Close(Some(CloseFrame {
            code,
            reason: reason.to_owned().into(),
        }))
    };
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => {
                // 1001 "going away": clients reconnect to another replica.
                let _ = sink.send(close(1001, "server shutting down")).await;
                break;
            }
            _ = keepalive.tick() => {
                let silent_for = now_ms() - last_seen.load(Ordering::Relaxed);
                if silent_for > 3 * interval.as_millis() as i64 {
                    let _ = sink.send(close(1011, "no answer to keep-alive pings")).await;
                    break;
                }
                if sink.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
            _ = clock.tick() => {
                if now_ms() >= expires_at.load(Ordering::Relaxed) {
                    let _ = sink.send(close(4401, "access token expired; reconnect with a fresh token")).await;
                    break;
                }
            }
            _ = recheck.tick() => {
                let current = acting.lock().ok().and_then(|a| *a);
                if let Some((tenant, impersonation)) = current {
                    let now = kernel::Clock::System.now();
                    if let Err(err) = schema::superadmin::impersonation::check_active(
                        &state.services.db, tenant, impersonation, now,
                    )
                    .await
                        && err.code() == kernel::ErrorCode::Authn
                    {
                        let _ = sink.send(close(4401, "the impersonation has ended")).await;
                        break;
                    }
                }
            }
            next = messages.next() => match next {
                Some(WsMessage::Text(text)) => {
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    let (code, reason) = match reason.strip_prefix(REJECTED) {
                        Some(why) => (4403, why.to_owned()),
                        None => (code, reason),
                    };
                    let _ = sink.send(close(code, &reason)).await;
                    break;
                }
                None => break,
            }
        }
    }
    let _ = sink.close().await;
}
