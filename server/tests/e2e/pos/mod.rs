//! The point of sale end to end: a sale a screen watches, the stock it
//! moves, refunds, retried payments, the last unit sold twice, shift
//! totals, permissions and bad input.

mod concurrency;
mod refusals;
mod sale;
mod shifts;
mod tickets;

use crate::harness::string as s;
use crate::harness::{TenantFixture, TestServer, Ws, ws_next, ws_subscribe};
use crate::inventory::{adjust, location, on_hand};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// A café: a location, a latte (variants, a milk choice, extras) that uses
/// beans and milk, oat milk for the oat modifier, and a croissant sold as
/// retail stock.
pub(crate) struct Cafe {
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

pub(crate) async fn cafe(server: &TestServer, hint: &str) -> Cafe {
    let shop = server.tenant(hint).await;
    let owner = shop.owner_token.clone();
    let o = Some(owner.as_str());
    let location = location(server, &owner, "Corner").await;
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
        adjust(
            server,
            &owner,
            json!({"stockItemId": item, "locationId": location, "kind": "RECEIVED", "quantity": quantity}),
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

pub(crate) const TICKET_FIELDS: &str =
    "id number status version currency subtotalMinor discountMinor taxMinor
  serviceChargeMinor totalMinor paidMinor tipMinor refundedMinor balanceMinor
  lines { id name quantity grossMinor discountMinor netMinor taxMinor status modifiers { name } }";

pub(crate) async fn open_ticket(
    server: &TestServer,
    token: &str,
    c: &Cafe,
    service_bp: i32,
) -> Value {
    server
        .gql_ok(
            &format!("mutation($i: OpenTicketInput!) {{ openTicket(input: $i) {{ {TICKET_FIELDS} }} }}"),
            json!({"i": {"locationId": c.location, "label": "Table 4", "serviceChargeBp": service_bp}}),
            Some(token),
        )
        .await["openTicket"]
        .clone()
}

pub(crate) const ADD_LINE: &str = "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id version totalMinor balanceMinor lines { id } } }";

pub(crate) async fn add_line(server: &TestServer, token: &str, input: Value) -> Value {
    server
        .gql_ok(ADD_LINE, json!({"i": input}), Some(token))
        .await["addTicketLine"]
        .clone()
}

pub(crate) const PAY: &str = "mutation($i: TakePaymentInput!) { takePayment(input: $i) {
  changeDueMinor payment { id method amountMinor tipMinor changeMinor cardBrand cardLast4 }
  ticket { id status paidMinor tipMinor balanceMinor version } } }";

pub(crate) async fn pay(server: &TestServer, token: &str, input: Value) -> Value {
    server.gql_ok(PAY, json!({"i": input}), Some(token)).await["takePayment"].clone()
}

pub(crate) async fn settle(server: &TestServer, token: &str, ticket: &str) -> Value {
    server
        .gql_ok(
            "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { id status settledAt version } }",
            json!({"i": {"ticketId": ticket}}),
            Some(token),
        )
        .await["settleTicket"]
        .clone()
}

pub(crate) async fn ticket(server: &TestServer, token: &str, id: &str) -> Value {
    server
        .gql_ok(
            &format!("query($id: UUID!) {{ ticket(id: $id) {{ {TICKET_FIELDS} payments {{ id amountMinor tipMinor }} }} }}"),
            json!({"id": id}),
            Some(token),
        )
        .await["ticket"]
        .clone()
}

/// Polls until `check` holds (the stock consumer runs in the background).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never: {what}");
}

async fn watch_ticket(server: &TestServer, token: &str, ticket: &str) -> Ws {
    ws_subscribe(
        server,
        token,
        "subscription($t: UUID) { ticketChanged(ticketId: $t) { sequence eventType ticketId status version totalMinor paidMinor balanceMinor } }",
        json!({"t": ticket}),
    )
    .await
}
