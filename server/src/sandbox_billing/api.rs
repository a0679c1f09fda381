//! The sandbox's HTTP API: Stripe-shaped payment intents, and test-support
//! endpoints to inspect, resend and forge events.

use super::{Intent, Outcome, Sandbox, delivery, now_unix};
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;

pub(super) fn router(sandbox: Arc<Sandbox>) -> Router {
    let v1 = Router::new()
        .route("/v1/payment_intents", post(create_intent))
        .route("/v1/payment_intents/{id}", get(get_intent))
        .route("/v1/payment_intents/{id}/confirm", post(confirm_intent))
        .route("/v1/events", get(list_events))
        .route("/v1/events/{id}/resend", post(resend_event))
        .route("/v1/test/events", post(forge_event))
        .route_layer(middleware::from_fn_with_state(
            sandbox.clone(),
            require_api_key,
        ));
    Router::new()
        .route("/health", get(|| async { Json(json!({ "status": "ok" })) }))
        .merge(v1)
        .with_state(sandbox)
}

/// Stripe's error shape: `{error:{type,code,message,param}}`.
struct ApiError {
    status: StatusCode,
    kind: &'static str,
    code: &'static str,
    message: String,
    param: Option<&'static str>,
}

impl ApiError {
    fn invalid(
        code: &'static str,
        param: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code,
            message: message.into(),
            param,
        }
    }

    fn missing(what: &str, id: &str, param: &'static str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            ..Self::invalid(
                "resource_missing",
                Some(param),
                format!("No such {what}: '{id}'"),
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": {
            "type": self.kind,
            "code": self.code,
            "message": self.message,
            "param": self.param,
        }});
        (self.status, Json(body)).into_response()
    }
}

type Answer = Result<Json<Value>, ApiError>;

async fn require_api_key(
    State(sandbox): State<Arc<Sandbox>>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if presented == Some(sandbox.options.api_key.as_str()) {
        return next.run(request).await;
    }
    ApiError {
        status: StatusCode::UNAUTHORIZED,
        ..ApiError::invalid(
            "api_key_invalid",
            None,
            "Invalid API Key provided (send Authorization: Bearer <key>)",
        )
    }
    .into_response()
}

#[derive(Debug, Deserialize)]
struct NewIntent {
    amount: i64,
    currency: String,
    #[serde(default)]
    customer: Option<String>,
    payment_method: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    metadata: Map<String, Value>,
}

fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<(Value, T), ApiError> {
    let bad = |e: serde_json::Error| {
        ApiError::invalid("parameter_invalid", None, format!("Invalid request: {e}"))
    };
    let raw: Value = serde_json::from_slice(body).map_err(bad)?;
    let parsed = T::deserialize(&raw).map_err(bad)?;
    Ok((raw, parsed))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str().map(str::trim) {
        Ok(key) if !key.is_empty() && key.len() <= 255 => Ok(Some(key.to_owned())),
        _ => Err(ApiError::invalid(
            "idempotency_key_invalid",
            None,
            "Idempotency-Key must be 1 to 255 visible characters",
        )),
    }
}

fn validate(input: &NewIntent) -> Result<Outcome, ApiError> {
    if input.amount <= 0 {
        return Err(ApiError::invalid(
            "amount_too_small",
            Some("amount"),
            "Amount must be a positive integer in the currency's minor unit",
        ));
    }
    if input.currency.len() != 3 || !input.currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ApiError::invalid(
            "parameter_invalid",
            Some("currency"),
            format!("Invalid currency: '{}'", input.currency),
        ));
    }
    Outcome::of(&input.payment_method).ok_or_else(|| {
        ApiError::invalid(
            "resource_missing",
            Some("payment_method"),
            format!("No such PaymentMethod: '{}'", input.payment_method),
        )
    })
}

async fn create_intent(
    State(sandbox): State<Arc<Sandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let (raw, input) = parse_json::<NewIntent>(&body)?;
    let mut store = sandbox.store.lock().await;
    if let Some(key) = &key
        && let Some((first_request, first_answer)) = store.keys.get(key)
    {
        // As Stripe does: a retry replays the first answer; reusing the key
        // for another request is a client bug worth failing loudly.
        if *first_request != raw {
            return Err(ApiError::invalid(
                "idempotency_key_in_use",
                None,
                "Keys for idempotent requests can only be used with the same parameters they were first used with",
            ));
        }
        return Ok(Json(first_answer.clone()));
    }
    let outcome = validate(&input)?;
    let intent = Intent {
        id: format!("pi_{}", uuid::Uuid::new_v4().simple()),
        created: now_unix(),
        amount: input.amount,
        currency: input.currency.to_ascii_lowercase(),
        customer: input.customer,
        payment_method: input.payment_method,
        description: input.description,
        metadata: input.metadata,
        status: if outcome == Outcome::RequiresAction {
            "requires_action"
        } else {
            "processing"
        }
        .to_owned(),
        last_payment_error: Value::Null,
    };
    let answer = intent.to_json();
    let id = intent.id.clone();
    store.intents.insert(id.clone(), intent);
    if let Some(key) = key {
        store.keys.insert(key, (raw, answer.clone()));
    }
    let event = store.settle(&id, outcome);
    drop(store);
    tracing::info!(payment_intent = %id, ?outcome, "payment intent created");
    event.into_iter().for_each(|e| sandbox.enqueue(e));
    Ok(Json(answer))
}

async fn get_intent(State(sandbox): State<Arc<Sandbox>>, Path(id): Path<String>) -> Answer {
    let store = sandbox.store.lock().await;
    let intent = store
        .intents
        .get(&id)
        .ok_or_else(|| ApiError::missing("payment_intent", &id, "intent"))?;
    Ok(Json(intent.to_json()))
}

/// The customer completed the extra step (3-D Secure and the like).
async fn confirm_intent(State(sandbox): State<Arc<Sandbox>>, Path(id): Path<String>) -> Answer {
    let mut store = sandbox.store.lock().await;
    let intent = store
        .intents
        .get_mut(&id)
        .ok_or_else(|| ApiError::missing("payment_intent", &id, "intent"))?;
    if intent.status != "requires_action" {
        return Err(ApiError::invalid(
            "payment_intent_unexpected_state",
            None,
            format!(
                "This PaymentIntent's status is {}; only one that requires action can be confirmed",
                intent.status
            ),
        ));
    }
    intent.status = "processing".to_owned();
    let answer = intent.to_json();
    let event = store.settle(&id, Outcome::Succeeds);
    drop(store);
    event.into_iter().for_each(|e| sandbox.enqueue(e));
    Ok(Json(answer))
}

/// Every event made so far, newest first, with its delivery attempts.
async fn list_events(State(sandbox): State<Arc<Sandbox>>) -> Json<Value> {
    let store = sandbox.store.lock().await;
    let data: Vec<Value> = store.events.iter().rev().map(|e| e.to_json()).collect();
    Json(json!({ "object": "list", "data": data }))
}

/// One more attempt, now, whatever happened before; answers the event with
/// its attempts once that one is recorded.
async fn resend_event(State(sandbox): State<Arc<Sandbox>>, Path(id): Path<String>) -> Answer {
    if sandbox.store.lock().await.event_mut(&id).is_none() {
        return Err(ApiError::missing("event", &id, "id"));
    }
    delivery::attempt(&sandbox, &id).await;
    let mut store = sandbox.store.lock().await;
    let record = store
        .event_mut(&id)
        .ok_or_else(|| ApiError::missing("event", &id, "id"))?;
    Ok(Json(record.to_json()))
}

#[derive(Debug, Deserialize)]
struct ForgedEvent {
    payment_intent: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    created: Option<i64>,
}

/// Emits an event about an existing intent with a chosen type and `created`
/// (e.g. an old failure after a success), leaving the intent as it is, so
/// receivers can be tested against late and out-of-order events.
async fn forge_event(State(sandbox): State<Arc<Sandbox>>, body: Bytes) -> Answer {
    let (_, forged) = parse_json::<ForgedEvent>(&body)?;
    let outcome = match forged.kind.as_str() {
        "payment_intent.succeeded" => Outcome::Succeeds,
        "payment_intent.requires_action" => Outcome::RequiresAction,
        "payment_intent.payment_failed" => Outcome::GENERIC_DECLINE,
        other => {
            return Err(ApiError::invalid(
                "parameter_invalid",
                Some("type"),
                format!("Unsupported event type: '{other}'"),
            ));
        }
    };
    let mut store = sandbox.store.lock().await;
    let intent = store.intents.get(&forged.payment_intent).ok_or_else(|| {
        ApiError::missing("payment_intent", &forged.payment_intent, "payment_intent")
    })?;
    let (status, error) = outcome.status();
    let mut object = intent.to_json();
    object["status"] = json!(status);
    // A forged failure keeps the intent's own decline, if it had one.
    if error.is_null() || intent.last_payment_error.is_null() {
        object["last_payment_error"] = error;
    }
    let created = forged.created.unwrap_or_else(now_unix);
    let id = store.emit(outcome.event_type(), created, object);
    let view = store.event_mut(&id).map(|e| e.to_json());
    drop(store);
    sandbox.enqueue(id);
    Ok(Json(view.unwrap_or(Value::Null)))
}
