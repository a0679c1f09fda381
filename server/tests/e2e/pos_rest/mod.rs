//! `/v1/pos` over HTTP, as a till or an integrator would use it: the same
//! point-of-sale services as GraphQL behind thin handlers.

mod openapi;
mod payments;
mod queries;
mod refusals;
mod sale;
mod shifts;

use crate::harness::string as s;
use crate::harness::{Rest, assert_invalid, cafe};
use crate::harness::{ServerBuilder, TestServer};
use reqwest::Method;
use serde_json::{Value, json};

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// What the receipt prints for an amount.
fn money(minor: i64) -> String {
    format!("{}.{:02} EUR", minor / 100, minor % 100)
}

fn assert_code(status: u16, body: &Value, want_status: u16, code: &str) {
    assert_eq!(
        (status, &body["error"]["code"]),
        (want_status, &json!(code)),
        "{body}"
    );
}
