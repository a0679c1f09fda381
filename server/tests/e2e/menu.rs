//! The menu: categories, items, variants, modifier groups, sold-out switches.

use crate::events::{next_event, subscribe};
use crate::harness::{TenantFixture, TestServer, assert_invalid};
use reqwest::Method;
use serde_json::{Value, json};

async fn category(server: &TestServer, t: &TenantFixture, name: &str) -> String {
    server
        .gql_ok(
            "mutation($i: CreateMenuCategoryInput!) { createMenuCategory(input: $i) { id } }",
            json!({"i": {"name": name}}),
            Some(&t.owner_token),
        )
        .await["createMenuCategory"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn item_input(category: &str, sku: &str) -> Value {
    json!({"categoryId": category, "sku": sku, "name": "Flat white", "priceMinor": 350, "currency": "EUR", "taxRateBp": 1000})
}

const CREATE_ITEM: &str =
    "mutation($i: CreateMenuItemInput!) { createMenuItem(input: $i) { id version soldOut } }";

/// Creates the menu item `input` as the holder of `token`: the new item.
async fn create_item(server: &TestServer, token: &str, input: Value) -> Value {
    server
        .gql_ok(CREATE_ITEM, json!({"i": input}), Some(token))
        .await["createMenuItem"]
        .clone()
}

#[tokio::test]
async fn a_menu_with_variants_and_modifiers_reads_back_whole() {
    let server = TestServer::start().await;
    let shop = server.tenant("menu").await;
    let drinks = category(&server, &shop, "Drinks").await;
    let milk = server
        .gql_ok(
            "mutation($i: CreateModifierGroupInput!) { createModifierGroup(input: $i) { id minSelect maxSelect modifiers { name priceDeltaMinor } } }",
            json!({"i": {"name": "Milk", "minSelect": 0, "maxSelect": 1,
                         "modifiers": [{"name": "Oat", "priceDeltaMinor": 40}, {"name": "Soy", "priceDeltaMinor": 40}]}}),
            Some(&shop.owner_token),
        )
        .await["createModifierGroup"]
        .clone();
    assert_eq!(milk["modifiers"].as_array().unwrap().len(), 2);
    let mut input = item_input(&drinks, "FW-1");
    input["variants"] = json!([{"name": "Regular"}, {"name": "Large", "priceDeltaMinor": 60}]);
    input["modifierGroupIds"] = json!([milk["id"]]);
    create_item(&server, &shop.owner_token, input).await;
    for n in 2..=4 {
        create_item(
            &server,
            &shop.owner_token,
            item_input(&drinks, &format!("FW-{n}")),
        )
        .await;
    }
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let menu = server
        .gql_ok(
            "{ menuItems(first: 10) { nodes { sku priceMinor currency taxRateBp variants { name priceDeltaMinor } modifierGroups { name modifiers { name } } } } }",
            json!({}),
            Some(&cashier),
        )
        .await;
    let nodes = menu["menuItems"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 4);
    assert_eq!(nodes[0]["sku"], "FW-1");
    assert_eq!(
        nodes[0]["variants"],
        json!([{"name": "Regular", "priceDeltaMinor": 0}, {"name": "Large", "priceDeltaMinor": 60}])
    );
    assert_eq!(nodes[0]["modifierGroups"][0]["modifiers"][1]["name"], "Soy");
    assert_eq!(nodes[1]["variants"], json!([]));
}

#[tokio::test]
async fn bad_menu_input_is_refused_and_writes_nothing() {
    let server = TestServer::start().await;
    let shop = server.tenant("menu-bad").await;
    let other = server.tenant("menu-bad-other").await;
    let drinks = category(&server, &shop, "Drinks").await;
    let theirs = category(&server, &other, "Theirs").await;
    let cases = [
        (
            "negative price",
            json!({"priceMinor": -1}),
            "VALIDATION",
            "priceMinor",
        ),
        (
            "bad currency",
            json!({"currency": "euro"}),
            "VALIDATION",
            "currency",
        ),
        (
            "tax over 100 %",
            json!({"taxRateBp": 10001}),
            "VALIDATION",
            "taxRateBp",
        ),
        ("bad sku", json!({"sku": "has space"}), "VALIDATION", "sku"),
        (
            "another tenant's category",
            json!({"categoryId": theirs}),
            "VALIDATION",
            "categoryId",
        ),
        (
            "twice the same variant",
            json!({"variants": [{"name": "L"}, {"name": "l"}]}),
            "VALIDATION",
            "variants",
        ),
    ];
    for (label, change, code, field) in cases {
        let mut input = item_input(&drinks, "X-1");
        for (k, v) in change.as_object().unwrap() {
            input[k] = v.clone();
        }
        let (got, body) = server
            .gql_err(CREATE_ITEM, json!({"i": input}), Some(&shop.owner_token))
            .await;
        assert_eq!(got, code, "{label}: {body}");
        assert!(
            body["errors"][0]["extensions"]["details"]["fields"]
                .get(field)
                .is_some(),
            "{label}: {body}"
        );
    }
    let (got, _) = server
        .gql_err(
            "mutation($i: CreateModifierGroupInput!) { createModifierGroup(input: $i) { id } }",
            json!({"i": {"name": "Sides", "minSelect": 2, "maxSelect": 1, "modifiers": [{"name": "Fries"}]}}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(got, "VALIDATION");
    let count = server
        .gql_ok(
            "{ menuItems { nodes { id } } modifierGroups { id } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(count["menuItems"]["nodes"], json!([]));
    assert_eq!(count["modifierGroups"], json!([]));

    // Duplicates are conflicts, with the field named.
    create_item(&server, &shop.owner_token, item_input(&drinks, "DUP")).await;
    let (got, body) = server
        .gql_err(
            CREATE_ITEM,
            json!({"i": item_input(&drinks, "DUP")}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(got, "CONFLICT");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["fields"]["sku"],
        "is taken"
    );
    // The same SKU in another tenant is fine.
    create_item(&server, &other.owner_token, item_input(&theirs, "DUP")).await;
}

#[tokio::test]
async fn stale_versions_conflict_and_permissions_hold() {
    let server = TestServer::start().await;
    let shop = server.tenant("menu-rules").await;
    let drinks = category(&server, &shop, "Drinks").await;
    let item = create_item(&server, &shop.owner_token, item_input(&drinks, "V-1")).await;
    let update =
        "mutation($i: UpdateMenuItemInput!) { updateMenuItem(input: $i) { version priceMinor } }";
    let first = server
        .gql_ok(
            update,
            json!({"i": {"itemId": item["id"], "expectedVersion": 1, "priceMinor": 380}}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(
        first["updateMenuItem"],
        json!({"version": 2, "priceMinor": 380})
    );
    let (code, body) = server
        .gql_err(
            update,
            json!({"i": {"itemId": item["id"], "expectedVersion": 1, "priceMinor": 999}}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(code, "CONFLICT");
    assert_eq!(
        body["errors"][0]["extensions"]["details"]["currentVersion"],
        2
    );

    let (_, cashier) = server.staff(&shop, "cashier").await;
    let (code, body) = server
        .gql_err(
            CREATE_ITEM,
            json!({"i": item_input(&drinks, "V-2")}),
            Some(&cashier),
        )
        .await;
    assert_eq!(
        (
            code.as_str(),
            &body["errors"][0]["extensions"]["details"]["permission"]
        ),
        ("AUTHZ", &json!("menu.catalog.write"))
    );
    // Switching the menu module off closes it, reads included.
    let admin = server.superadmin_token().await;
    server
        .gql_ok(
            "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { enabled } } }",
            json!({"i": {"tenantId": shop.id, "moduleKey": "menu", "enabled": false, "reason": "operator test"}}),
            Some(&admin),
        )
        .await;
    let (code, body) = server
        .gql_err(
            "{ menuCategories { id } }",
            json!({}),
            Some(&shop.owner_token),
        )
        .await;
    assert_eq!(
        (
            code.as_str(),
            &body["errors"][0]["extensions"]["details"]["module"]
        ),
        ("AUTHZ", &json!("menu"))
    );
}

#[tokio::test]
async fn sold_out_reaches_the_kitchen_and_the_tills_live() {
    let server = TestServer::start().await;
    let shop = server.tenant("sold-out").await;
    let drinks = category(&server, &shop, "Drinks").await;
    let item = create_item(&server, &shop.owner_token, item_input(&drinks, "S-1")).await;
    let (_, kitchen) = server.staff(&shop, "kitchen").await;
    let (_, cashier) = server.staff(&shop, "cashier").await;
    let mut till = subscribe(&server, &cashier, None).await;
    let set = "mutation($i: SetMenuItemAvailabilityInput!) { setMenuItemAvailability(input: $i) { soldOut version } }";
    let done = server
        .gql_ok(
            set,
            json!({"i": {"itemId": item["id"], "soldOut": true}}),
            Some(&kitchen),
        )
        .await;
    assert_eq!(done["setMenuItemAvailability"]["soldOut"], true);
    let event = next_event(&mut till).await;
    assert_eq!(event["type"], "menu.item.availability_changed");
    assert_eq!(event["data"]["soldOut"], true);
    assert_eq!(event["entityId"], item["id"]);
    // A cashier may read the menu but not switch availability.
    let (code, _) = server
        .gql_err(
            set,
            json!({"i": {"itemId": item["id"], "soldOut": false}}),
            Some(&cashier),
        )
        .await;
    assert_eq!(code, "AUTHZ");
}

/// The same menu over `/v1/menu`, for integrators.
#[tokio::test]
async fn the_rest_menu_api_serves_integrators_and_keeps_tenants_apart() {
    let server = TestServer::start().await;
    let shop = server.tenant("rest-menu").await;
    let other = server.tenant("rest-menu-other").await;
    let api = server.rest(&shop.owner_token);
    let category = api
        .ok(
            Method::POST,
            "/v1/menu/categories",
            Some(json!({"name": "Bakery"})),
            201,
        )
        .await["id"]
        .clone();
    let group = api
        .ok(
            Method::POST,
            "/v1/menu/modifier-groups",
            Some(json!({"name": "Warm?", "minSelect": 1, "maxSelect": 1, "modifiers": [{"name": "Warm"}, {"name": "Cold"}]})),
            201,
        )
        .await["id"]
        .clone();
    let item = api
        .ok(
            Method::POST,
            "/v1/menu/items",
            Some(json!({"categoryId": category, "sku": "CROISSANT", "name": "Croissant", "priceMinor": 275, "currency": "EUR",
                        "taxRateBp": 550, "variants": [{"name": "Almond", "priceDeltaMinor": 50}], "modifierGroupIds": [group]})),
            201,
        )
        .await;
    assert_eq!(item["variants"][0]["name"], "Almond");
    assert_eq!(
        item["modifierGroups"][0]["modifiers"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let id = item["id"].as_str().unwrap();

    let (_, list) = api.get("/v1/menu/items?first=10").await;
    assert_eq!(list["data"][0]["sku"], "CROISSANT");
    assert_eq!(list["pagination"]["hasNextPage"], false);

    let availability = api
        .ok(
            Method::PUT,
            &format!("/v1/menu/items/{id}/availability"),
            Some(json!({"soldOut": true})),
            200,
        )
        .await;
    assert_eq!(availability["soldOut"], true);

    // Bad input is a taxonomy error naming the field.
    let (status, body) = api.post("/v1/menu/items", json!({"categoryId": category, "sku": "X", "name": "X", "priceMinor": -5, "currency": "EUR", "taxRateBp": 0})).await;
    assert_invalid(status, &body, "priceMinor");

    // Another tenant: the item does not exist for them, and nothing changes.
    let them = server.rest(&other.owner_token);
    for (method, path) in [
        (Method::GET, format!("/v1/menu/items/{id}")),
        (Method::DELETE, format!("/v1/menu/items/{id}")),
    ] {
        let (status, _) = them.send(method.clone(), &path, None, &[]).await;
        assert_eq!(status, 404, "{method} {path}");
    }
    let (status, _) = them
        .patch(&format!("/v1/menu/items/{id}"), json!({"priceMinor": 1}))
        .await;
    assert_eq!(status, 404);
    let (_, still) = api.get(&format!("/v1/menu/items/{id}")).await;
    assert_eq!(still["data"]["priceMinor"], 275);
    assert_eq!(still["data"]["soldOut"], true);
}
