//! `/v1/pos` over HTTP, as a till or an integrator would use it: the same
//! point-of-sale services as GraphQL behind thin handlers.

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

#[tokio::test]
async fn rest_sale_with_modifiers_split_tender_and_receipt() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-sale").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let shift = api
        .ok(
            Method::POST,
            "/v1/pos/shifts",
            Some(json!({"locationId": c.location, "openingFloatMinor": 10000, "currency": "EUR"})),
            201,
        )
        .await;
    assert_eq!(shift["status"], "OPEN");

    // Open, with a service charge, and the ticket comes back with its (no) lines.
    let opened = api
        .ok(
            Method::POST,
            "/v1/pos/tickets",
            Some(json!({"locationId": c.location, "label": "Table 9", "serviceChargeBp": 1000})),
            201,
        )
        .await;
    let id = s(&opened["id"]);
    assert_eq!(opened["status"], "OPEN");
    assert_eq!(opened["label"], "Table 9");
    assert_eq!(opened["lines"], json!([]));
    assert_eq!(opened["payments"], json!([]));
    assert_eq!(opened["refunds"], json!([]));
    let lines = format!("/v1/pos/tickets/{id}/lines");

    // Two lines: two large oat lattes, a croissant.
    let t = api
        .add_line(
            &id,
            json!({"menuItemId": c.latte, "variantId": c.large, "modifierIds": [c.oat], "quantity": 2,
                   "note": "extra hot", "expectedVersion": opened["version"]}),
        )
        .await;
    assert_eq!(t["lines"].as_array().unwrap().len(), 1, "{t}");
    let latte = &t["lines"][0];
    assert_eq!(latte["quantity"], 2);
    assert_eq!(latte["variantName"], "Large");
    assert_eq!(latte["modifiers"][0]["name"], "Oat");
    assert_eq!(latte["grossMinor"], 900, "2 × (350 + 60 + 40)");
    assert_eq!(t["currency"], "EUR");
    let t = api.add_line(&id, json!({"menuItemId": c.croissant})).await;
    assert_eq!(t["lines"].as_array().unwrap().len(), 2, "{t}");
    assert_eq!(t["lines"][1]["quantity"], 1, "one when left out");
    let croissant = s(&t["lines"][1]["id"]);
    assert!(n(&t["serviceChargeMinor"]) > 0, "{t}");

    // A stale version is a conflict.
    let (status, body) = api
        .post(
            &lines,
            json!({"menuItemId": c.croissant, "expectedVersion": opened["version"]}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");

    // Change the croissant line, then add and void a third line.
    let t = api
        .ok(
            Method::PATCH,
            &format!("{lines}/{croissant}"),
            Some(json!({"quantity": 2, "note": "warm"})),
            200,
        )
        .await;
    assert_eq!(t["lines"][1]["quantity"], 2);
    assert_eq!(t["lines"][1]["note"], "warm");
    let t = api
        .ok(
            Method::PATCH,
            &format!("{lines}/{croissant}"),
            Some(json!({"quantity": 1, "expectedVersion": t["version"]})),
            200,
        )
        .await;
    assert_eq!(t["lines"][1]["grossMinor"], 300);
    let before_extra = n(&t["totalMinor"]);
    let t = api.add_line(&id, json!({"menuItemId": c.croissant})).await;
    let extra = s(&t["lines"][2]["id"]);
    let t = api
        .ok(
            Method::POST,
            &format!("{lines}/{extra}/void"),
            Some(json!({"reason": "wrong button"})),
            200,
        )
        .await;
    assert_eq!(t["lines"][2]["status"], "VOIDED");
    assert_eq!(n(&t["totalMinor"]), before_extra);

    // Relabel: `null` clears the label; the service charge goes.
    let t = api
        .ok(
            Method::PATCH,
            &format!("/v1/pos/tickets/{id}"),
            Some(json!({"label": null, "serviceChargeBp": 0, "expectedVersion": t["version"]})),
            200,
        )
        .await;
    assert_eq!(t["label"], Value::Null, "{t}");
    assert_eq!(t["serviceChargeMinor"], 0);
    // A new label; leaving it out later keeps it.
    let t = api
        .ok(
            Method::PATCH,
            &format!("/v1/pos/tickets/{id}"),
            Some(json!({"label": "Bar 2"})),
            200,
        )
        .await;
    assert_eq!(t["label"], "Bar 2");
    let t = api
        .ok(
            Method::PATCH,
            &format!("/v1/pos/tickets/{id}"),
            Some(json!({"serviceChargeBp": 0})),
            200,
        )
        .await;
    assert_eq!(t["label"], "Bar 2");

    // To the kitchen.
    let t = api
        .ok(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/send"),
            Some(json!({})),
            200,
        )
        .await;
    assert!(t["sentAt"].is_string(), "{t}");
    assert!(t["lines"][0]["sentAt"].is_string(), "{t}");
    let total = n(&t["totalMinor"]);
    assert_eq!(t["subtotalMinor"], 1200, "900 of lattes, a 300 croissant");
    assert_eq!(
        total,
        1200 + n(&t["taxMinor"]),
        "no discount, no service charge now"
    );

    // Split tender: part by card with a tip, the rest in cash with change.
    let card = api
        .pay(
            &id,
            "rest-sale-card",
            json!({"method": "CARD", "amountMinor": 700, "tipMinor": 100, "cardToken": "tok_visa"}),
        )
        .await;
    assert_eq!(card["payment"]["method"], "CARD");
    assert_eq!(card["payment"]["cardLast4"], "4242");
    assert_eq!(card["payment"]["tipMinor"], 100);
    assert_eq!(card["ticket"]["balanceMinor"], total - 700);
    assert_eq!(
        card["ticket"]["status"], "OPEN",
        "a partial payment leaves it open"
    );
    let cash = api
        .pay(
            &id,
            "rest-sale-cash",
            json!({"method": "CASH", "tenderedMinor": 2000}),
        )
        .await;
    assert_eq!(cash["payment"]["amountMinor"], total - 700);
    assert_eq!(cash["changeDueMinor"], 2000 - (total - 700));
    assert_eq!(cash["ticket"]["balanceMinor"], 0);
    let settled = api.settle(&id).await;
    assert_eq!(settled["status"], "SETTLED");
    assert!(settled["settledAt"].is_string());
    assert_eq!(
        api.settle(&id).await["version"],
        settled["version"],
        "settling again is harmless"
    );

    // The ticket, with everything embedded.
    let t = api.ticket(&id).await;
    assert_eq!(t["status"], "SETTLED");
    assert_eq!(t["paidMinor"], total);
    assert_eq!(t["tipMinor"], 100);
    assert_eq!(t["balanceMinor"], 0);
    let got_lines = t["lines"].as_array().unwrap();
    assert_eq!(got_lines.len(), 3, "voided lines included: {t}");
    assert_eq!(got_lines[0]["modifiers"][0]["name"], "Oat");
    assert_eq!(got_lines[0]["ticketId"], id.as_str());
    let paid: Vec<(String, i64)> = t["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (s(&p["method"]), n(&p["amountMinor"])))
        .collect();
    assert_eq!(
        paid,
        [("CARD".to_owned(), 700), ("CASH".to_owned(), total - 700)]
    );
    assert_eq!(t["payments"][1]["changeMinor"], 2000 - (total - 700));
    assert_eq!(t["refunds"], json!([]));
    let payment = api
        .ok(
            Method::GET,
            &format!("/v1/pos/payments/{}", s(&card["payment"]["id"])),
            None,
            200,
        )
        .await;
    assert_eq!(payment["cardBrand"], "visa");
    assert_eq!(payment["amountMinor"], 700);

    // The receipt, for people, printers and browsers.
    let receipt = api
        .ok(
            Method::GET,
            &format!("/v1/pos/tickets/{id}/receipt"),
            None,
            200,
        )
        .await;
    assert_eq!(receipt["totalMinor"], total);
    assert_eq!(receipt["duplicate"], false);
    assert_eq!(
        receipt["lines"].as_array().unwrap().len(),
        2,
        "voided lines are not printed"
    );
    let (status, content_type, text) = api.text(&format!("/v1/pos/tickets/{id}/receipt.txt")).await;
    assert_eq!(status, 200, "{text}");
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    for needle in [
        "2 x Latte (Large)",
        "+ Oat",
        "TOTAL",
        money(total).as_str(),
        "Card visa ****4242",
        "Change",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    assert_eq!(text, s(&receipt["text"]));
    let (status, content_type, html) = api
        .text(&format!("/v1/pos/tickets/{id}/receipt.html"))
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        html.contains("<table>") && html.contains(&money(total)),
        "{html}"
    );
    let reprint = api
        .ok(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/receipt/reprint"),
            None,
            200,
        )
        .await;
    assert_eq!(reprint["duplicate"], true);
    assert!(s(&reprint["text"]).starts_with("*** DUPLICATE ***"));
    let queued = api
        .ok(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/receipt/email"),
            Some(json!({"email": "guest@example.com"})),
            202,
        )
        .await;
    assert_eq!(queued, json!({"queued": true}));
    let (status, body) = api
        .post(
            &format!("/v1/pos/tickets/{id}/receipt/email"),
            json!({"email": "not-an-address"}),
        )
        .await;
    assert_invalid(status, &body, "email");

    // The list embeds lines and payments too, and pages.
    let second = api.open_ticket(&c, "Takeaway").await;
    let day = s(&t["businessDay"]);
    let location = &c.location;
    let page = api
        .ok(
            Method::GET,
            &format!("/v1/pos/tickets?locationId={location}&status=SETTLED&businessDay={day}"),
            None,
            200,
        )
        .await;
    assert_eq!(page.as_array().unwrap().len(), 1, "{page}");
    assert_eq!(page[0]["id"], id.as_str());
    assert_eq!(page[0]["lines"].as_array().unwrap().len(), 3);
    assert_eq!(page[0]["payments"].as_array().unwrap().len(), 2);
    let (status, first) = api.get("/v1/pos/tickets?first=1").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["data"][0]["id"], id.as_str());
    assert_eq!(first["pagination"]["hasNextPage"], true);
    let cursor = s(&first["pagination"]["endCursor"]);
    let (_, next) = api
        .get(&format!("/v1/pos/tickets?first=1&after={cursor}"))
        .await;
    assert_eq!(next["data"][0]["id"], second["id"]);
    assert_eq!(next["data"][0]["lines"], json!([]));
    assert_eq!(next["pagination"]["hasNextPage"], false);
    let none = api
        .ok(
            Method::GET,
            "/v1/pos/tickets?businessDay=2001-01-01",
            None,
            200,
        )
        .await;
    assert_eq!(none, json!([]));
}

#[tokio::test]
async fn rest_payments_honour_the_idempotency_key_header() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-idem").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let t = api.open_ticket(&c, "Terminal 7").await;
    let id = s(&t["id"]);
    let t = api
        .add_line(&id, json!({"menuItemId": c.croissant, "quantity": 3}))
        .await;
    let total = n(&t["totalMinor"]);
    let path = format!("/v1/pos/tickets/{id}/payments");
    let body = json!({"method": "CARD", "amountMinor": 500, "cardToken": "tok_mastercard"});
    let key = [("Idempotency-Key", "terminal-7-attempt-1")];

    let (first_status, first) = api
        .send(Method::POST, &path, Some(body.clone()), &key)
        .await;
    assert_eq!(first_status, 201, "{first}");
    let (again_status, again) = api
        .send(Method::POST, &path, Some(body.clone()), &key)
        .await;
    assert_eq!(again_status, 201, "{again}");
    assert_eq!(
        again["data"]["payment"]["id"],
        first["data"]["payment"]["id"]
    );
    assert_eq!(
        again["data"], first["data"],
        "a retry answers the first result"
    );
    let t = api.ticket(&id).await;
    assert_eq!(t["payments"].as_array().unwrap().len(), 1, "{t}");
    assert_eq!(t["paidMinor"], 500);

    // The same key with another body is a conflict, and charges nothing.
    let mut other = body.clone();
    other["amountMinor"] = json!(400);
    let (status, answer) = api.send(Method::POST, &path, Some(other), &key).await;
    assert_code(status, &answer, 409, "CONFLICT");

    // No key is VALIDATION naming the header; so is a key that is not one.
    let (status, answer) = api.post(&path, body.clone()).await;
    assert_invalid(status, &answer, "Idempotency-Key");
    let long = "k".repeat(300);
    let (status, answer) = api
        .send(
            Method::POST,
            &path,
            Some(body.clone()),
            &[("Idempotency-Key", long.as_str())],
        )
        .await;
    assert_code(status, &answer, 400, "VALIDATION");
    assert_eq!(
        api.ticket(&id).await["payments"].as_array().unwrap().len(),
        1
    );

    // Not fully paid: settling is a conflict that says what is left.
    let (status, answer) = api
        .send(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/settle"),
            None,
            &[],
        )
        .await;
    assert_code(status, &answer, 409, "CONFLICT");
    assert_eq!(answer["error"]["details"]["balanceMinor"], total - 500);

    // Another key is another payment; a settle with a key answers the same twice.
    let rest = api
        .pay(
            &id,
            "terminal-7-attempt-2",
            json!({"method": "CARD", "cardToken": "tok_amex"}),
        )
        .await;
    assert_eq!(rest["payment"]["amountMinor"], total - 500);
    assert_ne!(rest["payment"]["id"], first["data"]["payment"]["id"]);
    let settle_key = [("Idempotency-Key", "settle-terminal-7")];
    let settled = api
        .ok_with(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/settle"),
            None,
            &settle_key,
            200,
        )
        .await;
    assert_eq!(settled["status"], "SETTLED");
    let again = api
        .ok_with(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/settle"),
            None,
            &settle_key,
            200,
        )
        .await;
    assert_eq!(again["version"], settled["version"]);
    assert_eq!(again["payments"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn rest_refund_with_restock_puts_the_goods_back() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-refund").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let t = api.open_ticket(&c, "Window").await;
    let id = s(&t["id"]);
    let t = api
        .add_line(&id, json!({"menuItemId": c.croissant, "quantity": 2}))
        .await;
    let line = s(&t["lines"][0]["id"]);
    let paid = api
        .pay(
            &id,
            "refund-sale",
            json!({"method": "CARD", "cardToken": "tok_visa"}),
        )
        .await;
    let payment = s(&paid["payment"]["id"]);
    api.settle(&id).await;
    api.wait_on_hand(&c.croissant_stock, &c.location, "8").await;

    let path = format!("/v1/pos/payments/{payment}/refunds");
    let body = json!({"amountMinor": 150, "reason": "stale croissant", "restock": true,
                      "lines": [{"lineId": line, "quantity": 1}]});
    // The key is required here too.
    let (status, answer) = api.post(&path, body.clone()).await;
    assert_invalid(status, &answer, "Idempotency-Key");
    let key = [("Idempotency-Key", "refund-window-1")];
    let refund = api
        .ok_with(Method::POST, &path, Some(body.clone()), &key, 201)
        .await;
    assert_eq!(refund["refund"]["amountMinor"], 150);
    assert_eq!(refund["refund"]["restock"], true);
    assert_eq!(
        refund["refund"]["lines"],
        json!([{"lineId": line, "quantity": 1}])
    );
    assert_eq!(refund["ticket"]["refundedMinor"], 150);
    let again = api
        .ok_with(Method::POST, &path, Some(body), &key, 201)
        .await;
    assert_eq!(again["refund"]["id"], refund["refund"]["id"]);

    let p = api
        .ok(
            Method::GET,
            &format!("/v1/pos/payments/{payment}"),
            None,
            200,
        )
        .await;
    assert_eq!(p["refundedMinor"], 150);
    let t = api.ticket(&id).await;
    assert_eq!(t["refundedMinor"], 150);
    assert_eq!(t["refunds"].as_array().unwrap().len(), 1, "{t}");
    assert_eq!(t["refunds"][0]["reason"], "stale croissant");
    assert_eq!(t["lines"][0]["returned"], 1);
    api.wait_on_hand(&c.croissant_stock, &c.location, "9").await;

    // More than is left is refused, naming the amount.
    let (status, answer) = api
        .send(
            Method::POST,
            &path,
            Some(json!({"amountMinor": 100_000, "reason": "again"})),
            &[("Idempotency-Key", "refund-window-2")],
        )
        .await;
    assert_invalid(status, &answer, "amountMinor");
    assert_eq!(api.ticket(&id).await["refundedMinor"], 150);
}

#[tokio::test]
async fn rest_shift_closes_with_a_z_report_and_its_variance() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-shift").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let location = c.location.clone();
    let shift = api
        .ok(
            Method::POST,
            "/v1/pos/shifts",
            Some(json!({"locationId": location, "openingFloatMinor": 10000, "currency": "EUR"})),
            201,
        )
        .await;
    let id = s(&shift["id"]);
    assert_eq!(shift["status"], "OPEN");
    assert_eq!(shift["openingFloatMinor"], 10000);
    let (status, body) = api
        .post(
            "/v1/pos/shifts",
            json!({"locationId": location, "openingFloatMinor": 0, "currency": "EUR"}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");
    let open = api
        .ok(
            Method::GET,
            &format!("/v1/pos/shifts?locationId={location}&status=OPEN"),
            None,
            200,
        )
        .await;
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert_eq!(open[0]["id"], id.as_str());
    let (status, body) = api.get("/v1/pos/shifts?status=PAUSED").await;
    assert_invalid(status, &body, "status");

    // Cash in and out of the drawer.
    let moves = format!("/v1/pos/shifts/{id}/cash-movements");
    for (kind, amount) in [("IN", 2000), ("OUT", 500)] {
        let m = api
            .ok(
                Method::POST,
                &moves,
                Some(json!({"kind": kind, "amountMinor": amount, "reason": "change"})),
                201,
            )
            .await;
        assert_eq!(m["kind"], kind);
        assert_eq!(m["shiftId"], id.as_str());
    }
    let (status, body) = api
        .post(
            &moves,
            json!({"kind": "SIDEWAYS", "amountMinor": 1, "reason": "x"}),
        )
        .await;
    assert_invalid(status, &body, "kind");
    let (status, body) = api
        .post(
            &moves,
            json!({"kind": "IN", "amountMinor": 0, "reason": "x"}),
        )
        .await;
    assert_invalid(status, &body, "amountMinor");

    // One cash sale.
    let t = api.open_ticket(&c, "Counter").await;
    let ticket = s(&t["id"]);
    let t = api
        .add_line(&ticket, json!({"menuItemId": c.croissant, "quantity": 2}))
        .await;
    let total = n(&t["totalMinor"]);
    let paid = api
        .pay(
            &ticket,
            "shift-cash",
            json!({"method": "CASH", "tenderedMinor": 2000}),
        )
        .await;
    assert_eq!(paid["payment"]["shiftId"], id.as_str());
    api.settle(&ticket).await;

    let report = format!("/v1/pos/shifts/{id}/report");
    let x = api.ok(Method::GET, &report, None, 200).await;
    let expected = 10000 + total + 2000 - 500;
    assert_eq!(x["kind"], "X");
    assert_eq!(x["ticketsSettled"], 1);
    assert_eq!(x["totalSalesMinor"], total);
    assert_eq!(x["cashPaymentsMinor"], total);
    assert_eq!(x["cashInMinor"], 2000);
    assert_eq!(x["cashOutMinor"], 500);
    assert_eq!(x["expectedCashMinor"], expected);
    assert_eq!(x["varianceMinor"], Value::Null);

    // Close 20 cents short.
    let z = api
        .ok(
            Method::POST,
            &format!("/v1/pos/shifts/{id}/close"),
            Some(json!({"countedCashMinor": expected - 20, "note": "short 20 cents"})),
            200,
        )
        .await;
    assert_eq!(z["kind"], "Z");
    assert_eq!(z["expectedCashMinor"], expected);
    assert_eq!(z["countedCashMinor"], expected - 20);
    assert_eq!(z["varianceMinor"], -20);
    let closed = api
        .ok(Method::GET, &format!("/v1/pos/shifts/{id}"), None, 200)
        .await;
    assert_eq!(closed["status"], "CLOSED");
    assert_eq!(closed["varianceMinor"], -20);
    assert_eq!(closed["closeNote"], "short 20 cents");
    let again = api.ok(Method::GET, &report, None, 200).await;
    assert_eq!(again["kind"], "Z");
    assert_eq!(again["varianceMinor"], -20);
    assert_eq!(again["totalSalesMinor"], total);
    let (status, body) = api
        .post(
            &format!("/v1/pos/shifts/{id}/close"),
            json!({"countedCashMinor": 0}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");
    let (status, body) = api
        .post(
            &moves,
            json!({"kind": "IN", "amountMinor": 100, "reason": "late"}),
        )
        .await;
    assert_code(status, &body, 409, "CONFLICT");
    let closed_list = api
        .ok(
            Method::GET,
            &format!("/v1/pos/shifts?locationId={location}&status=CLOSED"),
            None,
            200,
        )
        .await;
    assert_eq!(closed_list[0]["id"], id.as_str());
}

#[tokio::test]
async fn rest_a_cashier_cannot_discount_or_refund() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-cashier").await;
    let owner = Rest::new(&server, &c.shop.owner_token);
    let (_, cashier) = server.staff(&c.shop, "cashier").await;
    let till = Rest::new(&server, &cashier);
    let t = till.open_ticket(&c, "Till 1").await;
    let id = s(&t["id"]);
    let t = till.add_line(&id, json!({"menuItemId": c.croissant})).await;
    let line = s(&t["lines"][0]["id"]);
    let before = till.ticket(&id).await;

    for (path, body, permission) in [
        (
            format!("/v1/pos/tickets/{id}/discount"),
            json!({"amountMinor": 100, "reason": "friend"}),
            "pos.ticket.discount",
        ),
        (
            format!("/v1/pos/tickets/{id}/lines/{line}/discount"),
            json!({"percentBp": 5000}),
            "pos.ticket.discount",
        ),
    ] {
        let (status, answer) = till.put(&path, body).await;
        assert_code(status, &answer, 403, "AUTHZ");
        assert_eq!(answer["error"]["details"]["permission"], permission);
    }
    let (status, answer) = till
        .post(
            &format!("/v1/pos/tickets/{id}/void"),
            json!({"reason": "walked out"}),
        )
        .await;
    assert_code(status, &answer, 403, "AUTHZ");
    assert_eq!(till.ticket(&id).await, before, "nothing changed");

    // The owner may: a line discount, a ticket discount, and `{}` removes it.
    let t = owner
        .ok(
            Method::PUT,
            &format!("/v1/pos/tickets/{id}/lines/{line}/discount"),
            Some(json!({"percentBp": 1000, "reason": "regular"})),
            200,
        )
        .await;
    assert_eq!(
        t["lines"][0]["discount"],
        json!({"kind": "PERCENT", "value": 1000, "reason": "regular"})
    );
    assert_eq!(t["lines"][0]["discountMinor"], 30);
    let t = owner
        .ok(
            Method::PUT,
            &format!("/v1/pos/tickets/{id}/discount"),
            Some(json!({"amountMinor": 20})),
            200,
        )
        .await;
    assert_eq!(t["discount"]["kind"], "AMOUNT");
    assert_eq!(t["discountMinor"], 50);
    let t = owner
        .ok(
            Method::PUT,
            &format!("/v1/pos/tickets/{id}/discount"),
            Some(json!({})),
            200,
        )
        .await;
    assert_eq!(t["discount"], Value::Null);
    assert_eq!(t["discountMinor"], 30);

    // The cashier takes the money but cannot give it back.
    let paid = till
        .pay(
            &id,
            "till-1-sale",
            json!({"method": "CARD", "cardToken": "tok_visa"}),
        )
        .await;
    till.settle(&id).await;
    let (status, answer) = till
        .send(
            Method::POST,
            &format!("/v1/pos/payments/{}/refunds", s(&paid["payment"]["id"])),
            Some(json!({"reason": "asked"})),
            &[("Idempotency-Key", "till-1-refund")],
        )
        .await;
    assert_code(status, &answer, 403, "AUTHZ");
    assert_eq!(
        answer["error"]["details"]["permission"],
        "pos.payment.refund"
    );
    assert_eq!(till.ticket(&id).await["refundedMinor"], 0);
}

#[tokio::test]
async fn rest_pos_keeps_tenants_apart() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-iso").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let shift = s(&api
        .ok(
            Method::POST,
            "/v1/pos/shifts",
            Some(json!({"locationId": c.location, "openingFloatMinor": 0, "currency": "EUR"})),
            201,
        )
        .await["id"]);
    let t = api.open_ticket(&c, "Mine").await;
    let id = s(&t["id"]);
    let t = api.add_line(&id, json!({"menuItemId": c.croissant})).await;
    let line = s(&t["lines"][0]["id"]);
    let paid = api
        .pay(
            &id,
            "iso-sale",
            json!({"method": "CARD", "cardToken": "tok_visa"}),
        )
        .await;
    let payment = s(&paid["payment"]["id"]);
    let settled = api.settle(&id).await;

    let other = server.tenant("pos-rest-iso-b").await;
    let them = Rest::new(&server, &other.owner_token);
    let key = [("Idempotency-Key", "theirs-1")];
    let probes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/v1/pos/tickets/{id}"), None),
        (
            Method::PATCH,
            format!("/v1/pos/tickets/{id}"),
            Some(json!({"label": "theirs"})),
        ),
        (
            Method::POST,
            format!("/v1/pos/tickets/{id}/lines"),
            Some(json!({"menuItemId": c.croissant})),
        ),
        (
            Method::PATCH,
            format!("/v1/pos/tickets/{id}/lines/{line}"),
            Some(json!({"quantity": 5})),
        ),
        (
            Method::POST,
            format!("/v1/pos/tickets/{id}/payments"),
            Some(json!({"method": "CARD", "cardToken": "tok_visa"})),
        ),
        (Method::POST, format!("/v1/pos/tickets/{id}/settle"), None),
        (
            Method::POST,
            format!("/v1/pos/tickets/{id}/void"),
            Some(json!({"reason": "theirs"})),
        ),
        (Method::GET, format!("/v1/pos/tickets/{id}/receipt"), None),
        (
            Method::GET,
            format!("/v1/pos/tickets/{id}/receipt.txt"),
            None,
        ),
        (
            Method::POST,
            format!("/v1/pos/tickets/{id}/receipt/email"),
            Some(json!({"email": "spy@example.com"})),
        ),
        (Method::GET, format!("/v1/pos/payments/{payment}"), None),
        (
            Method::POST,
            format!("/v1/pos/payments/{payment}/refunds"),
            Some(json!({"reason": "theirs"})),
        ),
        (Method::GET, format!("/v1/pos/shifts/{shift}"), None),
        (Method::GET, format!("/v1/pos/shifts/{shift}/report"), None),
        (
            Method::POST,
            format!("/v1/pos/shifts/{shift}/close"),
            Some(json!({"countedCashMinor": 0})),
        ),
    ];
    for (method, path, body) in probes {
        let (status, answer) = them.send(method.clone(), &path, body, &key).await;
        assert_eq!(
            (status, &answer["error"]["code"]),
            (404, &json!("NOT_FOUND")),
            "{method} {path}: {answer}"
        );
    }
    let theirs = them.ok(Method::GET, "/v1/pos/tickets", None, 200).await;
    assert_eq!(theirs, json!([]));
    let theirs = them.ok(Method::GET, "/v1/pos/shifts", None, 200).await;
    assert_eq!(theirs, json!([]));
    let (status, body) = them
        .post("/v1/pos/tickets", json!({"locationId": c.location}))
        .await;
    assert_invalid(status, &body, "locationId");

    // Nothing of ours moved.
    let t = api.ticket(&id).await;
    assert_eq!(t["version"], settled["version"]);
    assert_eq!(t["refundedMinor"], 0);
    assert_eq!(t["label"], "Mine");
    let s2 = api
        .ok(Method::GET, &format!("/v1/pos/shifts/{shift}"), None, 200)
        .await;
    assert_eq!(s2["status"], "OPEN");
}

#[tokio::test]
async fn rest_pos_bad_input_is_refused() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-bad").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let t = api.open_ticket(&c, "Bad").await;
    let id = s(&t["id"]);
    let lines = format!("/v1/pos/tickets/{id}/lines");
    let t = api
        .add_line(&id, json!({"menuItemId": c.latte, "modifierIds": [c.soy]}))
        .await;
    let version = t["version"].clone();

    for (what, body, field) in [
        (
            "zero quantity",
            json!({"menuItemId": c.latte, "quantity": 0}),
            "quantity",
        ),
        (
            "quantity as text",
            json!({"menuItemId": c.latte, "quantity": "two"}),
            "quantity",
        ),
        ("no item", json!({"quantity": 1}), "menuItemId"),
        (
            "an item id that is not a UUID",
            json!({"menuItemId": "latte"}),
            "menuItemId",
        ),
    ] {
        let (status, answer) = api.post(&lines, body).await;
        assert_eq!(status, 400, "{what}: {answer}");
        assert_invalid(status, &answer, field);
    }
    let (status, answer) = api
        .post(
            &lines,
            json!({"menuItemId": c.latte, "modifierIds": [c.oat, c.soy]}),
        )
        .await;
    assert_code(status, &answer, 400, "VALIDATION");
    let (status, answer) = api
        .send(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/payments"),
            Some(json!({"method": "CHEQUE"})),
            &[("Idempotency-Key", "cheque")],
        )
        .await;
    assert_invalid(status, &answer, "method");
    let (status, answer) = api
        .put(
            &format!("/v1/pos/tickets/{id}/discount"),
            json!({"percentBp": 1000, "amountMinor": 100}),
        )
        .await;
    assert_code(status, &answer, 400, "VALIDATION");
    let (status, answer) = api
        .put(
            &format!("/v1/pos/tickets/{id}/discount"),
            json!({"percentBp": 20000}),
        )
        .await;
    assert_invalid(status, &answer, "percentBp");
    let (status, answer) = api
        .post(&format!("/v1/pos/tickets/{id}/void"), json!({}))
        .await;
    assert_invalid(status, &answer, "reason");
    let (status, answer) = api.get("/v1/pos/tickets?status=PAID").await;
    assert_invalid(status, &answer, "status");
    let (status, answer) = api.get("/v1/pos/tickets?businessDay=yesterday").await;
    assert_invalid(status, &answer, "businessDay");
    let (status, answer) = api.get("/v1/pos/tickets/not-a-ticket").await;
    assert_invalid(status, &answer, "id");
    let (status, answer) = api
        .patch(
            &format!("/v1/pos/tickets/{id}/lines/{}", c.latte),
            json!({"quantity": 2}),
        )
        .await;
    assert_eq!(status, 404, "no such line: {answer}");
    assert_eq!(api.ticket(&id).await["version"], version, "nothing changed");

    // A voided ticket takes no more lines, payments or settling.
    let voided = api
        .ok(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/void"),
            Some(json!({"reason": "walked out", "expectedVersion": version})),
            200,
        )
        .await;
    assert_eq!(voided["status"], "VOIDED");
    assert_eq!(voided["voidReason"], "walked out");
    let (status, answer) = api
        .send(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/payments"),
            Some(json!({"method": "CARD", "cardToken": "tok_visa"})),
            &[("Idempotency-Key", "pay-voided")],
        )
        .await;
    assert_code(status, &answer, 409, "CONFLICT");
    let (status, answer) = api.post(&lines, json!({"menuItemId": c.croissant})).await;
    assert_code(status, &answer, 409, "CONFLICT");
    let (status, answer) = api
        .send(
            Method::POST,
            &format!("/v1/pos/tickets/{id}/settle"),
            None,
            &[],
        )
        .await;
    assert_code(status, &answer, 409, "CONFLICT");
    let (status, answer) = api
        .post(
            &format!("/v1/pos/tickets/{id}/receipt/email"),
            json!({"email": "guest@example.com"}),
        )
        .await;
    assert_code(status, &answer, 409, "CONFLICT");
    assert_eq!(api.ticket(&id).await["payments"], json!([]));
}

/// Data statements the server has run so far (transaction settings excluded).
async fn statements(server: &TestServer) -> u64 {
    let text = server
        .http
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("db_statements_total{") && l.contains("kind=\"query\""))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum::<f64>() as u64
}

#[tokio::test]
async fn rest_ticket_pages_embed_lines_payments_and_refunds_in_three_queries() {
    let server = ServerBuilder::new()
        .env("RUN_JOBS_IN_PROCESS", "false")
        .start()
        .await;
    let c = cafe(&server, "pos-rest-n-plus-one").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    for n in 0..20 {
        let t = api.open_ticket(&c, &format!("Table {n}")).await;
        let id = s(&t["id"]);
        api.add_line(&id, json!({"menuItemId": c.latte, "modifierIds": [c.oat]}))
            .await;
        api.add_line(&id, json!({"menuItemId": c.croissant, "quantity": 2}))
            .await;
        api.pay(
            &id,
            &format!("n-{n}"),
            json!({"method": "CARD", "amountMinor": 100, "cardToken": "tok_visa"}),
        )
        .await;
    }
    let cost = |path: String| {
        let api = &api;
        let server = &server;
        async move {
            let before = statements(server).await;
            let data = api.ok(Method::GET, &path, None, 200).await;
            (statements(server).await - before, data)
        }
    };
    // A page with nothing on it: authentication and the list query.
    let (empty, data) = cost(format!("/v1/pos/tickets?locationId={}", c.latte)).await;
    assert_eq!(data, json!([]));
    let (all, data) = cost("/v1/pos/tickets?first=100".to_owned()).await;
    let page = data.as_array().unwrap();
    assert_eq!(page.len(), 20);
    for t in page {
        assert_eq!(t["lines"].as_array().unwrap().len(), 2, "{t}");
        assert_eq!(t["payments"].as_array().unwrap().len(), 1, "{t}");
        assert_eq!(t["refunds"], json!([]));
    }
    assert_eq!(
        all - empty,
        3,
        "lines, payments and refunds: one query each for the page"
    );
    let (one, data) = cost("/v1/pos/tickets?first=1".to_owned()).await;
    assert_eq!(data.as_array().unwrap().len(), 1);
    assert_eq!(one, all, "statements grow with the page");
    let id = s(&page[7]["id"]);
    let (single, data) = cost(format!("/v1/pos/tickets/{id}")).await;
    assert_eq!(data["lines"].as_array().unwrap().len(), 2);
    assert_eq!(single, all, "one ticket costs what a page does");
}

#[tokio::test]
async fn rest_openapi_documents_pos() {
    let server = TestServer::start().await;
    let (status, _, doc) = server.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/v1/pos/tickets", "get"),
        ("/v1/pos/tickets", "post"),
        ("/v1/pos/tickets/{id}", "get"),
        ("/v1/pos/tickets/{id}", "patch"),
        ("/v1/pos/tickets/{id}/lines", "post"),
        ("/v1/pos/tickets/{id}/lines/{lineId}", "patch"),
        ("/v1/pos/tickets/{id}/lines/{lineId}/void", "post"),
        ("/v1/pos/tickets/{id}/lines/{lineId}/discount", "put"),
        ("/v1/pos/tickets/{id}/discount", "put"),
        ("/v1/pos/tickets/{id}/send", "post"),
        ("/v1/pos/tickets/{id}/void", "post"),
        ("/v1/pos/tickets/{id}/payments", "post"),
        ("/v1/pos/tickets/{id}/settle", "post"),
        ("/v1/pos/tickets/{id}/receipt", "get"),
        ("/v1/pos/tickets/{id}/receipt.txt", "get"),
        ("/v1/pos/tickets/{id}/receipt.html", "get"),
        ("/v1/pos/tickets/{id}/receipt/reprint", "post"),
        ("/v1/pos/tickets/{id}/receipt/email", "post"),
        ("/v1/pos/payments/{id}", "get"),
        ("/v1/pos/payments/{id}/refunds", "post"),
        ("/v1/pos/shifts", "get"),
        ("/v1/pos/shifts", "post"),
        ("/v1/pos/shifts/{id}", "get"),
        ("/v1/pos/shifts/{id}/cash-movements", "post"),
        ("/v1/pos/shifts/{id}/close", "post"),
        ("/v1/pos/shifts/{id}/report", "get"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path}");
        assert_eq!(op["security"], json!([{ "bearer": [] }]), "{method} {path}");
        assert_eq!(op["tags"], json!(["pos"]), "{method} {path}");
    }
    // No POS operation id is used twice in the document.
    let mut ids: std::collections::BTreeMap<String, usize> = Default::default();
    let mut pos_ids = Vec::new();
    for (path, item) in paths.as_object().unwrap() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op["operationId"].as_str() {
                *ids.entry(id.to_owned()).or_default() += 1;
                if path.starts_with("/v1/pos/") {
                    pos_ids.push(id.to_owned());
                }
            }
        }
    }
    assert_eq!(pos_ids.len(), 26);
    for id in pos_ids {
        assert_eq!(ids[&id], 1, "operation id {id} is not unique");
    }
    for (path, required) in [
        ("/v1/pos/tickets/{id}/payments", true),
        ("/v1/pos/payments/{id}/refunds", true),
        ("/v1/pos/tickets/{id}/settle", false),
    ] {
        let op = &paths[path]["post"];
        let header = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
            .unwrap_or_else(|| panic!("no Idempotency-Key on {path}: {op}"));
        assert_eq!(header["required"], required, "{path}");
    }
    assert!(
        paths["/v1/pos/tickets/{id}/receipt.txt"]["get"]["responses"]["200"]["content"]
            ["text/plain"]
            .is_object()
    );
    assert!(paths["/v1/pos/tickets/{id}/receipt/email"]["post"]["responses"]["202"].is_object());
    let params: Vec<&str> = paths["/v1/pos/tickets"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for name in ["locationId", "status", "businessDay", "first", "after"] {
        assert!(params.contains(&name), "{name} in {params:?}");
    }
    let schemas = &doc["components"]["schemas"];
    for schema in [
        "Ticket",
        "TicketHeader",
        "TicketLine",
        "ChosenModifier",
        "AppliedDiscount",
        "Payment",
        "Refund",
        "PaymentResult",
        "RefundResult",
        "Receipt",
        "Shift",
        "ShiftReport",
        "CashMovement",
    ] {
        assert!(schemas[schema].is_object(), "schema {schema}");
    }
    assert_eq!(
        schemas["TicketStatus"]["enum"],
        json!(["OPEN", "SETTLED", "VOIDED"])
    );
    assert_eq!(schemas["PaymentMethod"]["enum"], json!(["CASH", "CARD"]));
    assert_eq!(schemas["CashMovementKind"]["enum"], json!(["IN", "OUT"]));
    assert!(
        doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "pos")
    );
}
