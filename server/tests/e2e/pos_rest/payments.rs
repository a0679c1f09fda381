//! Payments over REST: the idempotency key header and refunds that restock.

use super::*;

#[tokio::test]
async fn rest_payments_honour_the_idempotency_key_header() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-idem").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let (id, t) = api
        .open_with_line(
            &c.location,
            "Terminal 7",
            json!({"menuItemId": c.croissant, "quantity": 3}),
        )
        .await;
    let total = n(&t["totalMinor"]);
    let path = format!("/v1/pos/tickets/{id}/payments");
    let body = json!({"method": "CARD", "amountMinor": 500, "cardToken": "tok_mastercard"});
    let key = "terminal-7-attempt-1";

    let (first_status, first) = api.try_pay(&id, key, body.clone()).await;
    assert_eq!(first_status, 201, "{first}");
    let (again_status, again) = api.try_pay(&id, key, body.clone()).await;
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
    let (status, answer) = api.try_pay(&id, key, other).await;
    assert_code(status, &answer, 409, "CONFLICT");

    // No key is VALIDATION naming the header; so is a key that is not one.
    let (status, answer) = api.post(&path, body.clone()).await;
    assert_invalid(status, &answer, "Idempotency-Key");
    let long = "k".repeat(300);
    let (status, answer) = api.try_pay(&id, &long, body.clone()).await;
    assert_code(status, &answer, 400, "VALIDATION");
    assert_eq!(
        api.ticket(&id).await["payments"].as_array().unwrap().len(),
        1
    );

    // Not fully paid: settling is a conflict that says what is left.
    let (status, answer) = api.try_settle(&id).await;
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
    let settled = api.settle_with_key(&id, "settle-terminal-7").await;
    assert_eq!(settled["status"], "SETTLED");
    let again = api.settle_with_key(&id, "settle-terminal-7").await;
    assert_eq!(again["version"], settled["version"]);
    assert_eq!(again["payments"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn rest_refund_with_restock_puts_the_goods_back() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-rest-refund").await;
    let api = Rest::new(&server, &c.shop.owner_token);
    let (id, t) = api
        .open_with_line(
            &c.location,
            "Window",
            json!({"menuItemId": c.croissant, "quantity": 2}),
        )
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
        .try_refund(
            &payment,
            "refund-window-2",
            json!({"amountMinor": 100_000, "reason": "again"}),
        )
        .await;
    assert_invalid(status, &answer, "amountMinor");
    assert_eq!(api.ticket(&id).await["refundedMinor"], 150);
}
