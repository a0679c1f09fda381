//! A full sale a screen watches, the stock it moves, a refund that puts it back.

use super::*;

#[tokio::test]
async fn a_full_sale_is_watched_moves_stock_and_a_refund_puts_it_back() {
    let server = TestServer::start().await;
    let c = cafe(&server, "sale").await;
    let owner = c.shop.owner_token.clone();
    let (_, cashier) = server.staff(&c.shop, "cashier").await;
    let (_, manager) = server.staff(&c.shop, "manager").await;

    let opened = server.pos(&cashier).open_ticket(&c.location, 500).await;
    let id = s(&opened["id"]);
    assert_eq!(opened["number"], 1);
    assert_eq!(opened["status"], "OPEN");
    // The kitchen screen follows this ticket.
    let (_, kitchen) = server.staff(&c.shop, "manager").await;
    let mut ws = server.pos(&kitchen).watch_ticket(&id).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.pos(&cashier).add_line(json!({"ticketId": id, "menuItemId": c.latte, "variantId": c.large, "modifierIds": [c.oat],
               "quantity": 2, "note": "extra hot"}),
    )
    .await;
    let with_both = server
        .pos(&cashier)
        .add_line(json!({"ticketId": id, "menuItemId": c.croissant}))
        .await;
    let croissant_line = s(&with_both["lines"][1]["id"]);
    // Discounts need the manager.
    const DISCOUNT: &str =
        "mutation($i: SetDiscountInput!) { setTicketDiscount(input: $i) { version totalMinor } }";
    server
        .gql_ok(
            DISCOUNT,
            json!({"i": {"ticketId": id, "lineId": croissant_line, "percentBp": 1000, "reason": "regular"}}),
            Some(&manager),
        )
        .await;
    server
        .gql_ok(
            DISCOUNT,
            json!({"i": {"ticketId": id, "amountMinor": 100, "reason": "loyalty"}}),
            Some(&manager),
        )
        .await;
    server
        .gql_ok(
            "mutation($i: SendTicketInput!) { sendTicket(input: $i) { sentAt } }",
            json!({"i": {"ticketId": id}}),
            Some(&cashier),
        )
        .await;

    // Latte: 2 × (350 + 60 large + 40 oat) = 900; croissant 300 − 10 % = 270;
    // the 100 off is shared 77/23; tax 10 % of 823 = 82, 5.5 % of 247 = 14;
    // service 5 % of 1070 = 54 (53.5 rounded up). Total 1070 + 96 + 54.
    let t = server.pos(&cashier).ticket(&id).await;
    assert_eq!(t["subtotalMinor"], 1200, "{t}");
    assert_eq!(t["discountMinor"], 130, "{t}");
    assert_eq!(t["taxMinor"], 96, "{t}");
    assert_eq!(t["serviceChargeMinor"], 54, "{t}");
    assert_eq!(t["totalMinor"], 1220, "{t}");
    assert_eq!(
        t["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["netMinor"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![823, 247]
    );
    assert_eq!(t["lines"][0]["modifiers"], json!([{"name": "Oat"}]));

    // Split tender: part by card with a tip, the rest in cash with change.
    server
        .gql_ok(
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id } }",
            json!({"i": {"locationId": c.location, "openingFloatMinor": 10000, "currency": "EUR"}}),
            Some(&manager),
        )
        .await;
    let card = server.pos(&cashier).pay(json!({"ticketId": id, "method": "CARD", "amountMinor": 700, "tipMinor": 100, "cardToken": "tok_visa",
               "idempotencyKey": "sale-card"}),
    )
    .await;
    assert_eq!(card["payment"]["cardLast4"], "4242");
    assert_eq!(card["ticket"]["balanceMinor"], 520);
    assert_eq!(
        card["ticket"]["status"], "OPEN",
        "a partial payment leaves it open"
    );
    let cash = server.pos(&cashier).pay(json!({"ticketId": id, "method": "CASH", "tenderedMinor": 1000, "idempotencyKey": "sale-cash"}),
    )
    .await;
    assert_eq!(cash["changeDueMinor"], 480);
    assert_eq!(cash["ticket"]["balanceMinor"], 0);
    let settled = server.pos(&cashier).settle(&id).await;
    assert_eq!(settled["status"], "SETTLED");
    // Settling again is harmless.
    assert_eq!(
        server.pos(&cashier).settle(&id).await["version"],
        settled["version"]
    );

    // The subscriber saw every step, in order, ending settled.
    let mut kinds = Vec::new();
    loop {
        let msg = ws_next(&mut ws).await.unwrap();
        assert_eq!(msg["type"], "next", "{msg}");
        let change = msg["payload"]["data"]["ticketChanged"].clone();
        kinds.push(s(&change["eventType"]));
        if change["status"] == "SETTLED" {
            assert_eq!(change["paidMinor"], 1220);
            break;
        }
    }
    assert_eq!(
        kinds,
        [
            "pos.ticket.updated",
            "pos.ticket.updated",
            "pos.ticket.updated",
            "pos.ticket.updated",
            "pos.ticket.sent",
            "pos.ticket.paid",
            "pos.ticket.paid",
            "pos.ticket.settled"
        ]
    );

    // Stock follows by recipe: 2 lattes (36 g beans, 400 ml milk), oat milk
    // for the oat modifier, one croissant.
    let expect = [
        (&c.beans, "964"),
        (&c.milk, "4600"),
        (&c.oat_milk, "1600"),
        (&c.croissant_stock, "9"),
    ];
    for (item, want) in expect {
        eventually(&format!("{item} at {want}"), || {
            let (server, owner, item, loc) = (&server, &owner, item.clone(), c.location.clone());
            async move { server.inventory(owner).on_hand(&item, &loc).await == want }
        })
        .await;
    }
    let sales = server
        .gql_ok(
            "query($i: UUID) { stockMovements(stockItemId: $i, first: 10) { nodes { kind quantity sourceType sourceId } } }",
            json!({"i": c.beans}),
            Some(&owner),
        )
        .await;
    let last = sales["stockMovements"]["nodes"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        last,
        json!({"kind": "SALE", "quantity": "-36", "sourceType": "pos_ticket", "sourceId": id})
    );

    // A partial refund of the card payment, croissant back on the shelf.
    let refund = server
        .gql_ok(
            "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id amountMinor restock lines { quantity } } ticket { refundedMinor } } }",
            json!({"i": {"paymentId": card["payment"]["id"], "amountMinor": 261, "reason": "stale croissant",
                         "restock": true, "lines": [{"lineId": croissant_line, "quantity": 1}],
                         "idempotencyKey": "refund-1"}}),
            Some(&manager),
        )
        .await;
    assert_eq!(refund["refundPayment"]["ticket"]["refundedMinor"], 261);
    eventually("the croissant is back", || {
        let (server, owner, item, loc) = (
            &server,
            &owner,
            c.croissant_stock.clone(),
            c.location.clone(),
        );
        async move { server.inventory(owner).on_hand(&item, &loc).await == "10" }
    })
    .await;
    // Beans were not restocked.
    assert_eq!(
        server
            .inventory(&owner)
            .on_hand(&c.beans, &c.location)
            .await,
        "964"
    );
    // Refunding more than is left is refused.
    let (code, _) = server
        .gql_err(
            "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id } } }",
            json!({"i": {"paymentId": card["payment"]["id"], "amountMinor": 540, "reason": "again",
                         "idempotencyKey": "refund-2"}}),
            Some(&manager),
        )
        .await;
    assert_eq!(code, "VALIDATION");

    // The receipt says it all, as text and HTML.
    let receipt = server
        .gql_ok(
            "query($t: UUID!) { receipt(ticketId: $t) { number totalMinor tipMinor taxes { rateBp taxMinor } text html } }",
            json!({"t": id}),
            Some(&cashier),
        )
        .await["receipt"]
        .clone();
    assert_eq!(
        receipt["taxes"],
        json!([{"rateBp": 550, "taxMinor": 14}, {"rateBp": 1000, "taxMinor": 82}])
    );
    let text = s(&receipt["text"]);
    for needle in [
        "2 x Latte (Large)",
        "+ Oat",
        "TOTAL",
        "12.20 EUR",
        "Card visa ****4242",
        "Change",
        "Refund: stale croissant",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    assert!(s(&receipt["html"]).contains("<table>"));
    let reprint = server
        .gql_ok(
            "mutation($i: TicketIdInput!) { reprintReceipt(input: $i) { duplicate text } }",
            json!({"i": {"ticketId": id}}),
            Some(&cashier),
        )
        .await;
    assert!(s(&reprint["reprintReceipt"]["text"]).starts_with("*** DUPLICATE ***"));
}
