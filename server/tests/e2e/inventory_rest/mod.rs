//! `/v1/locations` and `/v1/inventory` over HTTP, as an integrator or a
//! terminal would use them: the same services as GraphQL behind thin handlers.

mod isolation;
mod items;
mod movements;
mod openapi;
mod recipes;

use crate::harness::{Rest, assert_invalid, data_id as id};
use crate::harness::{TenantFixture, TestServer};
use reqwest::Method;
use serde_json::{Value, json};

async fn owner(server: &TestServer, hint: &str) -> (TenantFixture, String) {
    let shop = server.tenant(hint).await;
    let token = shop.owner_token.clone();
    (shop, token)
}
