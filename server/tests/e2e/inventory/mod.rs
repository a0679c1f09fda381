//! Inventory over GraphQL: the ledger and the levels it keeps, counts,
//! transfers, reorder points, recipes, idempotent adjustments, live changes.

mod availability;
mod idempotency;
mod ledger;
mod live;
mod recipes;
mod refusals;

use crate::harness::{ADJUST, TenantFixture, TestServer, ws_next, ws_subscribe};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

fn milli(q: &Value) -> i64 {
    let s = q.as_str().unwrap_or_else(|| panic!("not a quantity: {q}"));
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (w, f) = s.split_once('.').unwrap_or((s, ""));
    let v = w.parse::<i64>().unwrap() * 1000 + format!("{f:0<3}").parse::<i64>().unwrap();
    if neg { -v } else { v }
}

/// The ledger's own answer: the last count (by when it happened) plus every
/// other movement after it.
async fn ledger_on_hand(server: &TestServer, token: &str, item: &str, loc: &str) -> i64 {
    let data = server
        .gql_ok(
            "query($i: UUID, $l: UUID) { stockMovements(stockItemId: $i, locationId: $l, first: 100) {
                nodes { id kind quantity counted occurredAt } } }",
            json!({"i": item, "l": loc}),
            Some(token),
        )
        .await;
    let moves = data["stockMovements"]["nodes"].as_array().unwrap().clone();
    let key = |m: &Value| {
        (
            chrono::DateTime::parse_from_rfc3339(m["occurredAt"].as_str().unwrap()).unwrap(),
            m["id"].as_str().unwrap().to_owned(),
        )
    };
    let last_count = moves
        .iter()
        .filter(|m| m["kind"] == "COUNT_CORRECTION")
        .max_by_key(|m| key(m));
    let start = last_count.map_or(0, |c| milli(&c["counted"]));
    start
        + moves
            .iter()
            .filter(|m| m["kind"] != "COUNT_CORRECTION")
            .filter(|m| last_count.is_none_or(|c| key(m) > key(c)))
            .map(|m| milli(&m["quantity"]))
            .sum::<i64>()
}
