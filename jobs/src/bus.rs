//! The event bus of one server process: a single reader follows the Redis
//! events stream and fans each event out to the local subscribers of its
//! tenant. Redis is the fast path only: subscribers check positions and fill
//! any gap from PostgreSQL, so a lost entry (a Redis restart, a lagging
//! reader) costs a query, never an event.

use crate::envelope::Envelope;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// What a subscriber receives.
#[derive(Debug, Clone)]
pub enum BusItem {
    Event(Arc<Envelope>),
    /// The reader was cut off from Redis and is back: check for missed positions.
    Resync,
}

#[derive(Clone)]
pub struct EventBus {
    channels: Arc<Mutex<HashMap<Uuid, broadcast::Sender<BusItem>>>>,
}

const CHANNEL_CAPACITY: usize = 1024;

impl EventBus {
    /// Starts the reader; it stops with `shutdown`.
    pub fn start(redis: deadpool_redis::Pool, stream: String, shutdown: CancellationToken) -> Self {
        let bus = Self {
            channels: Arc::new(Mutex::new(HashMap::new())),
        };
        let reader = bus.clone();
        tokio::spawn(async move { reader.read(redis, stream, shutdown).await });
        bus
    }

    /// Live events of `tenant` from now on.
    pub fn subscribe(&self, tenant: Uuid) -> broadcast::Receiver<BusItem> {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels
            .entry(tenant)
            .or_insert_with(|| broadcast::channel(CHANNEL_CAPACITY).0)
            .subscribe()
    }

    fn deliver(&self, envelope: Envelope) {
        let Some(tenant) = envelope.tenant_id else {
            return;
        };
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(sender) = channels.get(&tenant)
            && sender.send(BusItem::Event(Arc::new(envelope))).is_err()
        {
            // Nobody listens any more.
            channels.remove(&tenant);
        }
    }

    fn resync_all(&self) {
        let channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        for sender in channels.values() {
            let _ = sender.send(BusItem::Resync);
        }
    }

    async fn read(&self, redis: deadpool_redis::Pool, stream: String, shutdown: CancellationToken) {
        let mut last_id = "$".to_owned();
        let mut broken = false;
        let mut backoff = Duration::from_millis(100);
        while !shutdown.is_cancelled() {
            let read = async {
                let mut conn = redis.get().await.map_err(|e| e.to_string())?;
                let reply: redis::Value = redis::cmd("XREAD")
                    .arg("COUNT")
                    .arg(1000)
                    .arg("BLOCK")
                    .arg(2000)
                    .arg("STREAMS")
                    .arg(&stream)
                    .arg(&last_id)
                    .query_async(&mut *conn)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok::<_, String>(reply)
            };
            let reply = tokio::select! {
                _ = shutdown.cancelled() => break,
                reply = read => reply,
            };
            match reply {
                Ok(reply) => {
                    if broken {
                        tracing::info!(
                            module = "bus",
                            "event stream reachable again; subscribers resync"
                        );
                        broken = false;
                        self.resync_all();
                    }
                    backoff = Duration::from_millis(100);
                    for (id, envelope) in entries(reply) {
                        last_id = id;
                        if let Some(envelope) = envelope {
                            metrics::counter!("bus_events_received_total").increment(1);
                            self.deliver(envelope);
                        }
                    }
                }
                Err(error) => {
                    if !broken {
                        tracing::warn!(module = "bus", %error, "event stream unreachable; retrying");
                    }
                    broken = true;
                    tokio::select! {
                        _ = shutdown.cancelled() => break,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                }
            }
        }
    }
}

/// (entry id, envelope) pairs of an XREAD reply, in RESP2 or RESP3 shape.
fn entries(reply: redis::Value) -> Vec<(String, Option<Envelope>)> {
    let streams = match reply {
        redis::Value::Array(streams) => streams
            .into_iter()
            .filter_map(|s| match s {
                redis::Value::Array(mut pair) if pair.len() == 2 => Some(pair.swap_remove(1)),
                _ => None,
            })
            .collect::<Vec<_>>(),
        redis::Value::Map(streams) => streams.into_iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for stream in streams {
        let redis::Value::Array(items) = stream else {
            continue;
        };
        for item in items {
            let redis::Value::Array(parts) = item else {
                continue;
            };
            let Some(redis::Value::BulkString(id)) = parts.first() else {
                continue;
            };
            let Ok(id) = String::from_utf8(id.clone()) else {
                continue;
            };
            let envelope = match parts.get(1) {
                Some(redis::Value::Array(fields)) => {
                    fields
                        .chunks(2)
                        .find_map(|kv| match (kv.first(), kv.get(1)) {
                            (
                                Some(redis::Value::BulkString(k)),
                                Some(redis::Value::BulkString(v)),
                            ) if k == b"e" => serde_json::from_slice::<Envelope>(v).ok(),
                            _ => None,
                        })
                }
                _ => None,
            };
            out.push((id, envelope));
        }
    }
    out
}
