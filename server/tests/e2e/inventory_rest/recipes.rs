//! Recipes of menu items and modifiers over REST.

use super::*;

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

    let recipe = format!("recipes/menu-items/{latte}");
    let empty = api.inventory(&recipe).await;
    assert_eq!(empty["components"], json!([]));
    let set = api
        .set_recipe(
            &format!("menu-items/{latte}"),
            json!([{"stockItemId": beans, "quantity": "0.018"}, {"stockItemId": milk, "quantity": 0.2}]),
        )
        .await;
    assert_eq!(set["menuItemId"], latte.as_str());
    assert_eq!(set["components"].as_array().unwrap().len(), 2);
    let read = api.inventory(&recipe).await;
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
        .set_recipe(
            &format!("modifiers/{oat_modifier}"),
            json!([{"stockItemId": oat, "quantity": "0.2"}]),
        )
        .await;
    assert_eq!(modifier["modifierId"], oat_modifier.as_str());
    assert_eq!(modifier["menuItemId"], Value::Null);
    let read = api
        .inventory(&format!("recipes/modifiers/{oat_modifier}"))
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
    let still = api.inventory(&recipe).await;
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
        .set_recipe(&format!("menu-items/{latte}"), json!([]))
        .await;
    assert_eq!(cleared["components"], json!([]));
}
