//! A role (a named set of permissions given to users) and the inputs that
//! make, change and hand one out, each defined once for GraphQL, REST and
//! OpenAPI. Commands: `edit` (create, update, delete), `assign` (give and
//! take), `read`, and `provision` (a new tenant's built-in roles).

pub mod assign;
pub mod edit;
pub mod provision;
pub mod read;
pub mod store;

use crate::text::{Description, Key, Name};
use chrono::{DateTime, Utc};
use kernel::{RoleId, UserId};
use serde::{Deserialize, Serialize};

/// The built-in role that always holds every permission.
pub const OWNER_ROLE: &str = "owner";

/// A named set of permissions, given to users.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub id: RoleId,
    pub key: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub built_in: bool,
    pub permissions: Vec<String>,
    pub user_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new custom role.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateRoleInput")]
#[schema(as = CreateRoleBody)]
#[serde(rename_all = "camelCase")]
pub struct NewRole {
    pub name: Name,
    pub description: Option<Description>,
    /// Permission keys from the module registry (`pos.ticket.write`); each must be one you hold.
    pub permissions: Vec<Key>,
}

/// Leave a field out to keep it.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RolePatchInput")]
#[schema(as = UpdateRoleBody)]
#[serde(rename_all = "camelCase")]
pub struct RolePatch {
    pub name: Option<Name>,
    pub description: Option<Description>,
    /// Replaces the role's permissions when given.
    pub permissions: Option<Vec<Key>>,
}

/// A user and one of their roles: the GraphQL input of `assignRole` and
/// `unassignRole`, and the REST path `/users/{userId}/roles/{roleId}`.
#[derive(Debug, Clone, Copy, Deserialize, async_graphql::InputObject)]
#[graphql(name = "RoleAssignmentInput")]
#[serde(rename_all = "camelCase")]
pub struct RoleAssignment {
    pub user_id: UserId,
    pub role_id: RoleId,
}

/// Keys as the services compare them.
fn keys(keys: Vec<Key>) -> Vec<String> {
    keys.into_iter().map(Into::into).collect()
}
