//! The REST `/v1` compatibility API, end to end: the same services as
//! GraphQL behind `{data, pagination?}` / `{error}` envelopes, taxonomy
//! errors for every bad input, and tenant isolation over REST.

mod audit;
mod auth;
mod errors;
mod isolation;
mod openapi;
mod rbac;
mod tenants;

use crate::harness::{PASSWORD, SUPERADMIN_EMAIL, SUPERADMIN_PASSWORD, TestServer};
use crate::harness::{module_enabled, now_secs, s};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = server.http.request(method.clone(), server.url(path));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("{method} {path} -> {status}: not JSON: {text:?}"));
    (status, value)
}

async fn get(server: &TestServer, path: &str, token: Option<&str>) -> (u16, Value) {
    call(server, Method::GET, path, token, None).await
}

async fn post(server: &TestServer, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    call(server, Method::POST, path, token, Some(body)).await
}

/// A call that must succeed with `status`; returns `data`.
async fn ok(
    server: &TestServer,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    status: u16,
) -> Value {
    let (got, value) = call(server, method.clone(), path, token, body).await;
    assert_eq!(got, status, "{method} {path} -> {got} {value}");
    assert!(value.get("error").is_none(), "{value}");
    value["data"].clone()
}

/// A GET that must answer 200; returns `data`.
async fn get_ok(server: &TestServer, path: &str, token: Option<&str>) -> Value {
    ok(server, Method::GET, path, token, None, 200).await
}

/// A POST with a JSON body that must answer 200; returns `data`.
async fn post_ok(server: &TestServer, path: &str, token: Option<&str>, body: Value) -> Value {
    ok(server, Method::POST, path, token, Some(body), 200).await
}

/// Asserts a success envelope with `status`; returns `data`.
#[track_caller]
fn assert_data(got: (u16, Value), status: u16) -> Value {
    let (got_status, body) = got;
    assert_eq!(got_status, status, "{body}");
    assert!(body.get("error").is_none(), "{body}");
    body["data"].clone()
}

/// Asserts the REST error envelope, exactly: `{error: {code, message, details?, requestId}}`.
#[track_caller]
fn assert_error(got: (u16, Value), status: u16, code: &str) -> Value {
    let (got_status, body) = got;
    assert_eq!(got_status, status, "{body}");
    let obj = body.as_object().expect("object body");
    assert_eq!(obj.len(), 1, "only `error` at the top: {body}");
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(
        error["requestId"].as_str().is_some_and(|r| !r.is_empty()),
        "{body}"
    );
    for key in error.as_object().unwrap().keys() {
        assert!(
            ["code", "message", "details", "requestId"].contains(&key.as_str()),
            "unexpected key {key}: {body}"
        );
    }
    error.clone()
}

async fn role_id_by_key(server: &TestServer, token: &str, key: &str) -> String {
    let roles = get_ok(server, "/v1/rbac/roles", Some(token)).await;
    s(&roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no role {key}: {roles}"))["id"])
    .to_owned()
}

async fn rest_superadmin(server: &TestServer) -> String {
    let login = json!({ "email": SUPERADMIN_EMAIL, "password": SUPERADMIN_PASSWORD });
    let data = post_ok(server, "/v1/auth/superadmin/login", None, login).await;
    assert_eq!(data["tokenType"], "Bearer");
    assert!(data["tenantId"].is_null(), "{data}");
    s(&data["accessToken"]).to_owned()
}

async fn create_user(server: &TestServer, token: &str, name: &str, role_ids: Value) -> Value {
    ok(
        server,
        Method::POST,
        "/v1/rbac/users",
        Some(token),
        Some(json!({
            "email": format!("{name}-{}@example.test", &Uuid::new_v4().simple().to_string()[..6]),
            "displayName": name,
            "password": PASSWORD,
            "roleIds": role_ids,
        })),
        201,
    )
    .await
}
