//! Webhook delivery: at least once, signed over the exact bytes sent, retried
//! with backoff until a 2xx answer; optionally duplicated and shuffled, since
//! a real provider promises neither exactly once nor in order.

use super::{Attempt, Sandbox, now_unix};
use rand::Rng;
use rand::seq::SliceRandom;
use schema::billing::signature;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Waits before the 2nd, 3rd, ... attempt; the last one repeats.
const BACKOFF_MS: [u64; 8] = [200, 500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

/// How long `--shuffle` gathers events that arrive one per request, so that
/// there is a batch to shuffle.
const SHUFFLE_WINDOW: Duration = Duration::from_millis(250);

/// Delivers queued events until `shutdown`. First attempts go out one at a
/// time in queue order (or shuffled); retries run on their own, so one
/// failing event does not hold back the others.
pub(super) async fn run(
    sandbox: Arc<Sandbox>,
    mut queued: mpsc::UnboundedReceiver<String>,
    shutdown: CancellationToken,
) {
    loop {
        let first = tokio::select! {
            _ = shutdown.cancelled() => return,
            next = queued.recv() => match next {
                Some(id) => id,
                None => return,
            },
        };
        if sandbox.options.shuffle {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(SHUFFLE_WINDOW) => {}
            }
        }
        let mut batch = vec![first];
        while let Ok(id) = queued.try_recv() {
            batch.push(id);
        }
        for id in plan(
            batch,
            sandbox.options.duplicate_rate,
            sandbox.options.shuffle,
        ) {
            if !attempt(&sandbox, &id).await {
                tokio::spawn(retry(sandbox.clone(), id, shutdown.clone()));
            }
        }
    }
}

/// The deliveries to make for a batch: each event once, or twice at
/// `duplicate_rate`, in random order when `shuffle`.
fn plan(batch: Vec<String>, duplicate_rate: f64, shuffle: bool) -> Vec<String> {
    // ThreadRng is not Send: it must not live across an await.
    let mut rng = rand::rng();
    let mut deliveries = Vec::with_capacity(batch.len());
    for id in batch {
        if duplicate_rate > 0.0 && rng.random_bool(duplicate_rate.min(1.0)) {
            deliveries.push(id.clone());
        }
        deliveries.push(id);
    }
    if shuffle {
        deliveries.shuffle(&mut rng);
    }
    deliveries
}

async fn retry(sandbox: Arc<Sandbox>, id: String, shutdown: CancellationToken) {
    let max = sandbox.options.max_attempts as usize;
    for attempt_no in 2..=max {
        let wait = BACKOFF_MS[(attempt_no - 2).min(BACKOFF_MS.len() - 1)];
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {}
        }
        if attempt(&sandbox, &id).await {
            return;
        }
    }
    tracing::warn!(event_id = %id, attempts = max, "webhook delivery given up");
}

/// One signed POST of the event; records it and answers whether it landed.
pub(super) async fn attempt(sandbox: &Sandbox, id: &str) -> bool {
    let Some(body) = sandbox
        .store
        .lock()
        .await
        .event_mut(id)
        .map(|e| e.body.clone())
    else {
        return true;
    };
    let at = now_unix();
    // Signed at send time, as Stripe does, so a late retry is not stale.
    let header = signature::sign(sandbox.options.webhook_secret.as_bytes(), at, &body);
    let sent = sandbox
        .http
        .post(&sandbox.options.webhook_url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(signature::HEADER, header)
        .body(body)
        .send()
        .await;
    let (status, error) = match sent {
        Ok(answer) => (Some(answer.status().as_u16()), None),
        Err(err) => (None, Some(err.to_string())),
    };
    let landed = status.is_some_and(|s| (200..300).contains(&s));
    let mut store = sandbox.store.lock().await;
    if let Some(record) = store.event_mut(id) {
        record.attempts.push(Attempt {
            at,
            status,
            error: error.clone(),
        });
        record.delivered |= landed;
        let attempts = record.attempts.len();
        if landed {
            tracing::info!(event_id = %id, status, attempts, "webhook delivered");
        } else {
            tracing::info!(event_id = %id, status, error, attempts, "webhook delivery failed");
        }
    }
    landed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("evt_{i}")).collect()
    }

    #[test]
    fn without_options_each_event_goes_once_in_order() {
        assert_eq!(plan(ids(5), 0.0, false), ids(5));
    }

    #[test]
    fn a_duplicate_rate_of_one_sends_everything_twice() {
        let planned = plan(ids(3), 1.0, false);
        assert_eq!(planned.len(), 6);
        for id in ids(3) {
            assert_eq!(planned.iter().filter(|p| **p == id).count(), 2);
        }
    }

    #[test]
    fn shuffling_keeps_every_delivery() {
        let mut planned = plan(ids(50), 0.0, true);
        assert_ne!(planned, ids(50), "50 events stayed in order");
        planned.sort();
        let mut expected = ids(50);
        expected.sort();
        assert_eq!(planned, expected);
    }
}
