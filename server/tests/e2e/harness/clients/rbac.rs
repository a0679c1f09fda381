//! Roles and their holders over GraphQL ([`RbacClient`]).

use crate::harness::TestServer;
use serde_json::{Value, json};
use uuid::Uuid;

pub const CREATE_ROLE: &str = "mutation($i: CreateRoleInput!) { createRole(input: $i) { role { id name permissions builtIn userCount } } }";
pub const ASSIGN_ROLE: &str =
    "mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { role { id userCount } } }";
pub const USER_ROLES: &str = "query($id: UUID!) { user(id: $id) { id roles { id key } } }";

/// Roles over GraphQL, as one user (an owner, in most tests).
pub struct RbacClient<'a> {
    pub server: &'a TestServer,
    pub token: &'a str,
}

fn id(v: &Value) -> Uuid {
    Uuid::parse_str(v.as_str().unwrap_or_else(|| panic!("not an id: {v}"))).unwrap()
}

impl RbacClient<'_> {
    pub async fn create_role(&self, name: &str, permissions: &[&str]) -> Uuid {
        let data = self
            .server
            .gql_ok(
                CREATE_ROLE,
                json!({"i": {"name": name, "permissions": permissions}}),
                Some(self.token),
            )
            .await;
        id(&data["createRole"]["role"]["id"])
    }

    pub async fn builtin_role(&self, key: &str) -> Uuid {
        let data = self
            .server
            .gql_ok("{ roles { id key } }", json!({}), Some(self.token))
            .await;
        data["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .map(|r| id(&r["id"]))
            .unwrap_or_else(|| panic!("no role {key}: {data}"))
    }

    pub async fn assign(&self, user: Uuid, role: Uuid) {
        self.server
            .gql_ok(
                ASSIGN_ROLE,
                json!({"i": {"userId": user, "roleId": role}}),
                Some(self.token),
            )
            .await;
    }

    pub async fn role_keys_of(&self, user: Uuid) -> Vec<Value> {
        let data = self
            .server
            .gql_ok(USER_ROLES, json!({"id": user}), Some(self.token))
            .await;
        data["user"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].clone())
            .collect()
    }
}
