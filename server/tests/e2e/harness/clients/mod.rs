//! One client per module, in the manner of zero-to-production's `TestApp`
//! helpers: a test says what it does (`server.pos(&cashier).open_ticket(..)`)
//! and the client sends the very operation the suites sent before, asserting
//! that it succeeded. GraphQL clients hold a server and a bearer token; the
//! REST helpers of each module are methods of the one REST client, [`Rest`].

mod billing;
mod cafe;
mod identity;
mod inventory;
mod pos;
mod rbac;
mod rest;

pub use cafe::cafe;
pub use identity::{AUTH, IdentityClient};
pub use inventory::{ADJUST, InventoryClient};
pub use pos::{ADD_LINE, PAY, PosClient};
pub use rbac::{ASSIGN_ROLE, CREATE_ROLE, DELETE_ROLE, RbacClient, UPDATE_ROLE};
pub use rest::{Rest, assert_invalid, data_id};

use super::TestServer;

impl TestServer {
    /// The point of sale over GraphQL, as the holder of `token`.
    pub fn pos<'a>(&'a self, token: &'a str) -> PosClient<'a> {
        PosClient {
            server: self,
            token,
        }
    }

    /// Locations and inventory over GraphQL, as the holder of `token`.
    pub fn inventory<'a>(&'a self, token: &'a str) -> InventoryClient<'a> {
        InventoryClient {
            server: self,
            token,
        }
    }

    /// Roles and their holders over GraphQL, as the holder of `token`.
    pub fn rbac<'a>(&'a self, token: &'a str) -> RbacClient<'a> {
        RbacClient {
            server: self,
            token,
        }
    }

    /// Signing in and sessions over GraphQL, before any token.
    pub fn identity(&self) -> IdentityClient<'_> {
        IdentityClient { server: self }
    }

    /// The REST API as the holder of `token`.
    pub fn rest(&self, token: &str) -> Rest<'_> {
        Rest::new(self, token)
    }
}
