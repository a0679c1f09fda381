//! The point of sale end to end: a sale a screen watches, the stock it
//! moves, refunds, retried payments, the last unit sold twice, shift
//! totals, permissions and bad input.

mod concurrency;
mod refusals;
mod sale;
mod shifts;
mod tickets;

use crate::harness::string as s;
use crate::harness::{ADD_LINE, PAY, cafe};
use crate::harness::{TestServer, ws_next};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// Polls until `check` holds (the stock consumer runs in the background).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never: {what}");
}
