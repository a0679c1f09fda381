//! Refresh sessions: opening one at sign-in, rotating its token with reuse
//! detection, and ending it.

use super::secrets;
use super::store::{sessions as store, users as user_store};
use super::tokens::SubjectKind;
use super::types::{AuthTokens, RefreshTokenInput};
use crate::audit::service::{self as audit, AuditEntry};
use crate::services::Services;
use chrono::{DateTime, Duration as ChronoDuration};
use entities::sessions::{SessionStatus, SubjectKind as StoredKind};
use entities::tenants::TenantStatus;
use entities::users::UserStatus;
use kernel::{Actor, AppError, AppResult, RequestContext, SessionId, TenantId, UserId};
use sea_orm::DatabaseTransaction;
use serde_json::json;
use uuid::Uuid;

fn stored(kind: SubjectKind) -> StoredKind {
    match kind {
        SubjectKind::User => StoredKind::User,
        SubjectKind::Superadmin => StoredKind::Superadmin,
    }
}

/// `ctx`, acting as `actor` (who has just proved who they are).
pub(super) fn acting_as(ctx: &RequestContext, actor: Actor) -> RequestContext {
    RequestContext {
        actor,
        ..ctx.clone()
    }
}

/// Issues an access token and a refresh token in `family` (a new login
/// starts a family; a refresh continues it).
pub(super) async fn open(
    svc: &Services,
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    kind: SubjectKind,
    tenant: Option<TenantId>,
    subject: UserId,
    family: Uuid,
) -> AppResult<AuthTokens> {
    let refresh = secrets::generate("rt_");
    let now = ctx.now();
    let refresh_expires_at =
        now + ChronoDuration::from_std(svc.refresh_ttl).map_err(AppError::internal)?;
    store::insert(
        tx,
        store::Insert {
            id: SessionId::new(),
            tenant,
            kind: stored(kind),
            subject,
            family,
            token_hash: secrets::digest(&refresh),
            expires_at: refresh_expires_at,
            at: now,
        },
    )
    .await?;
    let (access_token, claims) =
        svc.tokens
            .issue(kind, subject.as_uuid(), tenant.map(|t| t.as_uuid()))?;
    Ok(AuthTokens {
        access_token,
        access_expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or(now),
        refresh_token: refresh,
        refresh_expires_at,
        token_type: "Bearer".to_owned(),
        tenant_id: tenant,
        user_id: subject,
        recovery_codes: None,
    })
}

fn family_entry(
    tenant: Option<TenantId>,
    action: &'static str,
    family: Uuid,
    after: Option<serde_json::Value>,
) -> AuditEntry<'static> {
    AuditEntry {
        tenant_id: tenant,
        action,
        entity_type: "session_family",
        entity_id: Some(family.to_string()),
        before: None,
        after,
    }
}

/// Trades a refresh token for a new pair. The old token is spent; presenting
/// a spent token again means it was stolen (or replayed), so its whole family
/// is revoked and both holders must sign in again.
pub async fn refresh(
    svc: &Services,
    ctx: &RequestContext,
    input: RefreshTokenInput,
) -> AppResult<AuthTokens> {
    let token = input.refresh_token.as_str();
    if token.is_empty() {
        return Err(AppError::invalid_field("refreshToken", "is required"));
    }
    let now = ctx.now();
    let tx = svc.db.system_tx().await?;
    let session = store::by_token_for_update(&tx, secrets::digest(token))
        .await?
        .ok_or_else(|| AppError::authn("invalid refresh token"))?;
    let tenant = session.tenant_id.map(TenantId::from);
    match session.status {
        SessionStatus::Rotated => {
            let revoked = store::revoke_family(&tx, session.family_id, now).await?;
            let after = json!({ "revokedSessions": revoked, "ip": ctx.client_ip });
            let entry = family_entry(
                tenant,
                "identity.refresh_token.reused",
                session.family_id,
                Some(after),
            );
            audit::record(&tx, ctx, entry).await?;
            tx.commit().await?;
            tracing::warn!(family = %session.family_id, "refresh token reuse detected; family revoked");
            return Err(AppError::authn(
                "refresh token reuse detected; sign in again",
            ));
        }
        SessionStatus::Revoked => {
            return Err(AppError::authn("the session has ended; sign in again"));
        }
        SessionStatus::Active => {}
    }
    if session.expires_at <= now {
        return Err(AppError::authn("the session has expired; sign in again"));
    }
    let subject = UserId::from(session.subject_id);
    // The subject must still be allowed in.
    let kind = match (session.subject_kind, tenant) {
        (StoredKind::User, Some(t)) => {
            let allowed = user_store::standing(&tx, t, subject)
                .await?
                .is_some_and(|s| {
                    s.user_status == UserStatus::Active && s.tenant_status != TenantStatus::Rejected
                });
            if !allowed {
                store::revoke_family(&tx, session.family_id, now).await?;
                tx.commit().await?;
                return Err(AppError::authn("the account is not active"));
            }
            SubjectKind::User
        }
        (StoredKind::Superadmin, None) => SubjectKind::Superadmin,
        _ => return Err(AppError::internal("malformed session row")),
    };
    store::mark_rotated(&tx, session.id.into(), now).await?;
    let after = json!({ "ip": ctx.client_ip });
    let entry = family_entry(
        tenant,
        "identity.session.refreshed",
        session.family_id,
        Some(after),
    );
    audit::record(&tx, ctx, entry).await?;
    let tokens = open(svc, &tx, ctx, kind, tenant, subject, session.family_id).await?;
    tx.commit().await?;
    Ok(tokens)
}

/// Ends the session the refresh token belongs to (its whole family).
pub async fn logout(
    svc: &Services,
    ctx: &RequestContext,
    input: RefreshTokenInput,
) -> AppResult<()> {
    let token = input.refresh_token.as_str();
    let tx = svc.db.system_tx().await?;
    let session = store::by_token(&tx, secrets::digest(token))
        .await?
        .ok_or_else(|| AppError::authn("invalid refresh token"))?;
    store::revoke_family(&tx, session.family_id, ctx.now()).await?;
    let tenant = session.tenant_id.map(TenantId::from);
    let entry = family_entry(tenant, "identity.session.ended", session.family_id, None);
    audit::record(&tx, ctx, entry).await?;
    tx.commit().await?;
    Ok(())
}
