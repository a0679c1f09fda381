//! What `/v1/pos` refuses: a cashier's discounts and refunds, other tenants' tickets,
//! bad input.

use super::*;

#[tokio::test]
async fn rest_a_cashier_cannot_discount_or_refund() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-cashier").await;
    let owner = Rest::new(&server, &c.shop.owner_token);
    let (_, cashier) = server.staff(&c.shop, "cashier").await;
    let till = Rest::new(&server, &cashier);
    let (id, t) = till
        .open_with_line(&c.location, "Till 1", json!({"menuItemId": c.croissant}))
        .await;
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
        .try_refund(
            &s(&paid["payment"]["id"]),
            "till-1-refund",
            json!({"reason": "asked"}),
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
    let shift = s(&api.open_shift(&c.location, 0).await["id"]);
    let (id, t) = api
        .open_with_line(&c.location, "Mine", json!({"menuItemId": c.croissant}))
        .await;
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
    let (id, t) = api
        .open_with_line(
            &c.location,
            "Bad",
            json!({"menuItemId": c.latte, "modifierIds": [c.soy]}),
        )
        .await;
    let lines = format!("/v1/pos/tickets/{id}/lines");
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
        .try_pay(&id, "cheque", json!({"method": "CHEQUE"}))
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
        .try_pay(
            &id,
            "pay-voided",
            json!({"method": "CARD", "cardToken": "tok_visa"}),
        )
        .await;
    assert_code(status, &answer, 409, "CONFLICT");
    let (status, answer) = api.post(&lines, json!({"menuItemId": c.croissant})).await;
    assert_code(status, &answer, 409, "CONFLICT");
    let (status, answer) = api.try_settle(&id).await;
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
