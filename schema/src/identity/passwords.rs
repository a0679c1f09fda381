//! Changing one's password, and resetting a forgotten one (or choosing the
//! first one, from an invitation) with an emailed single-use token.

use super::login::DECOY_HASH;
use super::secrets;
use super::sessions::acting_as;
use super::store::{reset_tokens, sessions, users as user_store};
use super::throttle::Throttle;
use super::types::{ChangePasswordInput, RequestPasswordResetInput, ResetPasswordInput};
use super::{password, validate};
use crate::audit::service::{self as audit, AuditEntry};
use crate::command::Unit;
use crate::services::Services;
use crate::tenants::service::{TenantStatus, find_by_slug};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use entities::users::UserStatus;
use jobs::outbox::{self, NewEvent};
use kernel::{Actor, AppError, AppResult, RequestContext, TenantId, UserId};
use sea_orm::ConnectionTrait;
use serde_json::json;

const RESET_TTL_HOURS: i64 = 1;

fn password_entry(tenant: TenantId, user: UserId, action: &'static str) -> AuditEntry<'static> {
    AuditEntry {
        tenant_id: Some(tenant),
        action,
        entity_type: "user",
        entity_id: Some(user.to_string()),
        before: None,
        after: None,
    }
}

/// Changes the caller's password; every refresh session of theirs ends.
pub async fn change_password(
    svc: &Services,
    ctx: &RequestContext,
    input: ChangePasswordInput,
) -> AppResult<()> {
    let (tenant, user) = ctx.require_user()?;
    ctx.require_own_credentials()?;
    validate::password("newPassword", &input.new_password)?;
    // A stolen access token must not become unlimited password guesses.
    let account = format!("password-change/{user}");
    let throttle = Throttle::new(svc, &account, ctx.client_ip.as_deref());
    throttle.check().await?;
    let unit = Unit::open(&svc.db, ctx, tenant).await?;
    let hash = user_store::account(&*unit, tenant, user)
        .await?
        .and_then(|a| a.password_hash);
    let hash = hash.unwrap_or_else(|| DECOY_HASH.to_owned());
    let ok = password::verify(input.current_password.into(), hash).await?;
    if !ok {
        drop(unit);
        throttle.fail().await?;
        return Err(AppError::invalid_field(
            "currentPassword",
            "is not your current password",
        ));
    }
    let new_hash = password::hash(input.new_password.into()).await?;
    let change = user_store::UserUpdate::Password(new_hash);
    user_store::update(&*unit, tenant, user, change, unit.now()).await?;
    sessions::revoke_user(&*unit, tenant, user, unit.now()).await?;
    let entry = password_entry(tenant, user, "identity.password.changed");
    unit.audit(entry).await?;
    unit.commit(()).await
}

/// Inserts a single-use token for `user` and returns it (only its digest is stored).
pub(super) async fn issue_reset_token(
    conn: &impl ConnectionTrait,
    ctx: &RequestContext,
    tenant: TenantId,
    user: UserId,
    ttl: ChronoDuration,
) -> AppResult<(String, DateTime<Utc>)> {
    let token = secrets::generate("pr_");
    let now = ctx.now();
    let expires_at = now + ttl;
    reset_tokens::insert(conn, tenant, user, secrets::digest(&token), expires_at, now).await?;
    Ok((token, expires_at))
}

/// Starts a password reset. Always succeeds, so it cannot be used to learn
/// which emails have accounts; when one exists, an event carries the token to
/// the email job.
pub async fn request_password_reset(
    svc: &Services,
    ctx: &RequestContext,
    input: RequestPasswordResetInput,
) -> AppResult<()> {
    let email = validate::email("email", &input.email)?;
    let slug = input.tenant_slug.trim().to_lowercase();
    let account = format!("reset/{slug}/{email}");
    let throttle = Throttle::new(svc, &account, ctx.client_ip.as_deref());
    throttle.check().await?;
    throttle.count_account().await?;
    let tenant = {
        let tx = svc.db.system_tx().await?;
        let found = find_by_slug(&tx, &slug).await?;
        tx.commit().await?;
        found
    };
    let Some(tenant) = tenant.filter(|t| t.status != TenantStatus::Rejected) else {
        return Ok(());
    };
    let unit = Unit::open(&svc.db, ctx, tenant.id).await?;
    let user = user_store::account_by_email(&*unit, tenant.id, &email)
        .await?
        .filter(|a| a.status == UserStatus::Active);
    let Some(user) = user else {
        return Ok(());
    };
    let id = UserId::from(user.id);
    let ttl = ChronoDuration::hours(RESET_TTL_HOURS);
    let (token, expires_at) = issue_reset_token(&*unit, ctx, tenant.id, id, ttl).await?;
    let action = "identity.password_reset.requested";
    let mut entry = password_entry(tenant.id, id, action);
    entry.after = Some(json!({ "expiresAt": expires_at }));
    unit.audit(entry).await?;
    let data = json!({ "userId": id, "email": user.email, "displayName": user.display_name,
                       "tenantSlug": tenant.slug, "token": token, "expiresAt": expires_at });
    outbox::record(&*unit, Some(tenant.id), NewEvent::new(action, id, data)).await?;
    unit.commit(()).await
}

fn bad_token() -> AppError {
    AppError::invalid_field("token", "is invalid, used or expired")
}

/// Sets a new password with a reset (or invitation) token: single use,
/// expiring; an invited user becomes active; every session ends.
pub async fn reset_password(
    svc: &Services,
    ctx: &RequestContext,
    input: ResetPasswordInput,
) -> AppResult<()> {
    validate::password("newPassword", &input.new_password)?;
    let new_hash = password::hash(input.new_password.into()).await?;
    let now = ctx.now();
    let tx = svc.db.system_tx().await?;
    let row = reset_tokens::live_for_update(&tx, secrets::digest(&input.token), now)
        .await?
        .ok_or_else(bad_token)?;
    let tenant = TenantId::from(row.tenant_id);
    let user = UserId::from(row.user_id);
    reset_tokens::mark_used(&tx, row.id, now).await?;
    if !user_store::reset_password(&tx, tenant, user, new_hash, now).await? {
        return Err(bad_token());
    }
    sessions::revoke_user(&tx, tenant, user, now).await?;
    let actor = Actor::User {
        tenant_id: tenant,
        user_id: user,
    };
    let entry = password_entry(tenant, user, "identity.password.reset");
    audit::record(&tx, &acting_as(ctx, actor), entry).await?;
    tx.commit().await?;
    Ok(())
}
