//! Bad input and missing permissions: refused, nothing written.

use super::*;

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
    let loc = server.inventory(owner).location("Shop").await;
    let loc2 = server.inventory(owner).location("Depot").await;
    let theirs = server
        .inventory(&other.owner_token)
        .location("Theirs")
        .await;
    let rice = server.inventory(owner).stock_item("RICE", "KG").await;
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
    assert_eq!(server.inventory(owner).on_hand(&rice, &loc).await, "0");
}

#[tokio::test]
async fn staff_without_the_permission_read_stock_but_cannot_move_it() {
    let server = TestServer::start().await;
    let shop = server.tenant("inv-perm").await;
    let owner = shop.owner_token.as_str();
    let loc = server.inventory(owner).location("Shop").await;
    let tea = server.inventory(owner).stock_item("TEA", "G").await;
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let (_, manager) = server.staff(&shop, "manager").await;
    assert_eq!(server.inventory(&cashier).on_hand(&tea, &loc).await, "0");
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
    assert_eq!(server.inventory(&cashier).on_hand(&tea, &loc).await, "250");
    // Everyone signed in sees the locations (tickets are sold at one).
    let locations = server
        .gql_ok("{ locations { name timezone } }", json!({}), Some(&cashier))
        .await;
    assert_eq!(
        locations["locations"],
        json!([{"name": "Shop", "timezone": "Europe/Paris"}])
    );
}
