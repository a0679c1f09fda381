//! Locations and inventory: locations, stock items, adjustments, levels and
//! the screen that watches them; over GraphQL ([`InventoryClient`]) and over
//! `/v1/locations` and `/v1/inventory` (methods of [`Rest`]).

use super::rest::{Rest, data_id};
use crate::harness::{TestServer, Ws, ws_subscribe};
use reqwest::Method;
use serde_json::{Value, json};

pub const ADJUST: &str = "mutation($i: AdjustStockInput!) { adjustStock(input: $i) {
    movement { id kind quantity occurredAt } level { onHand low reorderPoint } } }";

/// Locations and inventory over GraphQL, as one user.
pub struct InventoryClient<'a> {
    pub server: &'a TestServer,
    pub token: &'a str,
}

impl InventoryClient<'_> {
    pub async fn location(&self, name: &str) -> String {
        self.server
            .gql_ok(
                "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
                json!({"i": {"name": name, "timezone": "Europe/Paris"}}),
                Some(self.token),
            )
            .await["createLocation"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn stock_item(&self, sku: &str, unit: &str) -> String {
        self.server
            .gql_ok(
                "mutation($i: CreateStockItemInput!) { createStockItem(input: $i) { id } }",
                json!({"i": {"sku": sku, "name": format!("Stock {sku}"), "unit": unit}}),
                Some(self.token),
            )
            .await["createStockItem"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn adjust(&self, input: Value) -> Value {
        self.server
            .gql_ok(ADJUST, json!({"i": input}), Some(self.token))
            .await["adjustStock"]
            .clone()
    }

    pub async fn on_hand(&self, item: &str, loc: &str) -> String {
        let data = self.server
            .gql_ok(
                "query($l: UUID, $i: UUID) { stockLevels(locationId: $l, stockItemId: $i) { onHand } }",
                json!({"l": loc, "i": item}),
                Some(self.token),
            )
            .await;
        data["stockLevels"][0]["onHand"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A screen subscribed to the stock levels of `loc`.
    pub async fn stock_subscription(&self, loc: &str) -> Ws {
        ws_subscribe(
            self.server,
            self.token,
            "subscription($l: UUID) { stockLevelChanged(locationId: $l) { sequence sku kind quantity previousOnHand onHand low } }",
            json!({"l": loc}),
        )
        .await
    }
}

impl Rest<'_> {
    pub async fn location(&self, name: &str) -> String {
        let data = self
            .ok(
                Method::POST,
                "/v1/locations",
                Some(json!({"name": name})),
                201,
            )
            .await;
        data_id(&data)
    }

    pub async fn stock_item(&self, sku: &str, unit: &str) -> String {
        let data = self
            .ok(
                Method::POST,
                "/v1/inventory/items",
                Some(json!({"sku": sku, "name": format!("{sku} stock"), "unit": unit})),
                201,
            )
            .await;
        data_id(&data)
    }

    pub async fn receive(&self, item: &str, location: &str, quantity: Value) -> Value {
        self.ok(
            Method::POST,
            "/v1/inventory/adjustments",
            Some(json!({"stockItemId": item, "locationId": location, "kind": "RECEIVED", "quantity": quantity})),
            201,
        )
        .await
    }

    /// `POST /v1/inventory/adjustments` with `headers` (an `Idempotency-Key`
    /// or none), whatever it answers.
    pub async fn try_adjust(&self, body: Value, headers: &[(&str, &str)]) -> (u16, Value) {
        self.send(
            Method::POST,
            "/v1/inventory/adjustments",
            Some(body),
            headers,
        )
        .await
    }

    /// `GET /v1/inventory/{what}` (`counts/{id}`, `transfers?status=..`,
    /// `movements?stockItemId=..`, ...), which must answer 200: its `data`.
    pub async fn inventory(&self, what: &str) -> Value {
        self.ok(Method::GET, &format!("/v1/inventory/{what}"), None, 200)
            .await
    }

    /// Starts a count or a transfer (`POST /v1/inventory/{kind}`, `kind`
    /// being `counts` or `transfers`), which must answer 201: its `data`.
    pub async fn start(&self, kind: &str, body: Value) -> Value {
        self.ok(
            Method::POST,
            &format!("/v1/inventory/{kind}"),
            Some(body),
            201,
        )
        .await
    }

    /// Takes `step` (`receive`, `cancel`, `post`) of the count or transfer
    /// `doc` (`counts/{id}`, `transfers/{id}`): `POST /v1/inventory/{doc}/{step}`
    /// without a body, whatever it answers.
    pub async fn try_step(&self, doc: &str, step: &str) -> (u16, Value) {
        self.send(
            Method::POST,
            &format!("/v1/inventory/{doc}/{step}"),
            None,
            &[],
        )
        .await
    }

    /// A step that must succeed: the count or transfer after it.
    pub async fn step(&self, doc: &str, step: &str) -> Value {
        let (status, answer) = self.try_step(doc, step).await;
        assert_eq!(status, 200, "POST /v1/inventory/{doc}/{step} -> {answer}");
        answer["data"].clone()
    }

    /// Sets the recipe of `of` (`menu-items/{id}` or `modifiers/{id}`) to
    /// `components`: the recipe as stored.
    pub async fn set_recipe(&self, of: &str, components: Value) -> Value {
        self.ok(
            Method::PUT,
            &format!("/v1/inventory/recipes/{of}"),
            Some(json!({"components": components})),
            200,
        )
        .await
    }

    /// `GET /v1/inventory/levels` of one item at one location: its `data`.
    pub async fn levels(&self, item: &str, location: &str) -> Value {
        self.inventory(&format!("levels?stockItemId={item}&locationId={location}"))
            .await
    }

    pub async fn on_hand(&self, item: &str, location: &str) -> Value {
        let levels = self.levels(item, location).await;
        let levels = levels.as_array().unwrap();
        assert_eq!(levels.len(), 1, "{levels:?}");
        levels[0]["onHand"].clone()
    }
}
