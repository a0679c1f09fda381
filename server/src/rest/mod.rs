//! The REST `/v1` compatibility API for integrators. Success is
//! `{ "data": ..., "pagination"?: ... }`; failure is
//! `{ "error": { "code", "message", "details"? } }` (see `http::errors`).
//! Handlers call the same service functions as the GraphQL resolvers.

pub mod openapi;
pub mod v1;

use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Wraps a handler's result in `{ "data": ... }`.
pub struct Data<T>(pub T);

#[derive(Serialize)]
struct Envelope<T> {
    data: T,
}

impl<T: Serialize> IntoResponse for Data<T> {
    fn into_response(self) -> Response {
        Json(Envelope { data: self.0 }).into_response()
    }
}

pub fn router() -> Router<AppState> {
    v1::router().route("/openapi.json", axum::routing::get(openapi::document))
}
