//! Roles and their holders over GraphQL ([`RbacClient`]).

use crate::harness::TestServer;
use serde_json::{Value, json};
use uuid::Uuid;

pub const CREATE_ROLE: &str = "mutation($i: CreateRoleInput!) { createRole(input: $i) { role { id name permissions builtIn userCount } } }";
pub const UPDATE_ROLE: &str = "mutation($i: UpdateRoleInput!) { updateRole(input: $i) { role { id name permissions userCount } } }";
pub const DELETE_ROLE: &str =
    "mutation($i: RoleIdInput!) { deleteRole(input: $i) { role { id name } } }";
pub const ASSIGN_ROLE: &str =
    "mutation($i: RoleAssignmentInput!) { assignRole(input: $i) { role { id userCount } } }";
pub const UNASSIGN_ROLE: &str =
    "mutation($i: RoleAssignmentInput!) { unassignRole(input: $i) { role { id userCount } } }";
pub const ROLE: &str = "query($id: UUID!) { role(id: $id) { id name permissions userCount } }";
pub const USER_ROLES: &str = "query($id: UUID!) { user(id: $id) { id roles { id key } } }";

/// Roles over GraphQL, as one user (an owner, in most tests). The plain
/// methods must succeed; the `_err` ones must be refused and answer the
/// error's code and body.
pub struct RbacClient<'a> {
    pub server: &'a TestServer,
    pub token: &'a str,
}

fn id(v: &Value) -> Uuid {
    Uuid::parse_str(v.as_str().unwrap_or_else(|| panic!("not an id: {v}"))).unwrap()
}

fn assignment(user: Uuid, role: Uuid) -> Value {
    json!({"i": {"userId": user, "roleId": role}})
}

impl RbacClient<'_> {
    async fn ok(&self, query: &str, variables: Value) -> Value {
        self.server.gql_ok(query, variables, Some(self.token)).await
    }

    async fn err(&self, query: &str, variables: Value) -> (String, Value) {
        self.server
            .gql_err(query, variables, Some(self.token))
            .await
    }

    pub async fn create_role(&self, name: &str, permissions: &[&str]) -> Uuid {
        let input = json!({"i": {"name": name, "permissions": permissions}});
        let data = self.ok(CREATE_ROLE, input).await;
        id(&data["createRole"]["role"]["id"])
    }

    pub async fn create_role_err(&self, name: &str, permissions: &[&str]) -> (String, Value) {
        let input = json!({"i": {"name": name, "permissions": permissions}});
        self.err(CREATE_ROLE, input).await
    }

    /// Sets a role's permissions; returns the role.
    pub async fn update_role(&self, role: Uuid, permissions: &[&str]) -> Value {
        let input = json!({"i": {"roleId": role, "permissions": permissions}});
        self.ok(UPDATE_ROLE, input).await["updateRole"]["role"].clone()
    }

    /// An `updateRole` with `input` (roleId and what changes).
    pub async fn update_role_err(&self, input: Value) -> (String, Value) {
        self.err(UPDATE_ROLE, json!({ "i": input })).await
    }

    /// Deletes a role; returns it.
    pub async fn delete_role(&self, role: Uuid) -> Value {
        let input = json!({"i": {"roleId": role}});
        self.ok(DELETE_ROLE, input).await["deleteRole"]["role"].clone()
    }

    pub async fn delete_role_err(&self, role: Uuid) -> (String, Value) {
        self.err(DELETE_ROLE, json!({"i": {"roleId": role}})).await
    }

    pub async fn role(&self, role: Uuid) -> Value {
        self.ok(ROLE, json!({"id": role})).await["role"].clone()
    }

    pub async fn role_err(&self, role: Uuid) -> (String, Value) {
        self.err(ROLE, json!({"id": role})).await
    }

    pub async fn builtin_role(&self, key: &str) -> Uuid {
        let data = self.ok("{ roles { id key } }", json!({})).await;
        data["roles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["key"] == key)
            .map(|r| id(&r["id"]))
            .unwrap_or_else(|| panic!("no role {key}: {data}"))
    }

    pub async fn assign(&self, user: Uuid, role: Uuid) {
        self.ok(ASSIGN_ROLE, assignment(user, role)).await;
    }

    pub async fn assign_err(&self, user: Uuid, role: Uuid) -> (String, Value) {
        self.err(ASSIGN_ROLE, assignment(user, role)).await
    }

    /// Takes a role from a user; returns the role.
    pub async fn unassign(&self, user: Uuid, role: Uuid) -> Value {
        let data = self.ok(UNASSIGN_ROLE, assignment(user, role)).await;
        data["unassignRole"]["role"].clone()
    }

    pub async fn unassign_err(&self, user: Uuid, role: Uuid) -> (String, Value) {
        self.err(UNASSIGN_ROLE, assignment(user, role)).await
    }

    pub async fn role_keys_of(&self, user: Uuid) -> Vec<Value> {
        let data = self.ok(USER_ROLES, json!({"id": user})).await;
        data["user"]["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["key"].clone())
            .collect()
    }
}
