//! The OpenAPI 3 document of `/v1`, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Platform REST API", version = "1", description = "The /v1 compatibility API. Success: `{data, pagination?}`; failure: `{error: {code, message, details?, requestId}}` with code one of VALIDATION, AUTHN, AUTHZ, NOT_FOUND, CONFLICT, RATE_LIMIT, INTERNAL."),
    paths(super::v1::system::server_info),
    tags((name = "system", description = "The server itself"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
