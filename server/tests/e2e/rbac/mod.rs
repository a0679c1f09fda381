//! Roles and permissions, the module toggle, API keys and the audit trail,
//! end to end: what a principal may do is loaded fresh for every request,
//! nobody hands out more than they hold, and every change leaves a trail.

mod api_keys;
mod audit;
mod modules;
mod roles;

use crate::harness::{
    ASSIGN_ROLE, CREATE_ROLE, DELETE_ROLE, PASSWORD, TenantFixture, TestServer, UPDATE_ROLE,
    module_enabled,
};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use uuid::Uuid;

const USERS: &str = "{ users(first: 100) { nodes { id } } }";
const CREATE_USER: &str =
    "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }";
const PERMISSION_CHECK: &str = "query($p: [String!]!) { permissionCheck(permissions: $p) { permission allowed code reason module } }";
const SET_TENANT_MODULE: &str = "mutation($i: SetTenantModuleInput!) { setTenantModule(input: $i) { module { key enabled core } } }";
const CREATE_API_KEY: &str = "mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id name prefix permissions createdBy expiresAt lastUsedAt revokedAt } secret } }";
const API_KEYS: &str =
    "{ apiKeys { id name prefix permissions createdBy expiresAt lastUsedAt revokedAt } }";
const REVOKE_API_KEY: &str =
    "mutation($i: ApiKeyIdInput!) { revokeApiKey(input: $i) { apiKey { id revokedAt } } }";
const AUDIT_FIELDS: &str = "nodes { id tenantId actorType actorId action entityType entityId before after requestId createdAt } pageInfo { hasNextPage endCursor }";

fn id(v: &Value) -> Uuid {
    Uuid::parse_str(v.as_str().unwrap_or_else(|| panic!("not an id: {v}"))).unwrap()
}

/// Creates an API key as the holder of `token`: its secret, and the key.
async fn create_key(server: &TestServer, token: &str, input: Value) -> (String, Value) {
    let data = server.gql_ok(CREATE_API_KEY, input, Some(token)).await;
    let created = &data["createApiKey"];
    let secret = created["secret"].as_str().unwrap().to_owned();
    (secret, created["apiKey"].clone())
}

fn details(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]["details"]
}

fn ids_at(list: &Value) -> Vec<Uuid> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|n| id(&n["id"]))
        .collect()
}

/// Asserts an `AUTHZ` that names the missing permission.
async fn assert_missing(
    server: &TestServer,
    query: &str,
    variables: Value,
    token: &str,
    permission: &str,
) {
    let (code, body) = server.gql_err(query, variables, Some(token)).await;
    assert_eq!(code, "AUTHZ", "{body}");
    assert_eq!(details(&body)["permission"], permission, "{body}");
}
