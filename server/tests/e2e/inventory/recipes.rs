//! Recipes say what a sale consumes.

use super::*;

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
    let beans = server.inventory(owner).stock_item("BEANS", "G").await;
    let milk = server.inventory(owner).stock_item("MILK", "ML").await;
    let oat_milk = server.inventory(owner).stock_item("OAT", "ML").await;
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
