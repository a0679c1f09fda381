//! `server sandbox-billing`: the payment provider stand-in, as a real process,
//! with a webhook receiver in the test recording what it is sent.

use crate::harness::{Sandbox, now_secs};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kernel::ErrorCode;
use schema::billing::provider::{ChargeRequest, HttpProvider, PaymentProvider};
use schema::billing::signature::{self, SignatureError};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "whsec_e2e_sandbox";

/// One POST the receiver got, and what it answered.
#[derive(Debug, Clone)]
struct Delivery {
    signature: String,
    body: Vec<u8>,
    answered: u16,
}

impl Delivery {
    fn event(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON event")
    }

    fn is_about(&self, intent: &str) -> bool {
        self.event()["data"]["object"]["id"] == intent
    }
}

#[derive(Default)]
struct Recorded {
    deliveries: Mutex<Vec<Delivery>>,
    fail_first: bool,
}

/// A webhook endpoint that records every delivery; with `fail_first` it
/// answers 500 to the first delivery of each event, then 200.
struct Receiver {
    url: String,
    recorded: Arc<Recorded>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(
    State(recorded): State<Arc<Recorded>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let id = serde_json::from_slice::<Value>(&body).unwrap_or_default()["id"].clone();
    let mut deliveries = recorded.deliveries.lock().unwrap();
    let seen = deliveries.iter().any(|d| d.event()["id"] == id);
    let answered = if recorded.fail_first && !seen {
        500
    } else {
        200
    };
    deliveries.push(Delivery {
        signature: headers
            .get(signature::HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body: body.to_vec(),
        answered,
    });
    StatusCode::from_u16(answered).unwrap()
}

impl Receiver {
    async fn start(fail_first: bool) -> Self {
        let recorded = Arc::new(Recorded {
            fail_first,
            ..Recorded::default()
        });
        let app = axum::Router::new()
            .route("/hooks", axum::routing::post(receive))
            .with_state(recorded.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url,
            recorded,
            task,
        }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.recorded.deliveries.lock().unwrap().clone()
    }

    /// The deliveries about `intent` once `done` holds for them.
    async fn wait_for(&self, intent: &str, done: impl Fn(&[Delivery]) -> bool) -> Vec<Delivery> {
        for _ in 0..200 {
            let about: Vec<Delivery> = self
                .deliveries()
                .into_iter()
                .filter(|d| d.is_about(intent))
                .collect();
            if done(&about) {
                return about;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "deliveries about {intent} never settled: {:#?}",
            self.deliveries()
        );
    }

    /// The deliveries about `intent` once an event of type `kind` was accepted.
    async fn wait_accepted(&self, intent: &str, kind: &str) -> Vec<Delivery> {
        self.wait_for(intent, |ds| {
            ds.iter()
                .any(|d| d.answered == 200 && d.event()["type"] == kind)
        })
        .await
    }
}

async fn started(fail_first: bool) -> (Receiver, Sandbox) {
    let receiver = Receiver::start(fail_first).await;
    let sandbox = Sandbox::start(&receiver.url, SECRET).await;
    (receiver, sandbox)
}

fn charge(payment_method: &str) -> Value {
    json!({
        "amount": 2500,
        "currency": "EUR",
        "customer": "tenant-7",
        "payment_method": payment_method,
        "metadata": { "invoice_id": "0196f1c2-7d1e-7000-8000-000000000001" },
        "description": "Plan Pro, May",
    })
}

async fn create(sandbox: &Sandbox, payment_method: &str) -> Value {
    let (status, intent) = sandbox
        .post("/v1/payment_intents", &charge(payment_method))
        .await;
    assert_eq!(status, 200, "{intent}");
    intent
}

fn verifies(delivery: &Delivery, secret: &str) -> Result<i64, SignatureError> {
    let now = now_secs() as i64;
    signature::verify(
        &delivery.signature,
        &delivery.body,
        &[secret.as_bytes()],
        now,
        300,
    )
}

#[tokio::test]
async fn a_charge_is_reported_by_one_signed_event_redelivered_after_a_500() {
    let (receiver, sandbox) = started(true).await;
    let (status, intent) = sandbox
        .post_with(
            "/v1/payment_intents",
            &charge("pm_card_ok"),
            Some("inv-1-try-1"),
        )
        .await;
    assert_eq!(status, 200, "{intent}");
    assert_eq!(
        intent["status"], "processing",
        "the outcome comes by webhook"
    );
    let id = intent["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pi_"), "{id}");

    receiver
        .wait_accepted(&id, "payment_intent.succeeded")
        .await;
    // Long enough for a stray second event to show up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let about: Vec<Delivery> = receiver
        .deliveries()
        .into_iter()
        .filter(|d| d.is_about(&id))
        .collect();
    assert_eq!(
        about.iter().map(|d| d.answered).collect::<Vec<_>>(),
        [500, 200]
    );
    assert_eq!(about[0].body, about[1].body, "a retry sends the same bytes");
    for delivery in &about {
        assert!(verifies(delivery, SECRET).is_ok(), "{delivery:?}");
        assert_eq!(
            verifies(delivery, "whsec_other"),
            Err(SignatureError::Mismatch)
        );
    }
    let event = about[0].event();
    assert!(event["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(event["type"], "payment_intent.succeeded");
    let object = &event["data"]["object"];
    assert_eq!(object["status"], "succeeded");
    assert_eq!(object["amount"], 2500);
    assert_eq!(object["currency"], "eur");
    assert_eq!(object["customer"], "tenant-7");
    assert_eq!(
        object["metadata"]["invoice_id"],
        "0196f1c2-7d1e-7000-8000-000000000001"
    );
    assert!(object["last_payment_error"].is_null());

    let events = sandbox.events_of(&id).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(
        events[0]["delivery"]["attempts"].as_array().unwrap().len(),
        2
    );
    assert_eq!(events[0]["delivery"]["delivered"], true);
    assert_eq!(events[0]["delivery"]["last_status"], 200);
    let (_, now) = sandbox.get(&format!("/v1/payment_intents/{id}")).await;
    assert_eq!(now["status"], "succeeded");

    let (status, resent) = sandbox
        .post(
            &format!("/v1/events/{}/resend", event["id"].as_str().unwrap()),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{resent}");
    assert_eq!(resent["delivery"]["attempts"].as_array().unwrap().len(), 3);
    let about = receiver.wait_for(&id, |ds| ds.len() == 3).await;
    assert!(verifies(&about[2], SECRET).is_ok());
}

#[tokio::test]
async fn declines_are_reported_with_their_codes() {
    let (receiver, sandbox) = started(false).await;
    for (method, decline_code) in [
        ("pm_card_declined", "generic_decline"),
        ("pm_card_insufficient_funds", "insufficient_funds"),
    ] {
        let intent = create(&sandbox, method).await;
        assert_eq!(intent["status"], "processing");
        let id = intent["id"].as_str().unwrap();
        let about = receiver
            .wait_accepted(id, "payment_intent.payment_failed")
            .await;
        assert_eq!(about.len(), 1, "{about:?}");
        assert!(verifies(&about[0], SECRET).is_ok());
        let object = &about[0].event()["data"]["object"];
        assert_eq!(
            object["status"], "requires_payment_method",
            "as Stripe leaves a failed intent"
        );
        let error = &object["last_payment_error"];
        assert_eq!(error["code"], "card_declined", "{error}");
        assert_eq!(error["decline_code"], decline_code, "{error}");
        assert!(error["message"].as_str().unwrap().contains("card"));
    }
}

#[tokio::test]
async fn an_intent_that_requires_action_succeeds_once_confirmed() {
    let (receiver, sandbox) = started(false).await;
    let intent = create(&sandbox, "pm_card_requires_action").await;
    assert_eq!(intent["status"], "requires_action");
    let id = intent["id"].as_str().unwrap();
    receiver
        .wait_accepted(id, "payment_intent.requires_action")
        .await;

    let (status, confirmed) = sandbox
        .post(&format!("/v1/payment_intents/{id}/confirm"), &json!({}))
        .await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["status"], "processing");
    let about = receiver.wait_accepted(id, "payment_intent.succeeded").await;
    let kinds: Vec<Value> = about.iter().map(|d| d.event()["type"].clone()).collect();
    assert_eq!(
        kinds,
        [
            json!("payment_intent.requires_action"),
            json!("payment_intent.succeeded")
        ]
    );

    let (status, again) = sandbox
        .post(&format!("/v1/payment_intents/{id}/confirm"), &json!({}))
        .await;
    assert_eq!(status, 400, "{again}");
    assert_eq!(again["error"]["code"], "payment_intent_unexpected_state");
    let (status, missing) = sandbox
        .post("/v1/payment_intents/pi_nope/confirm", &json!({}))
        .await;
    assert_eq!(status, 404, "{missing}");
    assert_eq!(missing["error"]["code"], "resource_missing");
}

#[tokio::test]
async fn an_idempotency_key_returns_the_first_intent_and_charges_once() {
    let (receiver, sandbox) = started(false).await;
    let body = charge("pm_card_ok");
    let (_, first) = sandbox
        .post_with("/v1/payment_intents", &body, Some("key-1"))
        .await;
    let (status, again) = sandbox
        .post_with("/v1/payment_intents", &body, Some("key-1"))
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, first, "the first answer, replayed");
    let id = first["id"].as_str().unwrap();

    let mut other = body.clone();
    other["amount"] = json!(2600);
    let (status, refused) = sandbox
        .post_with("/v1/payment_intents", &other, Some("key-1"))
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], "idempotency_key_in_use");
    assert_eq!(refused["error"]["type"], "invalid_request_error");

    let (_, fresh) = sandbox
        .post_with("/v1/payment_intents", &body, Some("key-2"))
        .await;
    assert_ne!(fresh["id"], first["id"]);

    receiver.wait_accepted(id, "payment_intent.succeeded").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sandbox.events_of(id).await.len(),
        1,
        "one charge, one event"
    );
}

#[tokio::test]
async fn refusals_are_stripe_shaped() {
    // Nothing listens on the discard port; no test here reaches a webhook.
    let sandbox = Sandbox::start("http://127.0.0.1:9/hooks", SECRET).await;
    let url = sandbox.url("/v1/payment_intents");
    for key in [Some("sk_wrong"), None] {
        let mut request = sandbox.http.post(&url).json(&charge("pm_card_ok"));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 401);
        let body: Value = answer.json().await.unwrap();
        assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
    }

    let cases = [
        (
            json!({ "amount": -100 }),
            "amount_too_small",
            json!("amount"),
        ),
        (json!({ "amount": 0 }), "amount_too_small", json!("amount")),
        (
            json!({ "currency": "euro" }),
            "parameter_invalid",
            json!("currency"),
        ),
        (
            json!({ "currency": "e1r" }),
            "parameter_invalid",
            json!("currency"),
        ),
        (
            json!({ "payment_method": "pm_card_unknown" }),
            "resource_missing",
            json!("payment_method"),
        ),
        (
            json!({ "amount": "lots" }),
            "parameter_invalid",
            Value::Null,
        ),
    ];
    for (change, code, param) in cases {
        let mut body = charge("pm_card_ok");
        for (field, value) in change.as_object().unwrap() {
            body[field] = value.clone();
        }
        let (status, refused) = sandbox.post("/v1/payment_intents", &body).await;
        assert_eq!(status, 400, "{body} → {refused}");
        assert_eq!(
            refused["error"]["type"], "invalid_request_error",
            "{refused}"
        );
        assert_eq!(refused["error"]["code"], code, "{refused}");
        assert_eq!(refused["error"]["param"], param, "{refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let answer = sandbox
        .http
        .post(&url)
        .bearer_auth(sandbox.api_key())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);

    let (status, missing) = sandbox.get("/v1/payment_intents/pi_nope").await;
    assert_eq!(status, 404, "{missing}");
    assert!(
        sandbox.events().await.is_empty(),
        "a refused request makes no event"
    );
}

#[tokio::test]
async fn the_http_provider_charges_through_the_sandbox() {
    let (receiver, sandbox) = started(false).await;
    let provider = HttpProvider::new(sandbox.base_url(), sandbox.api_key()).unwrap();
    let invoice_id = uuid::Uuid::now_v7();
    let request = ChargeRequest {
        idempotency_key: format!("invoice-{invoice_id}-attempt-1"),
        customer: "tenant-9".into(),
        payment_method: "pm_card_ok".into(),
        amount_minor: 4900,
        currency: "usd".into(),
        invoice_id,
        description: "Plan Pro".into(),
    };
    let accepted = provider.charge(&request).await.unwrap();
    assert!(
        accepted.payment_intent_id.starts_with("pi_"),
        "{accepted:?}"
    );
    assert_eq!(accepted.status, "processing");
    let retried = provider.charge(&request).await.unwrap();
    assert_eq!(retried, accepted, "a retry with the same key charges once");

    let about = receiver
        .wait_accepted(&accepted.payment_intent_id, "payment_intent.succeeded")
        .await;
    let object = &about[0].event()["data"]["object"];
    assert_eq!(object["metadata"]["invoice_id"], invoice_id.to_string());
    assert_eq!(object["amount"], 4900);

    let unknown = ChargeRequest {
        idempotency_key: "another".into(),
        payment_method: "pm_card_unknown".into(),
        ..request.clone()
    };
    let err = provider.charge(&unknown).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Validation, "{err}");
    assert!(err.message().contains("pm_card_unknown"), "{err}");

    let wrong_key = HttpProvider::new(sandbox.base_url(), "sk_wrong").unwrap();
    let err = wrong_key.charge(&request).await.unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Internal,
        "our misconfiguration, not the tenant's: {err}"
    );
    let gone = HttpProvider::new("http://127.0.0.1:9", "sk_sandbox").unwrap();
    let err = gone.charge(&request).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Internal, "{err}");
}

#[tokio::test]
async fn duplicated_and_forged_events_arrive_as_a_real_provider_would_send_them() {
    let receiver = Receiver::start(false).await;
    let sandbox = Sandbox::start_with(&[
        "--webhook-url",
        &receiver.url,
        "--webhook-secret",
        SECRET,
        "--duplicate-rate",
        "1",
    ])
    .await;
    let intent = create(&sandbox, "pm_card_ok").await;
    let id = intent["id"].as_str().unwrap();
    let about = receiver.wait_for(id, |ds| ds.len() >= 2).await;
    assert_eq!(about[0].body, about[1].body, "the same event twice");

    // An old failure, sent after the success, as retries can make it arrive.
    let an_hour_ago = now_secs() as i64 - 3600;
    let (status, forged) = sandbox
        .post(
            "/v1/test/events",
            &json!({ "payment_intent": id, "type": "payment_intent.payment_failed", "created": an_hour_ago }),
        )
        .await;
    assert_eq!(status, 200, "{forged}");
    assert_eq!(forged["created"], an_hour_ago);
    let about = receiver
        .wait_accepted(id, "payment_intent.payment_failed")
        .await;
    let late = about
        .iter()
        .find(|d| d.event()["type"] == "payment_intent.payment_failed")
        .unwrap();
    assert!(
        verifies(late, SECRET).is_ok(),
        "signed when sent, not when created"
    );
    let event = late.event();
    assert_eq!(event["created"], an_hour_ago);
    assert_eq!(event["data"]["object"]["status"], "requires_payment_method");
    assert_eq!(
        event["data"]["object"]["last_payment_error"]["code"],
        "card_declined"
    );
    let (_, now) = sandbox.get(&format!("/v1/payment_intents/{id}")).await;
    assert_eq!(
        now["status"], "succeeded",
        "a forged event leaves the intent as it is"
    );

    let (status, refused) = sandbox
        .post(
            "/v1/test/events",
            &json!({ "payment_intent": id, "type": "charge.refunded" }),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
}

#[tokio::test]
async fn shuffled_batches_still_deliver_every_event_and_sigterm_stops_it() {
    let receiver = Receiver::start(false).await;
    let mut sandbox = Sandbox::start_with(&[
        "--webhook-url",
        &receiver.url,
        "--webhook-secret",
        SECRET,
        "--shuffle",
    ])
    .await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            create(&sandbox, "pm_card_ok").await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for id in &ids {
        receiver.wait_accepted(id, "payment_intent.succeeded").await;
    }
    assert_eq!(receiver.deliveries().len(), 5);
    assert_eq!(sandbox.terminate().await, Some(0));
}

#[tokio::test]
async fn needs_no_database_redis_or_configuration() {
    // A configuration that would stop `server serve` does not concern the sandbox.
    let receiver = Receiver::start(false).await;
    let sandbox = Sandbox::start_with(&[
        "--webhook-url",
        &receiver.url,
        "--api-key",
        "sk_custom",
        "--config",
        "/nonexistent/platform.toml",
    ])
    .await;
    assert_eq!(sandbox.api_key(), "sk_custom");
    let (status, body) = sandbox.get("/health").await;
    assert_eq!(status, 200, "{body}");
    let intent = create(&sandbox, "pm_card_ok").await;
    let about = receiver
        .wait_accepted(intent["id"].as_str().unwrap(), "payment_intent.succeeded")
        .await;
    assert!(
        verifies(&about[0], "whsec_sandbox").is_ok(),
        "the default secret"
    );
}
