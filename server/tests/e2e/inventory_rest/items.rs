//! Locations, stock items and adjustments over REST, read back.

use super::*;

#[tokio::test]
async fn rest_locations_items_and_adjustments_read_back() {
    let server = TestServer::start().await;
    let (shop, token) = owner(&server, "inv-rest").await;
    let api = Rest::new(&server, &token);

    // Locations.
    let (status, created) = api
        .post(
            "/v1/locations",
            json!({"name": "Harbour St", "timezone": "Europe/Paris"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["data"]["timezone"], "Europe/Paris");
    assert_eq!(created["data"]["active"], true);
    let shop_floor = id(&created["data"]);
    let (status, body) = api
        .post(
            "/v1/locations",
            json!({"name": "Nowhere", "timezone": "Mars/Base"}),
        )
        .await;
    assert_invalid(status, &body, "timezone");
    let (status, body) = api
        .post("/v1/locations", json!({"name": "Harbour St"}))
        .await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("CONFLICT")));
    let renamed = api
        .ok(
            Method::PATCH,
            &format!("/v1/locations/{shop_floor}"),
            Some(json!({"name": "Harbour Street"})),
            200,
        )
        .await;
    assert_eq!(renamed["name"], "Harbour Street");
    assert_eq!(renamed["timezone"], "Europe/Paris");
    let list = api.ok(Method::GET, "/v1/locations", None, 200).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], shop_floor.as_str());

    // Stock items.
    let (status, created) = api
        .post(
            "/v1/inventory/items",
            json!({"sku": "BEANS-1KG", "name": "Espresso beans", "unit": "kg"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["data"]["unit"], "kg");
    assert_eq!(created["data"]["version"], 1);
    let beans = id(&created["data"]);
    let milk = api.stock_item("MILK", "l").await;
    let (status, body) = api
        .post(
            "/v1/inventory/items",
            json!({"sku": "CUPS", "name": "Cups", "unit": "dozen"}),
        )
        .await;
    assert_invalid(status, &body, "unit");
    let read = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/items/{beans}"),
            None,
            200,
        )
        .await;
    assert_eq!(read["sku"], "BEANS-1KG");
    let (status, page) = api.get("/v1/inventory/items?first=1").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    assert_eq!(page["data"][0]["id"], beans.as_str());
    assert_eq!(page["pagination"]["hasNextPage"], true);
    let cursor = page["pagination"]["endCursor"].as_str().unwrap();
    let (_, next) = api
        .get(&format!("/v1/inventory/items?first=1&after={cursor}"))
        .await;
    assert_eq!(next["data"][0]["id"], milk.as_str());
    assert_eq!(next["pagination"]["hasNextPage"], false);

    // Patch: a stale version conflicts; a null menu item unlinks.
    let (status, body) = api
        .post("/v1/menu/categories", json!({"name": "Retail"}))
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = api
        .post(
            "/v1/menu/items",
            json!({"categoryId": body["data"]["id"], "sku": "BAG-BEANS", "name": "Bag of beans",
                   "priceMinor": 1200, "currency": "EUR", "taxRateBp": 550}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let bag = id(&body["data"]);
    let linked = api
        .ok(
            Method::PATCH,
            &format!("/v1/inventory/items/{beans}"),
            Some(json!({"expectedVersion": 1, "menuItemId": bag})),
            200,
        )
        .await;
    assert_eq!(
        (&linked["menuItemId"], &linked["version"]),
        (&json!(bag), &json!(2))
    );
    let (status, body) = api
        .patch(
            &format!("/v1/inventory/items/{beans}"),
            json!({"expectedVersion": 1, "name": "Stale"}),
        )
        .await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("CONFLICT")));
    let renamed = api
        .ok(
            Method::PATCH,
            &format!("/v1/inventory/items/{beans}"),
            Some(json!({"name": "House beans"})),
            200,
        )
        .await;
    assert_eq!(
        renamed["menuItemId"],
        bag.as_str(),
        "left out keeps the link"
    );
    let unlinked = api
        .ok(
            Method::PATCH,
            &format!("/v1/inventory/items/{beans}"),
            Some(json!({"menuItemId": null})),
            200,
        )
        .await;
    assert_eq!(unlinked["menuItemId"], Value::Null);
    assert_eq!(unlinked["name"], "House beans");

    // Adjustments: quantities as strings or numbers, answered as strings.
    let received = api.receive(&beans, &shop_floor, json!("2.5")).await;
    assert_eq!(received["movement"]["kind"], "RECEIVED");
    assert_eq!(received["movement"]["quantity"], "2.5");
    assert_eq!(received["level"]["onHand"], "2.5");
    let (status, wasted) = api
        .post(
            "/v1/inventory/adjustments",
            json!({"stockItemId": beans, "locationId": shop_floor, "kind": "WASTE", "quantity": 0.25,
                   "reason": "spilled"}),
        )
        .await;
    assert_eq!(status, 201, "{wasted}");
    assert_eq!(wasted["data"]["movement"]["quantity"], "-0.25");
    assert_eq!(wasted["data"]["movement"]["reason"], "spilled");
    assert_eq!(wasted["data"]["level"]["onHand"], "2.25");
    assert_eq!(api.on_hand(&beans, &shop_floor).await, "2.25");
    let levels = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/levels?locationId={shop_floor}"),
            None,
            200,
        )
        .await;
    assert_eq!(levels.as_array().unwrap().len(), 2, "{levels}");

    // Bad input is VALIDATION naming the field, and moves nothing.
    for (label, change, field) in [
        ("zero", json!({"quantity": "0"}), "quantity"),
        ("zero number", json!({"quantity": 0}), "quantity"),
        ("negative", json!({"quantity": "-1"}), "quantity"),
        ("four decimals", json!({"quantity": "0.0001"}), "quantity"),
        ("not a number", json!({"quantity": "lots"}), "quantity"),
        ("a count", json!({"kind": "COUNT_CORRECTION"}), "kind"),
        ("lower case", json!({"kind": "received"}), "kind"),
        (
            "future",
            json!({"occurredAt": "2999-01-01T00:00:00Z"}),
            "occurredAt",
        ),
        ("bad id", json!({"stockItemId": "nope"}), "stockItemId"),
        (
            "unknown location",
            json!({"locationId": shop.id}),
            "locationId",
        ),
    ] {
        let mut body = json!({"stockItemId": beans, "locationId": shop_floor, "kind": "RECEIVED", "quantity": "1"});
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, answer) = api.post("/v1/inventory/adjustments", body).await;
        assert_eq!(status, 400, "{label}: {answer}");
        assert_invalid(status, &answer, field);
    }
    // An id that names nothing is NOT_FOUND, as another tenant's would be.
    let (status, answer) = api
        .post(
            "/v1/inventory/adjustments",
            json!({"stockItemId": shop.id, "locationId": shop_floor, "kind": "RECEIVED", "quantity": "1"}),
        )
        .await;
    assert_eq!(
        (status, &answer["error"]["code"]),
        (404, &json!("NOT_FOUND")),
        "{answer}"
    );
    let (status, answer) = api.get("/v1/inventory/levels?lowOnly=maybe").await;
    assert_invalid(status, &answer, "lowOnly");
    assert_eq!(api.on_hand(&beans, &shop_floor).await, "2.25");

    // Reorder points: string, number, null; a required field.
    let level = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/items/{beans}/reorder-points/{shop_floor}"),
            Some(json!({"reorderPoint": "3"})),
            200,
        )
        .await;
    assert_eq!(
        (&level["reorderPoint"], &level["low"]),
        (&json!("3"), &json!(true))
    );
    let low = api
        .ok(Method::GET, "/v1/inventory/levels?lowOnly=true", None, 200)
        .await;
    assert_eq!(low.as_array().unwrap().len(), 1);
    assert_eq!(low[0]["stockItemId"], beans.as_str());
    let level = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/items/{beans}/reorder-points/{shop_floor}"),
            Some(json!({"reorderPoint": 1.5})),
            200,
        )
        .await;
    assert_eq!(
        (&level["reorderPoint"], &level["low"]),
        (&json!("1.5"), &json!(false))
    );
    let (status, body) = api
        .put(
            &format!("/v1/inventory/items/{beans}/reorder-points/{shop_floor}"),
            json!({}),
        )
        .await;
    assert_invalid(status, &body, "reorderPoint");
    let (status, body) = api
        .put(
            &format!("/v1/inventory/items/{beans}/reorder-points/{shop_floor}"),
            json!({"reorderPoint": "-1"}),
        )
        .await;
    assert_invalid(status, &body, "reorderPoint");
    // The location is part of the address: one that is not the business's is 404.
    let (status, body) = api
        .put(
            &format!(
                "/v1/inventory/items/{beans}/reorder-points/{}",
                uuid::Uuid::new_v4()
            ),
            json!({"reorderPoint": "1"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("NOT_FOUND")),
        "{body}"
    );
    let level = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/items/{beans}/reorder-points/{shop_floor}"),
            Some(json!({"reorderPoint": null})),
            200,
        )
        .await;
    assert_eq!(level["reorderPoint"], Value::Null);

    // The ledger, paged.
    let (status, page) = api
        .get(&format!(
            "/v1/inventory/movements?stockItemId={beans}&first=1"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"][0]["kind"], "RECEIVED");
    assert_eq!(page["pagination"]["hasNextPage"], true);
    let cursor = page["pagination"]["endCursor"].as_str().unwrap();
    let (_, next) = api
        .get(&format!(
            "/v1/inventory/movements?stockItemId={beans}&locationId={shop_floor}&first=5&after={cursor}"
        ))
        .await;
    assert_eq!(next["data"].as_array().unwrap().len(), 1, "{next}");
    assert_eq!(next["data"][0]["kind"], "WASTE");
    assert_eq!(next["pagination"]["hasNextPage"], false);

    // A cashier may read stock but not move it.
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let till = Rest::new(&server, &cashier);
    assert_eq!(till.on_hand(&beans, &shop_floor).await, "2.25");
    let (status, body) = till
        .post(
            "/v1/inventory/adjustments",
            json!({"stockItemId": beans, "locationId": shop_floor, "kind": "SALE", "quantity": "1"}),
        )
        .await;
    assert_eq!((status, &body["error"]["code"]), (403, &json!("AUTHZ")));
    let (status, body) = till.post("/v1/locations", json!({"name": "Pop-up"})).await;
    assert_eq!((status, &body["error"]["code"]), (403, &json!("AUTHZ")));
}
