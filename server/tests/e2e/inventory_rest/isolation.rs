//! `/v1/inventory` keeps tenants apart.

use super::*;

#[tokio::test]
async fn rest_inventory_keeps_tenants_apart() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-mine").await;
    let (_, other_token) = owner(&server, "inv-theirs").await;
    let mine = Rest::new(&server, &token);
    let theirs = Rest::new(&server, &other_token);
    let cellar = mine.location("Cellar").await;
    let annex = mine.location("Annex").await;
    let wine = mine.stock_item("WINE", "each").await;
    mine.receive(&wine, &cellar, json!(24)).await;
    let count = id(&mine.start("counts", json!({"locationId": cellar})).await);
    let transfer = id(&mine
        .start(
            "transfers",
            json!({"fromLocationId": cellar, "toLocationId": annex,
                   "lines": [{"stockItemId": wine, "quantity": 6}]}),
        )
        .await);
    let their_bar = theirs.location("Their bar").await;

    // Their ids are ids that do not exist.
    let (status, body) = theirs.get(&format!("/v1/inventory/items/{wine}")).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("NOT_FOUND")),
        "{body}"
    );
    let (status, _) = theirs
        .patch(
            &format!("/v1/inventory/items/{wine}"),
            json!({"name": "Mine now"}),
        )
        .await;
    assert_eq!(status, 404);
    for path in [
        format!("/v1/inventory/counts/{count}"),
        format!("/v1/inventory/transfers/{transfer}"),
    ] {
        let (status, _) = theirs.get(&path).await;
        assert_eq!(status, 404, "{path}");
    }
    for (doc, step) in [
        (format!("transfers/{transfer}"), "receive"),
        (format!("counts/{count}"), "cancel"),
    ] {
        let (status, _) = theirs.try_step(&doc, step).await;
        assert_eq!(status, 404, "{doc}/{step}");
    }
    let (status, _) = theirs
        .patch(&format!("/v1/locations/{cellar}"), json!({"name": "Taken"}))
        .await;
    assert_eq!(status, 404);
    let (status, body) = theirs
        .post(
            "/v1/inventory/adjustments",
            json!({"stockItemId": wine, "locationId": their_bar, "kind": "SALE", "quantity": 1}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("NOT_FOUND")),
        "{body}"
    );
    let (status, _) = theirs
        .put(
            &format!("/v1/inventory/items/{wine}/reorder-points/{their_bar}"),
            json!({"reorderPoint": "100"}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = theirs
        .get(&format!("/v1/inventory/recipes/menu-items/{wine}"))
        .await;
    assert_eq!(status, 404, "no such menu item");
    for path in [
        format!("/v1/inventory/levels?stockItemId={wine}"),
        format!("/v1/inventory/movements?stockItemId={wine}"),
        "/v1/inventory/items".to_owned(),
        "/v1/inventory/counts".to_owned(),
        "/v1/inventory/transfers".to_owned(),
    ] {
        let (status, body) = theirs.get(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["data"], json!([]), "{path}");
    }
    let locations = theirs.ok(Method::GET, "/v1/locations", None, 200).await;
    assert_eq!(locations.as_array().unwrap().len(), 1);

    // Nothing of ours moved.
    let read = mine.inventory(&format!("items/{wine}")).await;
    assert_eq!(read["name"], "WINE stock");
    assert_eq!(mine.on_hand(&wine, &cellar).await, "18");
    let open = mine.inventory(&format!("counts/{count}")).await;
    assert_eq!(open["status"], "OPEN");
    let in_transit = mine.inventory(&format!("transfers/{transfer}")).await;
    assert_eq!(in_transit["status"], "IN_TRANSIT");
}
