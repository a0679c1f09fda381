//! `/v1/locations` and `/v1/inventory` over HTTP, as an integrator or a
//! terminal would use them: the same services as GraphQL behind thin handlers.

mod isolation;
mod items;
mod movements;
mod openapi;
mod recipes;

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
