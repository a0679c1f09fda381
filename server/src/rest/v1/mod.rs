//! `/v1` routes, one file per module. Handlers parse, call the module's
//! service (the same functions GraphQL calls), and wrap the answer.

pub mod announcements;
pub mod auth;
pub mod backups;
pub mod billing;
pub mod exports;
pub mod feature_flags;
pub mod impersonation;
pub mod inventory;
pub mod kitchen;
pub mod locations;
pub mod maintenance;
pub mod menu;
pub mod module_registry;
pub mod pos;
pub mod rbac;
pub mod support;
pub mod system;
pub mod tenants;

use crate::state::AppState;
use axum::Router;
use serde::Deserialize;
use uuid::Uuid;

/// `/{id}` of one resource.
#[derive(Debug, Deserialize)]
pub struct IdPath {
    pub id: Uuid,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(system::router())
        .merge(billing::router())
        .merge(exports::router())
        .merge(backups::router())
        .merge(menu::router())
        .merge(locations::router())
        .merge(inventory::router())
        .merge(kitchen::router())
        .merge(pos::router())
        .merge(auth::router())
        .merge(tenants::router())
        .merge(rbac::router())
        .merge(module_registry::router())
        .merge(announcements::router())
        .merge(feature_flags::router())
        .merge(maintenance::router())
        .merge(impersonation::router())
        .merge(support::router())
}
