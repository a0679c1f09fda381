//! `/v1/rbac`: the caller's business's roles, users, API keys and audit
//! trail, over the rbac, identity, api_keys and audit services. One file per
//! resource, each with its routes and operations; merged here.

mod api_keys;
mod audit;
mod roles;
mod users;

use crate::state::AppState;
use utoipa::OpenApi;

pub use users::UserView;

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(roles::router())
        .merge(users::router())
        .merge(api_keys::router())
        .merge(audit::router())
}

/// The operations of this module, merged into the document by `openapi::spec`.
pub struct Api;

impl OpenApi for Api {
    fn openapi() -> utoipa::openapi::OpenApi {
        let mut doc = roles::Api::openapi();
        doc.merge(users::Api::openapi());
        doc.merge(api_keys::Api::openapi());
        doc.merge(audit::Api::openapi());
        doc
    }
}
