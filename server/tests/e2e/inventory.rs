//! Inventory over GraphQL: the ledger and the levels it keeps, counts,
//! transfers, reorder points, recipes, idempotent adjustments, live changes.

use crate::harness::{TenantFixture, TestServer, Ws, ws_next, ws_subscribe};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

pub(crate) async fn location(server: &TestServer, token: &str, name: &str) -> String {
    server
        .gql_ok(
            "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
            json!({"i": {"name": name, "timezone": "Europe/Paris"}}),
            Some(token),
        )
        .await["createLocation"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn stock_item(server: &TestServer, token: &str, sku: &str, unit: &str) -> String {
    server
        .gql_ok(
            "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
            json!({"i": {"sku": sku, "name": format!("Stock {sku}"), "unit": unit}}),
            Some(token),
        )
        .await["createStockItem"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) const ADJUST: &str = "mutation($i: AdjustStockInput!) { adjustStock(input: $i) {
    movement { id kind quantity occurredAt } level { onHand low reorderPoint } } }";

pub(crate) async fn adjust(server: &TestServer, token: &str, input: Value) -> Value {
    server
        .gql_ok(ADJUST, json!({"i": input}), Some(token))
        .await["adjustStock"]
        .clone()
}

pub(crate) async fn on_hand(server: &TestServer, token: &str, item: &str, loc: &str) -> String {
    let data = server
        .gql_ok(
            "query($l: UUID, $i: UUID) { stockLevels(locationId: $l, stockItemId: $i) { onHand } }",
            json!({"l": loc, "i": item}),
            Some(token),
        )
        .await;
    data["stockLevels"][0]["onHand"]
        .as_str()
        .unwrap()
        .to_owned()
}

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

#[tokio::test]
async fn on_hand_is_the_last_count_plus_the_movements_after_it() {
    let server = TestServer::start().await;
    let shop = server.tenant("stock").await;
    let owner = shop.owner_token.as_str();
    let loc = location(&server, owner, "Main street").await;
    let beans = stock_item(&server, owner, "BEANS", "KG").await;

    let received = adjust(
        &server,
        owner,
        json!({"stockItemId": beans, "locationId": loc, "kind": "RECEIVED", "quantity": "10", "reason": "delivery"}),
    )
    .await;
    assert_eq!(received["movement"]["quantity"], "10");
    assert_eq!(received["level"]["onHand"], "10");
    adjust(
        &server,
        owner,
        json!({"stockItemId": beans, "locationId": loc, "kind": "WASTE", "quantity": 0.5}),
    )
    .await;
    let sold = adjust(
        &server,
        owner,
        json!({"stockItemId": beans, "locationId": loc, "kind": "SALE", "quantity": "2.25"}),
    )
    .await;
    assert_eq!(sold["movement"]["quantity"], "-2.25");
    assert_eq!(on_hand(&server, owner, &beans, &loc).await, "7.25");

    // A count finds 7: the variance is kept and on-hand restarts from it.
    let count = server
        .gql_ok(
            "mutation($i: StartStockCountInput!) { startStockCount(input: $i) { id status } }",
            json!({"i": {"locationId": loc, "note": "Monday count"}}),
            Some(owner),
        )
        .await["startStockCount"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let open = server
        .gql_ok(
            "mutation($i: RecordStockCountInput!) { recordStockCount(input: $i) { status lines { counted expected variance } } }",
            json!({"i": {"countId": count, "stockItemId": beans, "counted": "7"}}),
            Some(owner),
        )
        .await;
    assert_eq!(
        open["recordStockCount"]["lines"],
        json!([{"counted": "7", "expected": "7.25", "variance": "-0.25"}])
    );
    let posted = server
        .gql_ok(
            "mutation($i: StockCountIdInput!) { postStockCount(input: $i) { status lines { expected variance } } }",
            json!({"i": {"countId": count}}),
            Some(owner),
        )
        .await;
    assert_eq!(posted["postStockCount"]["status"], "POSTED");
    assert_eq!(posted["postStockCount"]["lines"][0]["variance"], "-0.25");
    assert_eq!(on_hand(&server, owner, &beans, &loc).await, "7");

    // A sale a terminal made before the count, recorded only now: the count
    // already saw its effect, so on-hand stays.
    let late = adjust(
        &server,
        owner,
        json!({"stockItemId": beans, "locationId": loc, "kind": "SALE", "quantity": "1",
               "occurredAt": (Utc::now() - Duration::hours(1)).to_rfc3339()}),
    )
    .await;
    assert_eq!(late["level"]["onHand"], "7");
    // One after the count moves it.
    adjust(
        &server,
        owner,
        json!({"stockItemId": beans, "locationId": loc, "kind": "SALE", "quantity": "0.125"}),
    )
    .await;
    assert_eq!(on_hand(&server, owner, &beans, &loc).await, "6.875");
    assert_eq!(ledger_on_hand(&server, owner, &beans, &loc).await, 6875);

    // Posting twice is a conflict and changes nothing.
    let (code, _) = server
        .gql_err(
            "mutation($i: StockCountIdInput!) { postStockCount(input: $i) { status } }",
            json!({"i": {"countId": count}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(ledger_on_hand(&server, owner, &beans, &loc).await, 6875);
}

#[tokio::test]
async fn transfers_are_in_transit_until_received_and_cancelling_returns_stock() {
    let server = TestServer::start().await;
    let shop = server.tenant("transfer").await;
    let owner = shop.owner_token.as_str();
    let kitchen = location(&server, owner, "Central kitchen").await;
    let cafe = location(&server, owner, "Cafe").await;
    let milk = stock_item(&server, owner, "MILK", "L").await;
    adjust(
        &server,
        owner,
        json!({"stockItemId": milk, "locationId": kitchen, "kind": "RECEIVED", "quantity": "20"}),
    )
    .await;
    const SEND: &str = "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id status lines { sku quantity } } }";
    let sent = server
        .gql_ok(
            SEND,
            json!({"i": {"fromLocationId": kitchen, "toLocationId": cafe, "lines": [{"stockItemId": milk, "quantity": "6"}]}}),
            Some(owner),
        )
        .await["sendStockTransfer"]
        .clone();
    assert_eq!(sent["status"], "IN_TRANSIT");
    assert_eq!(sent["lines"], json!([{"sku": "MILK", "quantity": "6"}]));
    // In transit: gone from the kitchen, not yet at the cafe.
    assert_eq!(on_hand(&server, owner, &milk, &kitchen).await, "14");
    assert_eq!(on_hand(&server, owner, &milk, &cafe).await, "0");
    let received = server
        .gql_ok(
            "mutation($i: StockTransferIdInput!) { receiveStockTransfer(input: $i) { status closedAt } }",
            json!({"i": {"transferId": sent["id"]}}),
            Some(owner),
        )
        .await;
    assert_eq!(received["receiveStockTransfer"]["status"], "RECEIVED");
    assert_eq!(on_hand(&server, owner, &milk, &cafe).await, "6");
    // Receiving twice is a conflict.
    let (code, _) = server
        .gql_err(
            "mutation($i: StockTransferIdInput!) { receiveStockTransfer(input: $i) { status } }",
            json!({"i": {"transferId": sent["id"]}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(on_hand(&server, owner, &milk, &cafe).await, "6");

    // A cancelled transfer puts the stock back where it left.
    let second = server
        .gql_ok(
            SEND,
            json!({"i": {"fromLocationId": kitchen, "toLocationId": cafe, "lines": [{"stockItemId": milk, "quantity": "4"}]}}),
            Some(owner),
        )
        .await["sendStockTransfer"]["id"]
        .clone();
    assert_eq!(on_hand(&server, owner, &milk, &kitchen).await, "10");
    server
        .gql_ok(
            "mutation($i: StockTransferIdInput!) { cancelStockTransfer(input: $i) { status } }",
            json!({"i": {"transferId": second}}),
            Some(owner),
        )
        .await;
    assert_eq!(on_hand(&server, owner, &milk, &kitchen).await, "14");
    let list = server
        .gql_ok(
            "{ stockTransfers(status: IN_TRANSIT) { id } all: stockTransfers { id status } }",
            json!({}),
            Some(owner),
        )
        .await;
    assert_eq!(list["stockTransfers"], json!([]));
    assert_eq!(list["all"].as_array().unwrap().len(), 2);
    for loc in [&kitchen, &cafe] {
        let expected = milli(&json!(on_hand(&server, owner, &milk, loc).await));
        assert_eq!(ledger_on_hand(&server, owner, &milk, loc).await, expected);
    }
}

async fn stock_subscription(server: &TestServer, token: &str, loc: &str) -> Ws {
    ws_subscribe(
        server,
        token,
        "subscription($l: UUID) { stockLevelChanged(locationId: $l) { sequence sku kind quantity previousOnHand onHand low } }",
        json!({"l": loc}),
    )
    .await
}

#[tokio::test]
async fn screens_watch_levels_and_a_reorder_point_crossing_is_raised_once() {
    let server = TestServer::start().await;
    let shop = server.tenant("low").await;
    let owner = shop.owner_token.as_str();
    let loc = location(&server, owner, "Bar").await;
    let other = location(&server, owner, "Terrace").await;
    let gin = stock_item(&server, owner, "GIN", "EACH").await;
    adjust(
        &server,
        owner,
        json!({"stockItemId": gin, "locationId": loc, "kind": "RECEIVED", "quantity": 5}),
    )
    .await;
    let level = server
        .gql_ok(
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { reorderPoint low } }",
            json!({"i": {"stockItemId": gin, "locationId": loc, "reorderPoint": "3"}}),
            Some(owner),
        )
        .await;
    assert_eq!(
        level["setReorderPoint"],
        json!({"reorderPoint": "3", "low": false})
    );
    // A cashier (inventory.stock.read) watches the bar.
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let mut ws = stock_subscription(&server, &cashier, &loc).await;
    // Give the subscription a moment to attach before the changes.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    adjust(
        &server,
        owner,
        json!({"stockItemId": gin, "locationId": other, "kind": "RECEIVED", "quantity": 1}),
    )
    .await;
    for _ in 0..3 {
        adjust(
            &server,
            owner,
            json!({"stockItemId": gin, "locationId": loc, "kind": "SALE", "quantity": 1}),
        )
        .await;
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        let msg = ws_next(&mut ws).await.unwrap();
        assert_eq!(msg["type"], "next", "{msg}");
        seen.push(msg["payload"]["data"]["stockLevelChanged"].clone());
    }
    let on_hands: Vec<&str> = seen.iter().map(|c| c["onHand"].as_str().unwrap()).collect();
    assert_eq!(
        on_hands,
        ["4", "3", "2"],
        "only the bar's changes, in order"
    );
    assert_eq!(seen[1]["low"], true);
    assert!(seen[0]["sequence"].as_i64() < seen[1]["sequence"].as_i64());

    let low = server
        .gql_ok(
            "query($l: UUID) { stockLevels(locationId: $l, lowOnly: true) { sku onHand } }",
            json!({"l": loc}),
            Some(&cashier),
        )
        .await;
    assert_eq!(low["stockLevels"], json!([{"sku": "GIN", "onHand": "2"}]));
    // Crossing once raises one alert, not one per sale below the point.
    let mut conn = server.db.owner().await;
    let alerts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM event_outbox WHERE tenant_id = $1 AND event_type = 'inventory.stock.low'",
    )
    .bind(shop.id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(alerts, 1);
}

#[tokio::test]
async fn an_adjustment_retried_with_its_key_happens_once() {
    let server = TestServer::start().await;
    let shop = server.tenant("idem").await;
    let owner = shop.owner_token.clone();
    let loc = location(&server, &owner, "Shop").await;
    let soap = stock_item(&server, &owner, "SOAP", "EACH").await;
    let input = json!({"stockItemId": soap, "locationId": loc, "kind": "RECEIVED", "quantity": "12",
                       "idempotencyKey": "delivery-42"});
    let first = adjust(&server, &owner, input.clone()).await;
    let again = adjust(&server, &owner, input.clone()).await;
    assert_eq!(first, again, "the retry returns the first result");

    // Many terminals retrying at once: still one movement.
    let mut burst = input.clone();
    burst["idempotencyKey"] = json!("burst-1");
    burst["quantity"] = json!("1");
    let server = std::sync::Arc::new(server);
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (server, owner, burst) = (server.clone(), owner.clone(), burst.clone());
        tasks.push(tokio::spawn(async move {
            adjust(&server, &owner, burst).await["movement"]["id"].clone()
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap().to_string());
    }
    assert_eq!(ids.len(), 1, "every retry saw the same movement");
    assert_eq!(on_hand(&server, &owner, &soap, &loc).await, "13");

    // The same key with another request is refused and changes nothing.
    let mut changed = input.clone();
    changed["quantity"] = json!("13");
    let (code, body) = server
        .gql_err(ADJUST, json!({"i": changed}), Some(&owner))
        .await;
    assert_eq!(code, "CONFLICT", "{body}");
    assert_eq!(on_hand(&server, &owner, &soap, &loc).await, "13");

    // Keys are per tenant: another business may use the same one.
    let other = server.tenant("idem-other").await;
    let other_loc = location(&server, &other.owner_token, "Shop").await;
    let other_soap = stock_item(&server, &other.owner_token, "SOAP", "EACH").await;
    let theirs = adjust(
        &server,
        &other.owner_token,
        json!({"stockItemId": other_soap, "locationId": other_loc, "kind": "RECEIVED", "quantity": "12",
               "idempotencyKey": "delivery-42"}),
    )
    .await;
    assert_ne!(theirs["movement"]["id"], first["movement"]["id"]);
}

async fn movement_count(server: &TestServer, shop: &TenantFixture) -> i64 {
    let mut conn = server.db.owner().await;
    sqlx::query_scalar("SELECT count(*) FROM stock_movements WHERE tenant_id = $1")
        .bind(shop.id)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn bad_inventory_input_is_refused_and_writes_nothing() {
    let server = TestServer::start().await;
    let shop = server.tenant("inv-bad").await;
    let other = server.tenant("inv-bad-other").await;
    let owner = shop.owner_token.as_str();
    let loc = location(&server, owner, "Shop").await;
    let loc2 = location(&server, owner, "Depot").await;
    let theirs = location(&server, &other.owner_token, "Theirs").await;
    let rice = stock_item(&server, owner, "RICE", "KG").await;
    let before = movement_count(&server, &shop).await;
    let adjustment = |kind: &str, quantity: Value| json!({"i": {"stockItemId": rice, "locationId": loc, "kind": kind, "quantity": quantity}});
    for (what, variables) in [
        ("zero", adjustment("RECEIVED", json!("0"))),
        ("negative", adjustment("RECEIVED", json!("-2"))),
        ("four decimals", adjustment("RECEIVED", json!("1.2345"))),
        ("not a number", adjustment("RECEIVED", json!("lots"))),
        ("a transfer kind", adjustment("TRANSFER_IN", json!("1"))),
        ("a count kind", adjustment("COUNT_CORRECTION", json!("1"))),
        ("unknown kind", adjustment("STOLEN", json!("1"))),
        (
            "the future",
            json!({"i": {"stockItemId": rice, "locationId": loc, "kind": "SALE", "quantity": "1",
                         "occurredAt": (Utc::now() + Duration::hours(2)).to_rfc3339()}}),
        ),
        (
            "another tenant's location",
            json!({"i": {"stockItemId": rice, "locationId": theirs, "kind": "SALE", "quantity": "1"}}),
        ),
        (
            "an empty key",
            json!({"i": {"stockItemId": rice, "locationId": loc, "kind": "SALE", "quantity": "1", "idempotencyKey": "  "}}),
        ),
    ] {
        let (code, body) = server.gql_err(ADJUST, variables, Some(owner)).await;
        assert_eq!(code, "VALIDATION", "{what}: {body}");
    }
    for (what, doc, variables) in [
        (
            "transfer to itself",
            "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id } }",
            json!({"i": {"fromLocationId": loc, "toLocationId": loc, "lines": [{"stockItemId": rice, "quantity": "1"}]}}),
        ),
        (
            "transfer of nothing",
            "mutation($i: SendStockTransferInput!) { sendStockTransfer(input: $i) { id } }",
            json!({"i": {"fromLocationId": loc, "toLocationId": loc2, "lines": [{"stockItemId": rice, "quantity": "0"}]}}),
        ),
        (
            "unknown unit",
            "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
            json!({"i": {"sku": "X", "name": "X", "unit": "BARRELS"}}),
        ),
        (
            "bad timezone",
            "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
            json!({"i": {"name": "Moon base", "timezone": "Moon/Crater"}}),
        ),
        (
            "recipe with zero",
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            json!({"i": {"menuItemId": loc, "components": [{"stockItemId": rice, "quantity": "0"}]}}),
        ),
        (
            "recipe of two things",
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            json!({"i": {"menuItemId": loc, "modifierId": loc, "components": []}}),
        ),
        (
            "negative count",
            "mutation($i: SetReorderPointInput!) { setReorderPoint(input: $i) { low } }",
            json!({"i": {"stockItemId": rice, "locationId": loc, "reorderPoint": "-1"}}),
        ),
    ] {
        let (code, body) = server.gql_err(doc, variables, Some(owner)).await;
        assert_eq!(code, "VALIDATION", "{what}: {body}");
    }
    let (code, _) = server
        .gql_err(
            "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
            json!({"i": {"sku": "rice", "name": "Rice again", "unit": "KG"}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "CONFLICT", "SKUs are unique regardless of case");
    assert_eq!(movement_count(&server, &shop).await, before);
    assert_eq!(on_hand(&server, owner, &rice, &loc).await, "0");
}

#[tokio::test]
async fn staff_without_the_permission_read_stock_but_cannot_move_it() {
    let server = TestServer::start().await;
    let shop = server.tenant("inv-perm").await;
    let owner = shop.owner_token.as_str();
    let loc = location(&server, owner, "Shop").await;
    let tea = stock_item(&server, owner, "TEA", "G").await;
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let (_, manager) = server.staff(&shop, "manager").await;
    assert_eq!(on_hand(&server, &cashier, &tea, &loc).await, "0");
    let input = json!({"i": {"stockItemId": tea, "locationId": loc, "kind": "RECEIVED", "quantity": "250"}});
    let (code, body) = server.gql_err(ADJUST, input.clone(), Some(&cashier)).await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["permission"],
        "inventory.stock.adjust"
    );
    let (code, _) = server
        .gql_err(
            "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
            json!({"i": {"name": "Pop-up"}}),
            Some(&manager),
        )
        .await;
    assert_eq!(code, "AUTHZ", "locations are the owner's to set up");
    server.gql_ok(ADJUST, input, Some(&manager)).await;
    assert_eq!(on_hand(&server, &cashier, &tea, &loc).await, "250");
    // Everyone signed in sees the locations (tickets are sold at one).
    let locations = server
        .gql_ok("{ locations { name timezone } }", json!({}), Some(&cashier))
        .await;
    assert_eq!(
        locations["locations"],
        json!([{"name": "Shop", "timezone": "Europe/Paris"}])
    );
}

#[tokio::test]
async fn recipes_say_what_a_sale_consumes() {
    let server = TestServer::start().await;
    let shop = server.tenant("recipe").await;
    let owner = shop.owner_token.as_str();
    let category = server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Coffee\"}) { id } }",
            json!({}),
            Some(owner),
        )
        .await["createMenuCategory"]["id"]
        .clone();
    let group = server
        .gql_ok(
            "mutation($i: CreateModifierGroupInput!) { createModifierGroup(input: $i) { modifiers { id name } } }",
            json!({"i": {"name": "Milk", "minSelect": 0, "maxSelect": 1, "modifiers": [{"name": "Oat", "priceDeltaMinor": 40}]}}),
            Some(owner),
        )
        .await;
    let oat = group["createModifierGroup"]["modifiers"][0]["id"].clone();
    let latte = server
        .gql_ok(
            "mutation($i: CreateMenuItemInput!) { createMenuItem(input: $i) { id } }",
            json!({"i": {"categoryId": category, "sku": "LATTE", "name": "Latte", "priceMinor": 350, "currency": "EUR", "taxRateBp": 1000}}),
            Some(owner),
        )
        .await["createMenuItem"]["id"]
        .clone();
    let beans = stock_item(&server, owner, "BEANS", "G").await;
    let milk = stock_item(&server, owner, "MILK", "ML").await;
    let oat_milk = stock_item(&server, owner, "OAT", "ML").await;
    let recipe = server
        .gql_ok(
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId components { sku unit quantity } } }",
            json!({"i": {"menuItemId": latte, "components": [
                {"stockItemId": beans, "quantity": "18"}, {"stockItemId": milk, "quantity": 200}]}}),
            Some(owner),
        )
        .await;
    assert_eq!(
        recipe["setRecipe"]["components"],
        json!([{"sku": "BEANS", "unit": "G", "quantity": "18"}, {"sku": "MILK", "unit": "ML", "quantity": "200"}])
    );
    server
        .gql_ok(
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { modifierId } }",
            json!({"i": {"modifierId": oat, "components": [{"stockItemId": oat_milk, "quantity": "200"}]}}),
            Some(owner),
        )
        .await;
    let read = server
        .gql_ok(
            "query($m: UUID) { recipe(modifierId: $m) { components { sku quantity } } }",
            json!({"m": oat}),
            Some(owner),
        )
        .await;
    assert_eq!(
        read["recipe"]["components"],
        json!([{"sku": "OAT", "quantity": "200"}])
    );
    let (code, _) = server
        .gql_err(
            "mutation($i: SetRecipeInput!) { setRecipe(input: $i) { menuItemId } }",
            json!({"i": {"menuItemId": latte, "components": [{"stockItemId": latte, "quantity": "1"}]}}),
            Some(owner),
        )
        .await;
    assert_eq!(code, "VALIDATION", "a menu item is not a stock item");
}

#[tokio::test]
async fn an_item_sold_out_at_one_location_stays_on_sale_elsewhere() {
    let server = TestServer::start().await;
    let shop = server.tenant("avail").await;
    let owner = shop.owner_token.as_str();
    let north = location(&server, owner, "North").await;
    let south = location(&server, owner, "South").await;
    let category = server
        .gql_ok(
            "mutation { createMenuCategory(input: {name: \"Cakes\"}) { id } }",
            json!({}),
            Some(owner),
        )
        .await["createMenuCategory"]["id"]
        .clone();
    let cake = server
        .gql_ok(
            "mutation($i: CreateMenuItemInput!) { createMenuItem(input: $i) { id } }",
            json!({"i": {"categoryId": category, "sku": "CAKE", "name": "Carrot cake", "priceMinor": 420, "currency": "EUR", "taxRateBp": 550}}),
            Some(owner),
        )
        .await["createMenuItem"]["id"]
        .clone();
    let (_, kitchen) = server.staff(&shop, "kitchen").await;
    let mut ws = ws_subscribe(
        &server,
        &kitchen,
        "subscription($l: UUID) { menuAvailabilityChanged(locationId: $l) { sku soldOut locationId } }",
        json!({"l": south}),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    const SET: &str = "mutation($i: SetMenuItemAvailabilityInput!) { setMenuItemAvailability(input: $i) { soldOut soldOutLocationIds } }";
    server
        .gql_ok(
            SET,
            json!({"i": {"itemId": cake, "soldOut": true, "locationId": north}}),
            Some(&kitchen),
        )
        .await;
    let set = server
        .gql_ok(
            SET,
            json!({"i": {"itemId": cake, "soldOut": true, "locationId": south}}),
            Some(&kitchen),
        )
        .await;
    assert_eq!(set["setMenuItemAvailability"]["soldOut"], false);
    assert_eq!(
        set["setMenuItemAvailability"]["soldOutLocationIds"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    server
        .gql_ok(
            SET,
            json!({"i": {"itemId": cake, "soldOut": false, "locationId": north}}),
            Some(&kitchen),
        )
        .await;
    let view = server
        .gql_ok(
            "query($id: UUID!, $n: UUID!, $s: UUID!) { menuItem(id: $id) { north: availableAt(locationId: $n) south: availableAt(locationId: $s) } }",
            json!({"id": cake, "n": north, "s": south}),
            Some(owner),
        )
        .await;
    assert_eq!(view["menuItem"], json!({"north": true, "south": false}));
    // The south screen hears only about the south.
    let msg = ws_next(&mut ws).await.unwrap();
    assert_eq!(
        msg["payload"]["data"]["menuAvailabilityChanged"],
        json!({"sku": "CAKE", "soldOut": true, "locationId": south})
    );
}

#[tokio::test]
async fn an_expired_idempotency_key_counts_as_new() {
    let server = TestServer::start().await;
    let shop = server.tenant("idem-expiry").await;
    let owner = shop.owner_token.as_str();
    let loc = location(&server, owner, "Shop").await;
    let salt = stock_item(&server, owner, "SALT", "KG").await;
    let input = |quantity: &str| {
        json!({"stockItemId": salt, "locationId": loc, "kind": "RECEIVED", "quantity": quantity,
               "idempotencyKey": "delivery-7"})
    };
    adjust(&server, owner, input("1")).await;
    let (code, _) = server
        .gql_err(ADJUST, json!({"i": input("2")}), Some(owner))
        .await;
    assert_eq!(code, "CONFLICT", "within its seven days the key is taken");
    // Eight days on, the same key is a new request.
    let mut conn = server.db.owner().await;
    sqlx::query(
        "UPDATE idempotency_keys SET expires_at = now() - interval '1 day' WHERE tenant_id = $1",
    )
    .bind(shop.id)
    .execute(&mut conn)
    .await
    .unwrap();
    let again = adjust(&server, owner, input("2")).await;
    assert_eq!(again["level"]["onHand"], "3");
}
