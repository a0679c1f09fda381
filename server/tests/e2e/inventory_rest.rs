//! `/v1/locations` and `/v1/inventory` over HTTP, as an integrator or a
//! terminal would use them: the same services as GraphQL behind thin handlers.

use crate::harness::{TenantFixture, TestServer};
use crate::rest_client::Rest;
use reqwest::Method;
use serde_json::{Value, json};

impl Rest<'_> {
    async fn location(&self, name: &str) -> String {
        let data = self
            .ok(
                Method::POST,
                "/v1/locations",
                Some(json!({"name": name})),
                201,
            )
            .await;
        id(&data)
    }

    async fn stock_item(&self, sku: &str, unit: &str) -> String {
        let data = self
            .ok(
                Method::POST,
                "/v1/inventory/items",
                Some(json!({"sku": sku, "name": format!("{sku} stock"), "unit": unit})),
                201,
            )
            .await;
        id(&data)
    }

    async fn receive(&self, item: &str, location: &str, quantity: Value) -> Value {
        self.ok(
            Method::POST,
            "/v1/inventory/adjustments",
            Some(json!({"stockItemId": item, "locationId": location, "kind": "RECEIVED", "quantity": quantity})),
            201,
        )
        .await
    }

    async fn on_hand(&self, item: &str, location: &str) -> Value {
        let levels = self
            .ok(
                Method::GET,
                &format!("/v1/inventory/levels?stockItemId={item}&locationId={location}"),
                None,
                200,
            )
            .await;
        let levels = levels.as_array().unwrap();
        assert_eq!(levels.len(), 1, "{levels:?}");
        levels[0]["onHand"].clone()
    }
}

fn id(data: &Value) -> String {
    data["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {data}"))
        .to_owned()
}

/// Asserts a `VALIDATION` answer naming `field`.
fn assert_invalid(status: u16, body: &Value, field: &str) {
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "VALIDATION", "{body}");
    assert!(
        body["error"]["details"]["fields"].get(field).is_some(),
        "{field} not named: {body}"
    );
}

async fn owner(server: &TestServer, hint: &str) -> (TenantFixture, String) {
    let shop = server.tenant(hint).await;
    let token = shop.owner_token.clone();
    (shop, token)
}

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

#[tokio::test]
async fn rest_adjustments_honour_the_idempotency_key_header() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-idem").await;
    let api = Rest::new(&server, &token);
    let bar = api.location("Bar").await;
    let limes = api.stock_item("LIMES", "each").await;
    let body = json!({"stockItemId": limes, "locationId": bar, "kind": "RECEIVED", "quantity": 12, "reason": "delivery 118"});
    let key = [("Idempotency-Key", "3c4f1f9e-delivery-118")];

    let (first_status, first) = api
        .send(
            Method::POST,
            "/v1/inventory/adjustments",
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(first_status, 201, "{first}");
    let (again_status, again) = api
        .send(
            Method::POST,
            "/v1/inventory/adjustments",
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(again_status, 201, "{again}");
    assert_eq!(
        again["data"], first["data"],
        "a retry answers the first result"
    );
    assert_eq!(api.on_hand(&limes, &bar).await, "12");
    let movements = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/movements?stockItemId={limes}"),
            None,
            200,
        )
        .await;
    assert_eq!(movements.as_array().unwrap().len(), 1, "{movements}");
    assert_eq!(movements[0]["id"], first["data"]["movement"]["id"]);

    // The same key with another body is a conflict, and moves nothing.
    let mut other = body.clone();
    other["quantity"] = json!(13);
    let (status, answer) = api
        .send(Method::POST, "/v1/inventory/adjustments", Some(other), &key)
        .await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "CONFLICT");
    assert_eq!(api.on_hand(&limes, &bar).await, "12");

    // Another key, or none, is another adjustment.
    let (status, _) = api
        .send(
            Method::POST,
            "/v1/inventory/adjustments",
            Some(body.clone()),
            &[("Idempotency-Key", "delivery-119")],
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = api.post("/v1/inventory/adjustments", body.clone()).await;
    assert_eq!(status, 201);
    assert_eq!(api.on_hand(&limes, &bar).await, "36");

    // A key that is not a key is VALIDATION.
    let long = "k".repeat(300);
    let (status, answer) = api
        .send(
            Method::POST,
            "/v1/inventory/adjustments",
            Some(body),
            &[("Idempotency-Key", long.as_str())],
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "VALIDATION");
    assert_eq!(api.on_hand(&limes, &bar).await, "36");
}

#[tokio::test]
async fn rest_transfers_move_stock_between_locations() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-transfer").await;
    let api = Rest::new(&server, &token);
    let kitchen = api.location("Central kitchen").await;
    let cafe = api.location("Cafe").await;
    let flour = api.stock_item("FLOUR", "kg").await;
    let sugar = api.stock_item("SUGAR", "kg").await;
    api.receive(&flour, &kitchen, json!("10")).await;
    api.receive(&sugar, &kitchen, json!("5")).await;

    let (status, sent) = api
        .post(
            "/v1/inventory/transfers",
            json!({"fromLocationId": kitchen, "toLocationId": cafe, "note": "Monday run",
                   "lines": [{"stockItemId": flour, "quantity": "4"}, {"stockItemId": sugar, "quantity": 1.5}]}),
        )
        .await;
    assert_eq!(status, 201, "{sent}");
    let sent = &sent["data"];
    assert_eq!(sent["status"], "IN_TRANSIT");
    assert_eq!(sent["lines"].as_array().unwrap().len(), 2);
    let transfer = id(sent);
    assert_eq!(api.on_hand(&flour, &kitchen).await, "6");
    assert_eq!(api.on_hand(&flour, &cafe).await, "0");
    let in_transit = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/transfers?status=IN_TRANSIT&locationId={cafe}"),
            None,
            200,
        )
        .await;
    assert_eq!(in_transit.as_array().unwrap().len(), 1);
    assert_eq!(in_transit[0]["id"], transfer.as_str());

    let received = api
        .ok(
            Method::POST,
            &format!("/v1/inventory/transfers/{transfer}/receive"),
            None,
            200,
        )
        .await;
    assert_eq!(received["status"], "RECEIVED");
    assert!(received["closedAt"].is_string());
    assert_eq!(api.on_hand(&flour, &cafe).await, "4");
    assert_eq!(api.on_hand(&sugar, &cafe).await, "1.5");
    let (status, body) = api
        .send(
            Method::POST,
            &format!("/v1/inventory/transfers/{transfer}/receive"),
            None,
            &[],
        )
        .await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("CONFLICT")));
    let read = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/transfers/{transfer}"),
            None,
            200,
        )
        .await;
    assert_eq!(read["status"], "RECEIVED");

    // Cancelling one in transit returns the stock to the source.
    let back = api
        .ok(
            Method::POST,
            "/v1/inventory/transfers",
            Some(json!({"fromLocationId": kitchen, "toLocationId": cafe,
                        "lines": [{"stockItemId": flour, "quantity": "1"}]})),
            201,
        )
        .await;
    assert_eq!(api.on_hand(&flour, &kitchen).await, "5");
    let cancelled = api
        .ok(
            Method::POST,
            &format!("/v1/inventory/transfers/{}/cancel", id(&back)),
            None,
            200,
        )
        .await;
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(api.on_hand(&flour, &kitchen).await, "6");

    // Bad transfers are VALIDATION, enum filters too.
    let (status, body) = api
        .post(
            "/v1/inventory/transfers",
            json!({"fromLocationId": kitchen, "toLocationId": kitchen,
                   "lines": [{"stockItemId": flour, "quantity": "1"}]}),
        )
        .await;
    assert_invalid(status, &body, "toLocationId");
    let (status, body) = api
        .post(
            "/v1/inventory/transfers",
            json!({"fromLocationId": kitchen, "toLocationId": cafe,
                   "lines": [{"stockItemId": flour, "quantity": "0"}]}),
        )
        .await;
    assert_invalid(status, &body, "lines[0].quantity");
    let (status, body) = api.get("/v1/inventory/transfers?status=in_transit").await;
    assert_invalid(status, &body, "status");
    let all = api
        .ok(Method::GET, "/v1/inventory/transfers", None, 200)
        .await;
    assert_eq!(all.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn rest_counts_post_with_their_variance() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-count").await;
    let api = Rest::new(&server, &token);
    let store = api.location("Store room").await;
    let oil = api.stock_item("OIL", "l").await;
    api.receive(&oil, &store, json!("10")).await;

    let (status, started) = api
        .post(
            "/v1/inventory/counts",
            json!({"locationId": store, "note": "month end"}),
        )
        .await;
    assert_eq!(status, 201, "{started}");
    assert_eq!(started["data"]["status"], "OPEN");
    assert_eq!(started["data"]["lines"], json!([]));
    let count = id(&started["data"]);

    let (status, body) = api
        .send(
            Method::POST,
            &format!("/v1/inventory/counts/{count}/post"),
            None,
            &[],
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("VALIDATION"))
    );

    let recorded = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/counts/{count}/lines/{oil}"),
            Some(json!({"counted": "7.5"})),
            200,
        )
        .await;
    let line = &recorded["lines"][0];
    assert_eq!(
        (&line["counted"], &line["expected"], &line["variance"]),
        (&json!("7.5"), &json!("10"), &json!("-2.5"))
    );
    let (status, body) = api
        .put(
            &format!("/v1/inventory/counts/{count}/lines/{oil}"),
            json!({"counted": "-1"}),
        )
        .await;
    assert_invalid(status, &body, "counted");
    let (status, body) = api
        .put(
            &format!("/v1/inventory/counts/{count}/lines/not-a-uuid"),
            json!({"counted": "1"}),
        )
        .await;
    assert_invalid(status, &body, "stockItemId");
    let (status, body) = api
        .put(
            &format!(
                "/v1/inventory/counts/{count}/lines/{}",
                uuid::Uuid::new_v4()
            ),
            json!({"counted": "1"}),
        )
        .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (404, &json!("NOT_FOUND")),
        "an unknown stock item in the path: {body}"
    );

    let posted = api
        .ok(
            Method::POST,
            &format!("/v1/inventory/counts/{count}/post"),
            None,
            200,
        )
        .await;
    assert_eq!(posted["status"], "POSTED");
    assert_eq!(posted["lines"][0]["variance"], "-2.5");
    assert_eq!(api.on_hand(&oil, &store).await, "7.5");
    let movements = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/movements?stockItemId={oil}"),
            None,
            200,
        )
        .await;
    let last = movements.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["kind"], &last["quantity"], &last["counted"]),
        (&json!("COUNT_CORRECTION"), &json!("-2.5"), &json!("7.5"))
    );
    assert_eq!(last["sourceType"], "stock_count");

    let (status, body) = api
        .send(
            Method::POST,
            &format!("/v1/inventory/counts/{count}/cancel"),
            None,
            &[],
        )
        .await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("CONFLICT")));
    let read = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/counts/{count}"),
            None,
            200,
        )
        .await;
    assert_eq!(read["status"], "POSTED");
    assert_eq!(read["note"], "month end");
    let posted_list = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/counts?locationId={store}&status=POSTED"),
            None,
            200,
        )
        .await;
    assert_eq!(posted_list.as_array().unwrap().len(), 1);
    let open_list = api
        .ok(Method::GET, "/v1/inventory/counts?status=OPEN", None, 200)
        .await;
    assert_eq!(open_list, json!([]));

    // A second count, cancelled.
    let second = api
        .ok(
            Method::POST,
            "/v1/inventory/counts",
            Some(json!({"locationId": store})),
            201,
        )
        .await;
    let cancelled = api
        .ok(
            Method::POST,
            &format!("/v1/inventory/counts/{}/cancel", id(&second)),
            None,
            200,
        )
        .await;
    assert_eq!(cancelled["status"], "CANCELLED");
    let (status, body) = api.get("/v1/inventory/counts?status=DONE").await;
    assert_invalid(status, &body, "status");
}

#[tokio::test]
async fn rest_recipes_of_menu_items_and_modifiers() {
    let server = TestServer::start().await;
    let (_, token) = owner(&server, "inv-recipe").await;
    let api = Rest::new(&server, &token);
    let beans = api.stock_item("BEANS", "kg").await;
    let milk = api.stock_item("MILK", "l").await;
    let oat = api.stock_item("OAT", "l").await;
    let category = api
        .ok(
            Method::POST,
            "/v1/menu/categories",
            Some(json!({"name": "Coffee"})),
            201,
        )
        .await;
    let group = api
        .ok(
            Method::POST,
            "/v1/menu/modifier-groups",
            Some(json!({"name": "Milk", "minSelect": 0, "maxSelect": 1, "modifiers": [{"name": "Oat", "priceDeltaMinor": 40}]})),
            201,
        )
        .await;
    let oat_modifier = id(&group["modifiers"][0]);
    let latte = api
        .ok(
            Method::POST,
            "/v1/menu/items",
            Some(json!({"categoryId": category["id"], "sku": "LATTE", "name": "Latte", "priceMinor": 380,
                        "currency": "EUR", "taxRateBp": 1000, "modifierGroupIds": [group["id"]]})),
            201,
        )
        .await;
    let latte = id(&latte);

    let empty = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/recipes/menu-items/{latte}"),
            None,
            200,
        )
        .await;
    assert_eq!(empty["components"], json!([]));
    let set = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/recipes/menu-items/{latte}"),
            Some(json!({"components": [{"stockItemId": beans, "quantity": "0.018"}, {"stockItemId": milk, "quantity": 0.2}]})),
            200,
        )
        .await;
    assert_eq!(set["menuItemId"], latte.as_str());
    assert_eq!(set["components"].as_array().unwrap().len(), 2);
    let read = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/recipes/menu-items/{latte}"),
            None,
            200,
        )
        .await;
    assert_eq!(read, set);
    let by_sku: Vec<(String, String)> = read["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["sku"].as_str().unwrap().to_owned(),
                c["quantity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        by_sku.contains(&("BEANS".into(), "0.018".into())),
        "{by_sku:?}"
    );
    assert!(
        by_sku.contains(&("MILK".into(), "0.2".into())),
        "{by_sku:?}"
    );

    let modifier = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/recipes/modifiers/{oat_modifier}"),
            Some(json!({"components": [{"stockItemId": oat, "quantity": "0.2"}]})),
            200,
        )
        .await;
    assert_eq!(modifier["modifierId"], oat_modifier.as_str());
    assert_eq!(modifier["menuItemId"], Value::Null);
    let read = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/recipes/modifiers/{oat_modifier}"),
            None,
            200,
        )
        .await;
    assert_eq!(read["components"][0]["unit"], "l");

    // Bad recipes are refused and leave the old one.
    let (status, body) = api
        .put(
            &format!("/v1/inventory/recipes/menu-items/{latte}"),
            json!({"components": [{"stockItemId": beans, "quantity": "1"}, {"stockItemId": beans, "quantity": "2"}]}),
        )
        .await;
    assert_invalid(status, &body, "components[1].stockItemId");
    let (status, body) = api
        .put(
            &format!("/v1/inventory/recipes/menu-items/{latte}"),
            json!({}),
        )
        .await;
    assert_invalid(status, &body, "components");
    let still = api
        .ok(
            Method::GET,
            &format!("/v1/inventory/recipes/menu-items/{latte}"),
            None,
            200,
        )
        .await;
    assert_eq!(still, set);
    // A menu item or modifier that does not exist is NOT_FOUND.
    let nothing = uuid::Uuid::now_v7();
    for kind in ["menu-items", "modifiers"] {
        let path = format!("/v1/inventory/recipes/{kind}/{nothing}");
        let (status, body) = api.get(&path).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (404, &json!("NOT_FOUND")),
            "{path}"
        );
        let (status, _) = api.put(&path, json!({"components": []})).await;
        assert_eq!(status, 404, "{path}");
    }
    // An empty list clears it.
    let cleared = api
        .ok(
            Method::PUT,
            &format!("/v1/inventory/recipes/menu-items/{latte}"),
            Some(json!({"components": []})),
            200,
        )
        .await;
    assert_eq!(cleared["components"], json!([]));
}

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
    let count = id(&mine
        .ok(
            Method::POST,
            "/v1/inventory/counts",
            Some(json!({"locationId": cellar})),
            201,
        )
        .await);
    let transfer = id(&mine
        .ok(
            Method::POST,
            "/v1/inventory/transfers",
            Some(json!({"fromLocationId": cellar, "toLocationId": annex,
                        "lines": [{"stockItemId": wine, "quantity": 6}]})),
            201,
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
    for path in [
        format!("/v1/inventory/transfers/{transfer}/receive"),
        format!("/v1/inventory/counts/{count}/cancel"),
    ] {
        let (status, _) = theirs.send(Method::POST, &path, None, &[]).await;
        assert_eq!(status, 404, "{path}");
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
    let read = mine
        .ok(
            Method::GET,
            &format!("/v1/inventory/items/{wine}"),
            None,
            200,
        )
        .await;
    assert_eq!(read["name"], "WINE stock");
    assert_eq!(mine.on_hand(&wine, &cellar).await, "18");
    let open = mine
        .ok(
            Method::GET,
            &format!("/v1/inventory/counts/{count}"),
            None,
            200,
        )
        .await;
    assert_eq!(open["status"], "OPEN");
    let in_transit = mine
        .ok(
            Method::GET,
            &format!("/v1/inventory/transfers/{transfer}"),
            None,
            200,
        )
        .await;
    assert_eq!(in_transit["status"], "IN_TRANSIT");
}

#[tokio::test]
async fn rest_openapi_documents_locations_and_inventory() {
    let server = TestServer::start().await;
    let (status, _, doc) = server.get_json("/v1/openapi.json").await;
    assert_eq!(status, 200);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/v1/locations", "get"),
        ("/v1/locations", "post"),
        ("/v1/locations/{id}", "patch"),
        ("/v1/inventory/items", "get"),
        ("/v1/inventory/items", "post"),
        ("/v1/inventory/items/{id}", "get"),
        ("/v1/inventory/items/{id}", "patch"),
        (
            "/v1/inventory/items/{id}/reorder-points/{locationId}",
            "put",
        ),
        ("/v1/inventory/levels", "get"),
        ("/v1/inventory/adjustments", "post"),
        ("/v1/inventory/movements", "get"),
        ("/v1/inventory/counts", "get"),
        ("/v1/inventory/counts", "post"),
        ("/v1/inventory/counts/{id}", "get"),
        ("/v1/inventory/counts/{id}/lines/{stockItemId}", "put"),
        ("/v1/inventory/counts/{id}/post", "post"),
        ("/v1/inventory/counts/{id}/cancel", "post"),
        ("/v1/inventory/transfers", "get"),
        ("/v1/inventory/transfers", "post"),
        ("/v1/inventory/transfers/{id}", "get"),
        ("/v1/inventory/transfers/{id}/receive", "post"),
        ("/v1/inventory/transfers/{id}/cancel", "post"),
        ("/v1/inventory/recipes/menu-items/{id}", "get"),
        ("/v1/inventory/recipes/menu-items/{id}", "put"),
        ("/v1/inventory/recipes/modifiers/{id}", "get"),
        ("/v1/inventory/recipes/modifiers/{id}", "put"),
    ] {
        let op = &paths[path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert!(op["responses"].is_object(), "{method} {path}");
        assert_eq!(op["security"], json!([{ "bearer": [] }]), "{method} {path}");
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path}"
        );
    }
    let adjust = &paths["/v1/inventory/adjustments"]["post"];
    assert!(adjust["responses"]["201"].is_object());
    assert!(adjust["requestBody"].is_object());
    assert!(
        adjust["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
        "{adjust}"
    );
    for schema in [
        "Location",
        "StockItem",
        "StockLevel",
        "Movement",
        "StockAdjustment",
        "StockCount",
        "StockTransfer",
        "Recipe",
        "Quantity",
        "QuantityInput",
        "CountStatus",
        "TransferStatus",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "schema {schema}"
        );
    }
    assert_eq!(
        doc["components"]["schemas"]["TransferStatus"]["enum"],
        json!(["IN_TRANSIT", "RECEIVED", "CANCELLED"])
    );
}
