//! Sold out at one location, on sale elsewhere.

use super::*;

#[tokio::test]
async fn an_item_sold_out_at_one_location_stays_on_sale_elsewhere() {
    let server = TestServer::start().await;
    let shop = server.tenant("avail").await;
    let owner = shop.owner_token.as_str();
    let north = server.inventory(owner).location("North").await;
    let south = server.inventory(owner).location("South").await;
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
