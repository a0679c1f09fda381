//! Screens watch stock levels; a reorder point crossing is raised once.

use super::*;

#[tokio::test]
async fn screens_watch_levels_and_a_reorder_point_crossing_is_raised_once() {
    let server = TestServer::start().await;
    let shop = server.tenant("low").await;
    let owner = shop.owner_token.as_str();
    let loc = server.inventory(owner).location("Bar").await;
    let other = server.inventory(owner).location("Terrace").await;
    let gin = server.inventory(owner).stock_item("GIN", "EACH").await;
    server
        .inventory(owner)
        .adjust(json!({"stockItemId": gin, "locationId": loc, "kind": "RECEIVED", "quantity": 5}))
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
    let mut ws = server.inventory(&cashier).stock_subscription(&loc).await;
    // Give the subscription a moment to attach before the changes.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server
        .inventory(owner)
        .adjust(json!({"stockItemId": gin, "locationId": other, "kind": "RECEIVED", "quantity": 1}))
        .await;
    for _ in 0..3 {
        server
            .inventory(owner)
            .adjust(json!({"stockItemId": gin, "locationId": loc, "kind": "SALE", "quantity": 1}))
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
