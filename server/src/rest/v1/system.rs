use crate::rest::Data;
use crate::rest::openapi::DataDoc;
use crate::state::AppState;
use axum::extract::State;
use schema::system::service::{self, ServerInfo, ServerMeta};
use std::sync::Arc;

/// Name, version and clock of the server that answers.
#[utoipa::path(
    get,
    path = "/v1/server-info",
    tag = "system",
    responses((status = 200, description = "The server that answered", body = DataDoc<ServerInfo>))
)]
pub async fn server_info(State(state): State<AppState>) -> Data<ServerInfo> {
    let meta: &Arc<ServerMeta> = &state.services.server;
    Data(service::server_info(meta))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new().route("/server-info", get(server_info))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(server_info))]
pub struct Api;
