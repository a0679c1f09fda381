use crate::rest::Data;
use crate::state::AppState;
use axum::extract::State;
use schema::system::service::{self, ServerInfo, ServerMeta};
use std::sync::Arc;

/// Name, version and clock of the server that answers.
#[utoipa::path(
    get,
    path = "/v1/server-info",
    tag = "system",
    responses((status = 200, description = "The server that answered", body = inline(ServerInfoDoc)))
)]
pub async fn server_info(State(state): State<AppState>) -> Data<ServerInfo> {
    let meta: &Arc<ServerMeta> = &state.services.server;
    Data(service::server_info(meta))
}

/// The documented shape of `{ "data": ServerInfo }`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ServerInfoDoc {
    data: ServerInfo,
}
