//! What the till refuses: a cashier's discounts, refunds and voids; bad sales.

use super::*;

#[tokio::test]
async fn a_cashier_cannot_discount_refund_or_void() {
    let server = TestServer::start().await;
    let c = cafe(&server, "cashier").await;
    let (_, cashier) = server.staff(&c.shop, "cashier").await;
    let (id, t) = server
        .pos(&cashier)
        .open_with_line(&c.location, json!({"menuItemId": c.croissant}))
        .await;
    let line = s(&t["lines"][0]["id"]);
    let before = server.pos(&cashier).ticket(&id).await;
    for (what, doc, vars, permission) in [
        (
            "line discount",
            "mutation($i: SetDiscountInput!) { setTicketDiscount(input: $i) { id } }",
            json!({"i": {"ticketId": id, "lineId": line, "percentBp": 5000}}),
            "pos.ticket.discount",
        ),
        (
            "ticket discount",
            "mutation($i: SetDiscountInput!) { setTicketDiscount(input: $i) { id } }",
            json!({"i": {"ticketId": id, "amountMinor": 100}}),
            "pos.ticket.discount",
        ),
        (
            "void",
            "mutation($i: VoidTicketInput!) { voidTicket(input: $i) { id } }",
            json!({"i": {"ticketId": id, "reason": "walked out"}}),
            "pos.ticket.void",
        ),
    ] {
        let (code, body) = server.gql_err(doc, vars, Some(&cashier)).await;
        assert_eq!(code, "AUTHZ", "{what}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["details"]["permission"],
            permission
        );
    }
    assert_eq!(
        server.pos(&cashier).ticket(&id).await,
        before,
        "nothing changed"
    );
    let paid = server.pos(&cashier).pay(json!({"ticketId": id, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": "c-1"}),
    )
    .await;
    server.pos(&cashier).settle(&id).await;
    let (code, body) = server
        .gql_err(
            "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id } } }",
            json!({"i": {"paymentId": paid["payment"]["id"], "reason": "asked", "idempotencyKey": "r-1"}}),
            Some(&cashier),
        )
        .await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(server.pos(&cashier).ticket(&id).await["refundedMinor"], 0);
}

#[tokio::test]
async fn bad_sales_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-bad").await;
    let owner = c.shop.owner_token.clone();
    let o = Some(owner.as_str());
    let (id, _) = server
        .pos(&owner)
        .open_with_line(
            &c.location,
            json!({"menuItemId": c.latte, "modifierIds": [c.soy]}),
        )
        .await;
    let snapshot = server.pos(&owner).ticket(&id).await;
    let version = snapshot["version"].clone();
    // A dollar-priced item for the currency check.
    let category = server
        .gql_ok("{ menuCategories { id } }", json!({}), o)
        .await["menuCategories"][0]["id"]
        .clone();
    let dollars = s(&server
        .gql_ok(
            "mutation($i: CreateMenuItemInput!) { createMenuItem(input: $i) { id } }",
            json!({"i": {"categoryId": category, "sku": "USD-TEA", "name": "Tea", "priceMinor": 200, "currency": "USD", "taxRateBp": 0}}),
            o,
        )
        .await["createMenuItem"]["id"]);
    let line = |extra: Value| {
        let mut input = json!({"ticketId": id, "menuItemId": c.latte});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({"i": input})
    };
    for (what, vars) in [
        ("zero quantity", line(json!({"quantity": 0}))),
        ("negative quantity", line(json!({"quantity": -2}))),
        (
            "unknown modifier",
            line(json!({"modifierIds": [c.location]})),
        ),
        ("two milks", line(json!({"modifierIds": [c.oat, c.soy]}))),
        ("three extras", line(json!({"modifierIds": c.extras}))),
        (
            "the same modifier twice",
            line(json!({"modifierIds": [c.oat, c.oat]})),
        ),
        (
            "another item's variant",
            line(json!({"menuItemId": c.croissant, "variantId": c.large})),
        ),
        ("currency mismatch", line(json!({"menuItemId": dollars}))),
        ("unknown item", line(json!({"menuItemId": c.location}))),
    ] {
        let (code, body) = server.gql_err(ADD_LINE, vars, o).await;
        assert_eq!(code, "VALIDATION", "{what}: {body}");
    }
    let (code, _) = server
        .gql_err(
            ADD_LINE,
            line(json!({"expectedVersion": version.as_i64().unwrap() - 1})),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT", "a stale version");
    let card = |extra: Value| {
        let mut input = json!({"ticketId": id, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": "bad"});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({"i": input})
    };
    for (what, vars) in [
        ("overpaying a card", card(json!({"amountMinor": 100000}))),
        ("a zero payment", card(json!({"amountMinor": 0}))),
        ("a negative tip", card(json!({"tipMinor": -5}))),
        (
            "a declined card",
            card(json!({"cardToken": "tok_declined"})),
        ),
        (
            "an unknown token",
            card(json!({"cardToken": "4111111111111111"})),
        ),
        ("no key", card(json!({"idempotencyKey": ""}))),
    ] {
        let (code, body) = server.gql_err(PAY, vars, o).await;
        assert_eq!(code, "VALIDATION", "{what}: {body}");
    }
    let (code, _) = server
        .gql_err(
            "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { id } }",
            json!({"i": {"ticketId": id}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT", "settling an unpaid ticket");
    assert_eq!(
        server.pos(&owner).ticket(&id).await,
        snapshot,
        "nothing changed"
    );

    // A voided ticket takes no payment.
    server
        .gql_ok(
            "mutation($i: VoidTicketInput!) { voidTicket(input: $i) { status } }",
            json!({"i": {"ticketId": id, "reason": "wrong table"}}),
            o,
        )
        .await;
    let (code, _) = server
        .gql_err(PAY, card(json!({"idempotencyKey": "after-void"})), o)
        .await;
    assert_eq!(code, "CONFLICT", "paying a voided ticket");
    let (code, _) = server.gql_err(ADD_LINE, line(json!({})), o).await;
    assert_eq!(code, "CONFLICT", "adding to a voided ticket");
    let mut conn = server.db.owner().await;
    let payments: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pos_payments WHERE tenant_id = $1")
            .bind(c.shop.id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(payments, 0);

    // Sold out at this location: the line is refused as a conflict.
    server
        .gql_ok(
            "mutation($i: SetMenuItemAvailabilityInput!) { setMenuItemAvailability(input: $i) { id } }",
            json!({"i": {"itemId": c.croissant, "soldOut": true, "locationId": c.location}}),
            o,
        )
        .await;
    let fresh = server.pos(&owner).open_ticket(&c.location, 0).await;
    let (code, _) = server
        .gql_err(
            ADD_LINE,
            json!({"i": {"ticketId": fresh["id"], "menuItemId": c.croissant}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT");
}
