//! The café most point-of-sale tests sell from, made through the API.

use crate::harness::{TenantFixture, TestServer, string as s};
use serde_json::{Value, json};

/// A café: a location, a latte (variants, a milk choice, extras) that uses
/// beans and milk, oat milk for the oat modifier, and a croissant sold as
/// retail stock.
pub struct Cafe {
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

pub async fn cafe(server: &TestServer, hint: &str) -> Cafe {
    let shop = server.tenant(hint).await;
    let owner = shop.owner_token.clone();
    let o = Some(owner.as_str());
    let location = server.inventory(&owner).location("Corner").await;
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
        server
            .inventory(&owner)
            .adjust(json!({"stockItemId": item, "locationId": location, "kind": "RECEIVED", "quantity": quantity}),
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
