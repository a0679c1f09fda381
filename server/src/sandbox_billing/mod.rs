//! `server sandbox-billing`: a payment provider that behaves like a real one,
//! for development and tests. It speaks a Stripe-shaped API (payment intents,
//! idempotency keys, Stripe-like errors) and reports outcomes only by signed
//! webhooks, delivered at least once from a background task, optionally
//! duplicated or shuffled. State lives in memory and dies with the process.

mod api;
mod delivery;

use crate::cli::SandboxBillingArgs;
use crate::config::{Config, LogFormat};
use crate::{serve, telemetry};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, mpsc};
use tokio_util::sync::CancellationToken;

pub async fn run(args: SandboxBillingArgs) -> anyhow::Result<()> {
    let mut telemetry = telemetry::init(&log_config())?;
    let result = serve_sandbox(args).await;
    telemetry.shutdown();
    result
}

/// Logging as the server does it, from `LOG_LEVEL` and `LOG_FORMAT` alone:
/// the rest of the platform's configuration is none of the sandbox's business.
fn log_config() -> Config {
    let mut config = Config::default();
    if let Ok(level) = std::env::var("LOG_LEVEL") {
        config.log_level = level;
    }
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("pretty")) {
        config.log_format = LogFormat::Pretty;
    }
    config
}

async fn serve_sandbox(args: SandboxBillingArgs) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10))
        .build()?;
    let (queue, queued) = mpsc::unbounded_channel();
    let listen = args.listen;
    let sandbox = Arc::new(Sandbox {
        store: Mutex::new(Store::default()),
        options: args,
        queue,
        http,
    });
    let shutdown = CancellationToken::new();
    let deliveries = tokio::spawn(delivery::run(sandbox.clone(), queued, shutdown.clone()));

    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(
        addr = %listener.local_addr()?,
        webhook_url = %sandbox.options.webhook_url,
        duplicate_rate = sandbox.options.duplicate_rate,
        shuffle = sandbox.options.shuffle,
        "listening"
    );
    let served = axum::serve(listener, api::router(sandbox))
        .with_graceful_shutdown({
            let shutdown = shutdown.clone();
            async move {
                serve::stop_signal().await;
                tracing::info!("shutdown requested: pending webhook deliveries are dropped");
                shutdown.cancel();
            }
        })
        .await;
    shutdown.cancel();
    let _ = deliveries.await;
    served?;
    Ok(())
}

/// Everything the handlers and the delivery task share.
pub(crate) struct Sandbox {
    store: Mutex<Store>,
    options: SandboxBillingArgs,
    /// Ids of events to deliver, in the order they were made.
    queue: mpsc::UnboundedSender<String>,
    http: reqwest::Client,
}

impl Sandbox {
    fn enqueue(&self, event_id: String) {
        if self.queue.send(event_id).is_err() {
            tracing::warn!("the delivery task has stopped; event not queued");
        }
    }
}

#[derive(Default)]
struct Store {
    intents: HashMap<String, Intent>,
    /// Idempotency key → the request it was first used with and the answer given.
    keys: HashMap<String, (Value, Value)>,
    /// In the order they were made.
    events: Vec<EventRecord>,
}

impl Store {
    fn event_mut(&mut self, id: &str) -> Option<&mut EventRecord> {
        self.events.iter_mut().find(|e| e.id == id)
    }

    /// Records an event about `object` and returns its id; the caller queues it.
    fn emit(&mut self, kind: &str, created: i64, object: Value) -> String {
        let id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        let event = json!({
            "id": id,
            "object": "event",
            "type": kind,
            "created": created,
            "livemode": false,
            "data": { "object": object },
        });
        // Serialised once, so every attempt signs and sends the same bytes.
        let body = event.to_string().into_bytes();
        self.events.push(EventRecord {
            id: id.clone(),
            event,
            body,
            attempts: Vec::new(),
            delivered: false,
        });
        id
    }

    /// Moves an intent to `outcome` and records the event that reports it.
    fn settle(&mut self, intent_id: &str, outcome: Outcome) -> Option<String> {
        let intent = self.intents.get_mut(intent_id)?;
        let (status, error) = outcome.status();
        intent.status = status.to_owned();
        intent.last_payment_error = error;
        let object = intent.to_json();
        Some(self.emit(outcome.event_type(), now_unix(), object))
    }
}

/// How a charge of a sandbox payment method ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Succeeds,
    Declined {
        decline_code: &'static str,
        message: &'static str,
    },
    RequiresAction,
}

impl Outcome {
    const GENERIC_DECLINE: Self = Self::Declined {
        decline_code: "generic_decline",
        message: "Your card was declined.",
    };

    fn of(payment_method: &str) -> Option<Self> {
        match payment_method {
            "pm_card_ok" => Some(Self::Succeeds),
            "pm_card_declined" => Some(Self::GENERIC_DECLINE),
            "pm_card_insufficient_funds" => Some(Self::Declined {
                decline_code: "insufficient_funds",
                message: "Your card has insufficient funds.",
            }),
            "pm_card_requires_action" => Some(Self::RequiresAction),
            _ => None,
        }
    }

    fn event_type(self) -> &'static str {
        match self {
            Self::Succeeds => "payment_intent.succeeded",
            Self::Declined { .. } => "payment_intent.payment_failed",
            Self::RequiresAction => "payment_intent.requires_action",
        }
    }

    /// The intent's status and `last_payment_error` once this outcome is
    /// known; a failed intent waits for another payment method, as Stripe's does.
    fn status(self) -> (&'static str, Value) {
        match self {
            Self::Succeeds => ("succeeded", Value::Null),
            Self::RequiresAction => ("requires_action", Value::Null),
            Self::Declined {
                decline_code,
                message,
            } => (
                "requires_payment_method",
                json!({
                    "type": "card_error",
                    "code": "card_declined",
                    "decline_code": decline_code,
                    "message": message,
                }),
            ),
        }
    }
}

#[derive(Debug, Clone)]
struct Intent {
    id: String,
    created: i64,
    amount: i64,
    currency: String,
    customer: Option<String>,
    payment_method: String,
    description: Option<String>,
    metadata: Map<String, Value>,
    status: String,
    last_payment_error: Value,
}

impl Intent {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "payment_intent",
            "created": self.created,
            "amount": self.amount,
            "currency": self.currency,
            "customer": self.customer,
            "payment_method": self.payment_method,
            "description": self.description,
            "metadata": self.metadata,
            "status": self.status,
            "last_payment_error": self.last_payment_error,
            "livemode": false,
        })
    }
}

struct EventRecord {
    id: String,
    event: Value,
    body: Vec<u8>,
    attempts: Vec<Attempt>,
    delivered: bool,
}

impl EventRecord {
    fn to_json(&self) -> Value {
        let mut view = self.event.clone();
        view["delivery"] = json!({
            "attempts": self.attempts.iter().map(Attempt::to_json).collect::<Vec<_>>(),
            "delivered": self.delivered,
            "last_status": self.attempts.last().and_then(|a| a.status),
        });
        view
    }
}

struct Attempt {
    at: i64,
    /// None when no HTTP answer came (refused, timed out).
    status: Option<u16>,
    error: Option<String>,
}

impl Attempt {
    fn to_json(&self) -> Value {
        json!({ "at": self.at, "status": self.status, "error": self.error })
    }
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}
