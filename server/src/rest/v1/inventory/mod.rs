//! `/v1/inventory`: stock items, levels, the ledger, counts, transfers,
//! reorder points and recipes, over the same inventory commands as GraphQL.
//! One file per aggregate, each with its routes and its operations.
//!
//! Quantities are decimals of the stock item's unit: answers carry them as
//! strings ("0.25"); requests may send a string or a JSON number with at
//! most three decimals.

mod counts;
mod items;
mod ledger;
mod recipes;
mod transfers;

use crate::state::AppState;
use utoipa::OpenApi;

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(items::router())
        .merge(ledger::router())
        .merge(counts::router())
        .merge(transfers::router())
        .merge(recipes::router())
}

/// The operations of this module, merged into the document by `openapi::spec`.
pub struct Api;

impl OpenApi for Api {
    fn openapi() -> utoipa::openapi::OpenApi {
        let mut doc = items::Api::openapi();
        for part in [
            ledger::Api::openapi(),
            counts::Api::openapi(),
            transfers::Api::openapi(),
            recipes::Api::openapi(),
        ] {
            doc.merge(part);
        }
        doc
    }
}
