//! Turns the `Authorization` header into the request's [`Actor`]. A bad
//! credential fails the request (`AUTHN`); it never quietly becomes anonymous.

use super::errors::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::AUTHORIZATION;
use kernel::{Actor, AppError, AppResult};
use schema::identity::tokens::TokenKeys;

pub type JwtVerifier = TokenKeys;

/// The actor for a raw `Authorization` value (`Bearer <token>`).
pub fn actor_from_authorization(keys: &TokenKeys, value: &str) -> AppResult<Actor> {
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::authn("expected `Authorization: Bearer <token>`"))?;
    keys.verify(token)?.actor()
}

pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let actor = match req.headers().get(AUTHORIZATION) {
        None => Actor::Anonymous,
        Some(value) => {
            let value = value
                .to_str()
                .map_err(|_| AppError::authn("malformed Authorization header"))?;
            actor_from_authorization(&state.jwt, value)?
        }
    };
    let span = tracing::Span::current();
    match &actor {
        Actor::User { tenant_id, user_id } => {
            span.record("tenant_id", tracing::field::display(tenant_id));
            span.record("user_id", tracing::field::display(user_id));
        }
        Actor::Superadmin { user_id } => {
            span.record("user_id", tracing::field::display(user_id));
        }
        Actor::Anonymous | Actor::System => {}
    }
    req.extensions_mut().insert(actor);
    Ok(next.run(req).await)
}
