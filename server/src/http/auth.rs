//! Authentication: turns the `Authorization` header into the request's
//! [`RequestContext`]. A bad credential fails the request (`AUTHN`); it never
//! quietly becomes anonymous. Access (permissions, modules, statuses) is
//! loaded by [`load_access`] after rate limiting, fresh for every request.

use super::errors::ApiError;
use super::rate_limit::client_ip;
use super::request_id::RequestId;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::AUTHORIZATION;
use kernel::{Access, Actor, AppError, AppResult, RequestContext};
use schema::Services;
use schema::api_keys::service as api_keys;
use schema::rbac::service::load_user_access;

/// What a credential stands for: the actor, its access when the credential
/// carries it (API keys), and when the credential expires (JWTs).
pub struct Resolved {
    pub actor: Actor,
    pub access: Option<Access>,
    pub expires_at: Option<i64>,
    /// A superadmin acting as the user (an impersonation token).
    pub impersonation: Option<kernel::Impersonation>,
}

/// Resolves a raw `Authorization` value.
pub async fn resolve(services: &Services, value: &str) -> AppResult<Resolved> {
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::authn("expected `Authorization: Bearer <token>`"))?;
    if api_keys::looks_like_key(token) {
        let (actor, access) =
            api_keys::authenticate(&services.db, kernel::Clock::System, token).await?;
        return Ok(Resolved {
            actor,
            access: Some(access),
            expires_at: None,
            impersonation: None,
        });
    }
    let claims = services.tokens.verify(token)?;
    Ok(Resolved {
        actor: claims.actor()?,
        access: None,
        expires_at: Some(claims.exp),
        impersonation: claims.impersonation(),
    })
}

/// Loads what a tenant user may do; other actors need nothing loaded. A
/// superadmin acting as the user must still be within the impersonation.
pub async fn access_for(services: &Services, ctx: RequestContext) -> AppResult<RequestContext> {
    match ctx.actor {
        Actor::User { tenant_id, user_id } if ctx.access.is_none() => {
            if let Some(impersonation) = ctx.impersonation {
                schema::superadmin::impersonation::check_active(
                    &services.db,
                    tenant_id,
                    impersonation,
                    ctx.now(),
                )
                .await?;
            }
            let access = load_user_access(&services.db, tenant_id, user_id).await?;
            Ok(ctx.with_access(access))
        }
        _ => Ok(ctx),
    }
}

pub async fn authenticate(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let resolved = match req.headers().get(AUTHORIZATION) {
        None => Resolved {
            actor: Actor::Anonymous,
            access: None,
            expires_at: None,
            impersonation: None,
        },
        Some(value) => {
            let value = value
                .to_str()
                .map_err(|_| AppError::authn("malformed Authorization header"))?;
            resolve(&state.services, value).await?
        }
    };
    let Resolved {
        actor,
        access,
        expires_at,
        impersonation,
    } = resolved;
    let span = tracing::Span::current();
    match &actor {
        Actor::User { tenant_id, user_id } => {
            span.record("tenant_id", tracing::field::display(tenant_id));
            span.record("user_id", tracing::field::display(user_id));
        }
        Actor::ApiKey { tenant_id, key_id } => {
            span.record("tenant_id", tracing::field::display(tenant_id));
            span.record(
                "user_id",
                tracing::field::display(format!("api_key:{key_id}")),
            );
        }
        Actor::Superadmin { user_id } => {
            span.record("user_id", tracing::field::display(user_id));
        }
        Actor::Anonymous | Actor::System => {}
    }
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let ip = client_ip(&req, state.config.trust_forwarded_for).map(|ip| ip.to_string());
    let mut ctx = RequestContext::new(request_id, actor).with_client_ip(ip);
    ctx.credential_expires_at = expires_at;
    ctx.impersonation = impersonation;
    if let Some(access) = access {
        ctx = ctx.with_access(access);
    }
    req.extensions_mut().insert(ctx);
    Ok(next.run(req).await)
}

/// Runs after rate limiting, so a flood costs Redis, not PostgreSQL.
pub async fn load_access(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if let Some(ctx) = req.extensions_mut().remove::<RequestContext>() {
        let ctx = access_for(&state.services, ctx).await?;
        req.extensions_mut().insert(ctx);
    }
    Ok(next.run(req).await)
}
