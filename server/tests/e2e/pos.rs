//! The point of sale end to end: a sale a screen watches, the stock it
//! moves, refunds, retried payments, the last unit sold twice, shift
//! totals, permissions and bad input.

use crate::harness::string as s;
use crate::harness::{TenantFixture, TestServer, Ws, ws_next, ws_subscribe};
use crate::inventory::{adjust, location, on_hand};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// A café: a location, a latte (variants, a milk choice, extras) that uses
/// beans and milk, oat milk for the oat modifier, and a croissant sold as
/// retail stock.
pub(crate) struct Cafe {
    pub shop: TenantFixture,
    pub location: String,
    pub latte: String,
    pub large: String,
    pub oat: String,
    pub soy: String,
    pub extras: Vec<String>,
    pub croissant: String,
    pub beans: String,
    pub milk: String,
    pub oat_milk: String,
    pub croissant_stock: String,
}

pub(crate) async fn cafe(server: &TestServer, hint: &str) -> Cafe {
    let shop = server.tenant(hint).await;
    let owner = shop.owner_token.clone();
    let o = Some(owner.as_str());
    let location = location(server, &owner, "Corner").await;
    let category = s(&server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Coffee\"}) { id } }",
            json!({}),
            o,
        )
        .await["createMenuCategory"]["id"]);
    let group = |name: &str, min: i32, max: i32, mods: Value| json!({"i": {"name": name, "minSelect": min, "maxSelect": max, "modifiers": mods}});
    const GROUP: &str = "mutation($i: CreateModifierGroupInput!) { createModifierGroup(input: $i) { id modifiers { id } } }";
    let milk_group = server
        .gql_ok(
            GROUP,
            group("Milk", 0, 1, json!([{"name": "Oat", "priceDeltaMinor": 40}, {"name": "Soy", "priceDeltaMinor": 40}])),
            o,
        )
        .await["createModifierGroup"]
        .clone();
    let extras_group = server
        .gql_ok(
            GROUP,
            group("Extras", 0, 2, json!([{"name": "Shot", "priceDeltaMinor": 50}, {"name": "Syrup", "priceDeltaMinor": 30}, {"name": "Cream", "priceDeltaMinor": 30}])),
            o,
        )
        .await["createModifierGroup"]
        .clone();
    const ITEM: &str = "mutation($i: CreateMenuItemInput!) { createMenuItem(input: $i) { id variants { id name } } }";
    let latte = server
        .gql_ok(
            ITEM,
            json!({"i": {"categoryId": category, "sku": "LATTE", "name": "Latte", "priceMinor": 350, "currency": "EUR",
                         "taxRateBp": 1000, "variants": [{"name": "Regular"}, {"name": "Large", "priceDeltaMinor": 60}],
                         "modifierGroupIds": [milk_group["id"], extras_group["id"]]}}),
            o,
        )
        .await["createMenuItem"]
        .clone();
    let croissant = s(&server
        .gql_ok(
            ITEM,
            json!({"i": {"categoryId": category, "sku": "CROISSANT", "name": "Croissant", "priceMinor": 300,
                         "currency": "EUR", "taxRateBp": 550}}),
            o,
        )
        .await["createMenuItem"]["id"]);
    let stock = |sku: &'static str, unit: &'static str, menu_item: Option<String>| {
        let owner = owner.clone();
        async move {
            s(&server
                .gql_ok(
                    "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
                    json!({"i": {"sku": sku, "name": sku, "unit": unit, "menuItemId": menu_item}}),
                    Some(&owner),
                )
                .await["createStockItem"]["id"])
        }
    };
    let beans = stock("BEANS", "G", None).await;
    let milk = stock("MILK", "ML", None).await;
    let oat_milk = stock("OAT-MILK", "ML", None).await;
    let croissant_stock = stock("CROISSANT", "EACH", Some(croissant.clone())).await;
    const RECIPE: &str = "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }";
    server
        .gql_ok(
            RECIPE,
            json!({"i": {"menuItemId": latte["id"], "components": [
                {"stockItemId": beans, "quantity": "18"}, {"stockItemId": milk, "quantity": "200"}]}}),
            o,
        )
        .await;
    let oat = s(&milk_group["modifiers"][0]["id"]);
    server
        .gql_ok(
            RECIPE,
            json!({"i": {"modifierId": oat, "components": [{"stockItemId": oat_milk, "quantity": "200"}]}}),
            o,
        )
        .await;
    for (item, quantity) in [
        (&beans, "1000"),
        (&milk, "5000"),
        (&oat_milk, "2000"),
        (&croissant_stock, "10"),
    ] {
        adjust(
            server,
            &owner,
            json!({"stockItemId": item, "locationId": location, "kind": "RECEIVED", "quantity": quantity}),
        )
        .await;
    }
    Cafe {
        location,
        latte: s(&latte["id"]),
        large: s(&latte["variants"][1]["id"]),
        oat,
        soy: s(&milk_group["modifiers"][1]["id"]),
        extras: extras_group["modifiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| s(&m["id"]))
            .collect(),
        croissant,
        beans,
        milk,
        oat_milk,
        croissant_stock,
        shop,
    }
}

pub(crate) const TICKET_FIELDS: &str =
    "id number status version currency subtotalMinor discountMinor taxMinor
  serviceChargeMinor totalMinor paidMinor tipMinor refundedMinor balanceMinor
  lines { id name quantity grossMinor discountMinor netMinor taxMinor status modifiers { name } }";

pub(crate) async fn open_ticket(
    server: &TestServer,
    token: &str,
    c: &Cafe,
    service_bp: i32,
) -> Value {
    server
        .gql_ok(
            &format!("mutation($i: OpenTicketInput!) {{ openTicket(input: $i) {{ {TICKET_FIELDS} }} }}"),
            json!({"i": {"locationId": c.location, "label": "Table 4", "serviceChargeBp": service_bp}}),
            Some(token),
        )
        .await["openTicket"]
        .clone()
}

pub(crate) const ADD_LINE: &str = "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id version totalMinor balanceMinor lines { id } } }";

pub(crate) async fn add_line(server: &TestServer, token: &str, input: Value) -> Value {
    server
        .gql_ok(ADD_LINE, json!({"i": input}), Some(token))
        .await["addTicketLine"]
        .clone()
}

pub(crate) const PAY: &str = "mutation($i: TakePaymentInput!) { takePayment(input: $i) {
  changeDueMinor payment { id method amountMinor tipMinor changeMinor cardBrand cardLast4 }
  ticket { id status paidMinor tipMinor balanceMinor version } } }";

pub(crate) async fn pay(server: &TestServer, token: &str, input: Value) -> Value {
    server.gql_ok(PAY, json!({"i": input}), Some(token)).await["takePayment"].clone()
}

pub(crate) async fn settle(server: &TestServer, token: &str, ticket: &str) -> Value {
    server
        .gql_ok(
            "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { id status settledAt version } }",
            json!({"i": {"ticketId": ticket}}),
            Some(token),
        )
        .await["settleTicket"]
        .clone()
}

pub(crate) async fn ticket(server: &TestServer, token: &str, id: &str) -> Value {
    server
        .gql_ok(
            &format!("query($id: UUID!) {{ ticket(id: $id) {{ {TICKET_FIELDS} payments {{ id amountMinor tipMinor }} }} }}"),
            json!({"id": id}),
            Some(token),
        )
        .await["ticket"]
        .clone()
}

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

async fn watch_ticket(server: &TestServer, token: &str, ticket: &str) -> Ws {
    ws_subscribe(
        server,
        token,
        "subscription($t: UUID) { ticketChanged(ticketId: $t) { sequence eventType ticketId status version totalMinor paidMinor balanceMinor } }",
        json!({"t": ticket}),
    )
    .await
}

#[tokio::test]
async fn a_full_sale_is_watched_moves_stock_and_a_refund_puts_it_back() {
    let server = TestServer::start().await;
    let c = cafe(&server, "sale").await;
    let owner = c.shop.owner_token.clone();
    let (_, cashier) = server.staff(&c.shop, "cashier").await;
    let (_, manager) = server.staff(&c.shop, "manager").await;

    let opened = open_ticket(&server, &cashier, &c, 500).await;
    let id = s(&opened["id"]);
    assert_eq!(opened["number"], 1);
    assert_eq!(opened["status"], "OPEN");
    // The kitchen screen follows this ticket.
    let (_, kitchen) = server.staff(&c.shop, "manager").await;
    let mut ws = watch_ticket(&server, &kitchen, &id).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    add_line(
        &server,
        &cashier,
        json!({"ticketId": id, "menuItemId": c.latte, "variantId": c.large, "modifierIds": [c.oat],
               "quantity": 2, "note": "extra hot"}),
    )
    .await;
    let with_both = add_line(
        &server,
        &cashier,
        json!({"ticketId": id, "menuItemId": c.croissant}),
    )
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
            "mutation($i: TicketIdInput!) { sendTicket(input: $i) { sentAt } }",
            json!({"i": {"ticketId": id}}),
            Some(&cashier),
        )
        .await;

    // Latte: 2 × (350 + 60 large + 40 oat) = 900; croissant 300 − 10 % = 270;
    // the 100 off is shared 77/23; tax 10 % of 823 = 82, 5.5 % of 247 = 14;
    // service 5 % of 1070 = 54 (53.5 rounded up). Total 1070 + 96 + 54.
    let t = ticket(&server, &cashier, &id).await;
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
    let card = pay(
        &server,
        &cashier,
        json!({"ticketId": id, "method": "CARD", "amountMinor": 700, "tipMinor": 100, "cardToken": "tok_visa",
               "idempotencyKey": "sale-card"}),
    )
    .await;
    assert_eq!(card["payment"]["cardLast4"], "4242");
    assert_eq!(card["ticket"]["balanceMinor"], 520);
    assert_eq!(
        card["ticket"]["status"], "OPEN",
        "a partial payment leaves it open"
    );
    let cash = pay(
        &server,
        &cashier,
        json!({"ticketId": id, "method": "CASH", "tenderedMinor": 1000, "idempotencyKey": "sale-cash"}),
    )
    .await;
    assert_eq!(cash["changeDueMinor"], 480);
    assert_eq!(cash["ticket"]["balanceMinor"], 0);
    let settled = settle(&server, &cashier, &id).await;
    assert_eq!(settled["status"], "SETTLED");
    // Settling again is harmless.
    assert_eq!(
        settle(&server, &cashier, &id).await["version"],
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
            async move { on_hand(server, owner, &item, &loc).await == want }
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
        async move { on_hand(server, owner, &item, &loc).await == "10" }
    })
    .await;
    // Beans were not restocked.
    assert_eq!(on_hand(&server, &owner, &c.beans, &c.location).await, "964");
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

#[tokio::test]
async fn fifty_retries_of_one_payment_make_one_payment() {
    let server = Arc::new(TestServer::start().await);
    let c = cafe(&server, "retry").await;
    let owner = c.shop.owner_token.clone();
    let t = open_ticket(&server, &owner, &c, 0).await;
    let id = s(&t["id"]);
    add_line(
        &server,
        &owner,
        json!({"ticketId": id, "menuItemId": c.croissant, "quantity": 3}),
    )
    .await;
    let input = json!({"ticketId": id, "method": "CARD", "amountMinor": 500, "cardToken": "tok_mastercard",
                       "idempotencyKey": "terminal-7-attempt-1"});
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (server, owner, input) = (server.clone(), owner.clone(), input.clone());
        tasks.push(tokio::spawn(
            async move { pay(&server, &owner, input).await },
        ));
    }
    let mut payments = std::collections::BTreeSet::new();
    for task in tasks {
        let result = task.await.unwrap();
        payments.insert(s(&result["payment"]["id"]));
        assert_eq!(
            result["ticket"]["paidMinor"], 500,
            "every retry sees the first result"
        );
    }
    assert_eq!(payments.len(), 1);
    let after = ticket(&server, &owner, &id).await;
    assert_eq!(after["paidMinor"], 500);
    assert_eq!(after["payments"].as_array().unwrap().len(), 1);
    let mut conn = server.db.owner().await;
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM pos_payments WHERE tenant_id = $1")
        .bind(c.shop.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // The same key for another amount is a conflict.
    let mut other = input.clone();
    other["amountMinor"] = json!(400);
    let (code, _) = server.gql_err(PAY, json!({"i": other}), Some(&owner)).await;
    assert_eq!(code, "CONFLICT");
}

#[tokio::test]
async fn the_last_unit_sold_twice_at_once_leaves_the_ledger_consistent() {
    let server = Arc::new(TestServer::start().await);
    let c = cafe(&server, "last").await;
    let owner = c.shop.owner_token.clone();
    // One croissant left, reorder point 0.
    adjust(
        &server,
        &owner,
        json!({"stockItemId": c.croissant_stock, "locationId": c.location, "kind": "WASTE", "quantity": "9"}),
    )
    .await;
    server
        .gql_ok(
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            json!({"i": {"stockItemId": c.croissant_stock, "locationId": c.location, "reorderPoint": "0"}}),
            Some(&owner),
        )
        .await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let t = open_ticket(&server, &owner, &c, 0).await;
        let id = s(&t["id"]);
        add_line(
            &server,
            &owner,
            json!({"ticketId": id, "menuItemId": c.croissant}),
        )
        .await;
        pay(
            &server,
            &owner,
            json!({"ticketId": id, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": format!("pay-{id}")}),
        )
        .await;
        ids.push(id);
    }
    let mut tasks = Vec::new();
    for id in ids.clone() {
        let (server, owner) = (server.clone(), owner.clone());
        tasks.push(tokio::spawn(
            async move { settle(&server, &owner, &id).await },
        ));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap()["status"], "SETTLED");
    }
    eventually("both sales deducted", || {
        let (server, owner, item, loc) = (
            server.clone(),
            owner.clone(),
            c.croissant_stock.clone(),
            c.location.clone(),
        );
        async move { on_hand(&server, &owner, &item, &loc).await == "-1" }
    })
    .await;
    let mut conn = server.db.owner().await;
    let (sum, sales): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(sum(quantity_milli), 0)::bigint, count(*) FILTER (WHERE kind = 'sale')
         FROM stock_movements WHERE tenant_id = $1 AND stock_item_id = $2::uuid",
    )
    .bind(c.shop.id)
    .bind(&c.croissant_stock)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!((sum, sales), (-1000, 2), "the ledger sums to the level");
    let alerts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_outbox WHERE tenant_id = $1 AND event_type = 'inventory.stock.low'",
    )
    .bind(c.shop.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        alerts, 1,
        "one alert when the level reached the reorder point"
    );
    // Each ticket was deducted once, however often its event is seen.
    let consumed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM consumed_events WHERE tenant_id = $1 AND consumer = 'inventory-stock-deduction'",
    )
    .bind(c.shop.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(consumed, 2);
}

#[tokio::test]
async fn a_shift_closes_with_totals_that_match_its_payments() {
    let server = TestServer::start().await;
    let c = cafe(&server, "shift").await;
    let owner = c.shop.owner_token.clone();
    let o = Some(owner.as_str());
    let shift = server
        .gql_ok(
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id status } }",
            json!({"i": {"locationId": c.location, "openingFloatMinor": 10000, "currency": "EUR"}}),
            o,
        )
        .await["openShift"]["id"]
        .clone();
    let (code, _) = server
        .gql_err(
            "mutation($i: OpenShiftInput!) { openShift(input: $i) { id } }",
            json!({"i": {"locationId": c.location, "openingFloatMinor": 0, "currency": "EUR"}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT", "one open shift per location");
    let mut totals = 0;
    for (method, tip) in [("CASH", 0), ("CARD", 150), ("CASH", 50)] {
        let t = open_ticket(&server, &owner, &c, 0).await;
        let id = s(&t["id"]);
        let t = add_line(
            &server,
            &owner,
            json!({"ticketId": id, "menuItemId": c.croissant, "quantity": 2}),
        )
        .await;
        totals += t["totalMinor"].as_i64().unwrap();
        pay(
            &server,
            &owner,
            json!({"ticketId": id, "method": method, "tipMinor": tip, "cardToken": "tok_visa",
                   "tenderedMinor": if method == "CASH" { json!(2000) } else { Value::Null },
                   "idempotencyKey": format!("p-{id}")}),
        )
        .await;
        settle(&server, &owner, &id).await;
    }
    for (kind, amount) in [("IN", 2000), ("OUT", 500)] {
        server
            .gql_ok(
                "mutation($i: MoveCashInput!) { moveCash(input: $i) { id } }",
                json!({"i": {"shiftId": shift, "kind": kind, "amountMinor": amount, "reason": "change"}}),
                o,
            )
            .await;
    }
    const REPORT: &str = "query($s: UUID!) { shiftReport(shiftId: $s) { kind ticketsSettled totalSalesMinor paymentsCount
        cashPaymentsMinor cardPaymentsMinor tipsMinor expectedCashMinor countedCashMinor varianceMinor } }";
    let x = server.gql_ok(REPORT, json!({"s": shift}), o).await["shiftReport"].clone();
    let per_ticket = totals / 3;
    assert_eq!(x["kind"], "X");
    assert_eq!(x["ticketsSettled"], 3);
    assert_eq!(x["totalSalesMinor"], totals);
    assert_eq!(x["paymentsCount"], 3);
    assert_eq!(x["cashPaymentsMinor"], 2 * per_ticket);
    assert_eq!(x["cardPaymentsMinor"], per_ticket);
    assert_eq!(x["tipsMinor"], 200);
    // Float + cash sales with their tips + in − out.
    let expected = 10000 + 2 * per_ticket + 50 + 2000 - 500;
    assert_eq!(x["expectedCashMinor"], expected);
    let z = server
        .gql_ok(
            "mutation($i: CloseShiftInput!) { closeShift(input: $i) { kind expectedCashMinor countedCashMinor varianceMinor } }",
            json!({"i": {"shiftId": shift, "countedCashMinor": expected - 20, "note": "short 20 cents"}}),
            o,
        )
        .await["closeShift"]
        .clone();
    assert_eq!(
        z,
        json!({"kind": "Z", "expectedCashMinor": expected, "countedCashMinor": expected - 20, "varianceMinor": -20})
    );
    // The Z report stays as it was closed.
    let again = server.gql_ok(REPORT, json!({"s": shift}), o).await["shiftReport"].clone();
    assert_eq!(again["kind"], "Z");
    assert_eq!(again["varianceMinor"], -20);
    assert_eq!(again["totalSalesMinor"], totals);
    // Cash needs an open drawer.
    let t = open_ticket(&server, &owner, &c, 0).await;
    let id = s(&t["id"]);
    add_line(
        &server,
        &owner,
        json!({"ticketId": id, "menuItemId": c.croissant}),
    )
    .await;
    let (code, _) = server
        .gql_err(
            PAY,
            json!({"i": {"ticketId": id, "method": "CASH", "idempotencyKey": "late"}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT");
}

#[tokio::test]
async fn a_cashier_cannot_discount_refund_or_void() {
    let server = TestServer::start().await;
    let c = cafe(&server, "cashier").await;
    let (_, cashier) = server.staff(&c.shop, "cashier").await;
    let t = open_ticket(&server, &cashier, &c, 0).await;
    let id = s(&t["id"]);
    let t = add_line(
        &server,
        &cashier,
        json!({"ticketId": id, "menuItemId": c.croissant}),
    )
    .await;
    let line = s(&t["lines"][0]["id"]);
    let before = ticket(&server, &cashier, &id).await;
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
        ticket(&server, &cashier, &id).await,
        before,
        "nothing changed"
    );
    let paid = pay(
        &server,
        &cashier,
        json!({"ticketId": id, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": "c-1"}),
    )
    .await;
    settle(&server, &cashier, &id).await;
    let (code, body) = server
        .gql_err(
            "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id } } }",
            json!({"i": {"paymentId": paid["payment"]["id"], "reason": "asked", "idempotencyKey": "r-1"}}),
            Some(&cashier),
        )
        .await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(ticket(&server, &cashier, &id).await["refundedMinor"], 0);
}

#[tokio::test]
async fn bad_sales_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let c = cafe(&server, "pos-bad").await;
    let owner = c.shop.owner_token.clone();
    let o = Some(owner.as_str());
    let t = open_ticket(&server, &owner, &c, 0).await;
    let id = s(&t["id"]);
    add_line(
        &server,
        &owner,
        json!({"ticketId": id, "menuItemId": c.latte, "modifierIds": [c.soy]}),
    )
    .await;
    let snapshot = ticket(&server, &owner, &id).await;
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
        ticket(&server, &owner, &id).await,
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
    let fresh = open_ticket(&server, &owner, &c, 0).await;
    let (code, _) = server
        .gql_err(
            ADD_LINE,
            json!({"i": {"ticketId": fresh["id"], "menuItemId": c.croissant}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT");
}

#[tokio::test]
async fn ticket_numbers_count_per_business_day_and_lines_change_until_sent() {
    let server = TestServer::start().await;
    let c = cafe(&server, "numbers").await;
    let owner = c.shop.owner_token.clone();
    let o = Some(owner.as_str());
    let numbers: Vec<i64> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(
                open_ticket(&server, &owner, &c, 0).await["number"]
                    .as_i64()
                    .unwrap(),
            );
        }
        out
    };
    assert_eq!(numbers, vec![1, 2, 3]);
    let other = cafe(&server, "numbers-other").await;
    assert_eq!(
        open_ticket(&server, &other.shop.owner_token, &other, 0).await["number"],
        1,
        "per business"
    );

    let t = open_ticket(&server, &owner, &c, 0).await;
    let id = s(&t["id"]);
    let t = add_line(
        &server,
        &owner,
        json!({"ticketId": id, "menuItemId": c.croissant}),
    )
    .await;
    let line = s(&t["lines"][0]["id"]);
    const UPDATE: &str = "mutation($i: UpdateTicketLineInput!) { updateTicketLine(input: $i) { totalMinor lines { quantity } } }";
    let changed = server
        .gql_ok(
            UPDATE,
            json!({"i": {"ticketId": id, "lineId": line, "quantity": 3, "note": "warm"}}),
            o,
        )
        .await;
    assert_eq!(changed["updateTicketLine"]["lines"][0]["quantity"], 3);
    server
        .gql_ok(
            "mutation($i: TicketIdInput!) { sendTicket(input: $i) { id } }",
            json!({"i": {"ticketId": id}}),
            o,
        )
        .await;
    let (code, _) = server
        .gql_err(
            UPDATE,
            json!({"i": {"ticketId": id, "lineId": line, "quantity": 1}}),
            o,
        )
        .await;
    assert_eq!(code, "CONFLICT", "the kitchen has it");
    let (code, _) = server
        .gql_err(
            "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { id } }",
            json!({"i": {"ticketId": id, "lineId": line}}),
            o,
        )
        .await;
    assert_eq!(
        code, "VALIDATION",
        "voiding what the kitchen has needs a reason"
    );
    let voided = server
        .gql_ok(
            "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { totalMinor lines { status } } }",
            json!({"i": {"ticketId": id, "lineId": line, "reason": "dropped"}}),
            o,
        )
        .await;
    assert_eq!(voided["voidTicketLine"]["totalMinor"], 0);
    assert_eq!(voided["voidTicketLine"]["lines"][0]["status"], "VOIDED");
}
