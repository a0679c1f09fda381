//! `/v1/pos` over HTTP, as a till or an integrator would use it: the same
//! point-of-sale services as GraphQL behind thin handlers.

mod openapi;
mod payments;
mod queries;
mod refusals;
mod sale;
mod shifts;

use crate::harness::string as s;
use crate::harness::{ServerBuilder, TestServer};
use crate::pos::{Cafe, cafe};
use crate::rest_client::Rest;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

impl Rest<'_> {
    async fn open_ticket(&self, c: &Cafe, label: &str) -> Value {
        self.ok(
            Method::POST,
            "/v1/pos/tickets",
            Some(json!({"locationId": c.location, "label": label})),
            201,
        )
        .await
    }

    async fn add_line(&self, ticket: &str, line: Value) -> Value {
        self.ok(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/lines"),
            Some(line),
            201,
        )
        .await
    }

    async fn pay(&self, ticket: &str, key: &str, body: Value) -> Value {
        self.ok_with(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/payments"),
            Some(body),
            &[("Idempotency-Key", key)],
            201,
        )
        .await
    }

    async fn settle(&self, ticket: &str) -> Value {
        self.ok(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/settle"),
            None,
            200,
        )
        .await
    }

    async fn ticket(&self, ticket: &str) -> Value {
        self.ok(Method::GET, &format!("/v1/pos/tickets/{ticket}"), None, 200)
            .await
    }

    async fn stock_on_hand(&self, item: &str, location: &str) -> String {
        let levels = self
            .ok(
                Method::GET,
                &format!("/v1/inventory/levels?stockItemId={item}&locationId={location}"),
                None,
                200,
            )
            .await;
        s(&levels[0]["onHand"])
    }

    /// Polls until the level reads `want` (the stock consumer runs in the background).
    async fn wait_on_hand(&self, item: &str, location: &str, want: &str) {
        let mut last = String::new();
        for _ in 0..100 {
            last = self.stock_on_hand(item, location).await;
            if last == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("on hand stayed {last}, wanted {want}");
    }
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// What the receipt prints for an amount.
fn money(minor: i64) -> String {
    format!("{}.{:02} EUR", minor / 100, minor % 100)
}

/// Asserts a `VALIDATION` answer naming `field`.
fn assert_invalid(status: u16, body: &Value, field: &str) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "VALIDATION", "{body}");
    assert!(
        body["error"]["details"]["fields"].get(field).is_some(),
        "{field} not named: {body}"
    );
}

fn assert_code(status: u16, body: &Value, want_status: u16, code: &str) {
    assert_eq!(
        (status, &body["error"]["code"]),
        (want_status, &json!(code)),
        "{body}"
    );
}
