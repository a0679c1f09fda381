//! Signing in: tenant users (with their second factor) and platform
//! superadmins. A wrong email costs as long as a wrong password, and
//! failures are counted per account and per IP.

use super::mfa::{Holder, finish_enrolment, second_factor, start_enrolment};
use super::sessions::{acting_as, open};
use super::store::users as user_store;
use super::throttle::Throttle;
use super::tokens::SubjectKind;
use super::types::{AuthTokens, LoginInput, SuperadminLoginInput};
use super::{password, validate};
use crate::audit::service::{self as audit, AuditEntry};
use crate::services::Services;
use crate::superadmin::store as superadmins;
use crate::tenants::service::{TenantStatus, find_by_slug};
use entities::superadmins::SuperadminStatus;
use entities::users::UserStatus;
use kernel::{Actor, AppError, AppResult, RequestContext, UserId};
use serde_json::json;
use uuid::Uuid;

/// Argon2id of a random password, verified against when an account does not
/// exist, so a wrong email costs as long as a wrong password.
pub(super) const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6gXN3Jzq0qXWkzW6cyMBPrKkDJ47A4HUU7PdsV9tCkA";

fn invalid_credentials() -> AppError {
    AppError::authn("invalid credentials")
}

fn not_active() -> AppError {
    AppError::authn("the account is not active")
}

/// Signs a tenant user in. Pending and suspended tenants' users can sign in
/// (they see their status) but reach no business module; rejected tenants'
/// cannot. Failures are counted per account and per IP.
pub async fn login(
    svc: &Services,
    ctx: &RequestContext,
    input: LoginInput,
) -> AppResult<AuthTokens> {
    if input.tenant_slug.trim().is_empty() {
        return Err(AppError::invalid_field("tenantSlug", "is required"));
    }
    let email = validate::email("email", &input.email)?;
    if input.password.is_empty() {
        return Err(AppError::invalid_field("password", "is required"));
    }
    let slug = input.tenant_slug.trim().to_lowercase();
    let throttle = Throttle::new(svc, &format!("{slug}/{email}"), ctx.client_ip.as_deref());
    throttle.check().await?;

    let tenant = {
        let tx = svc.db.system_tx().await?;
        let found = find_by_slug(&tx, &slug).await?;
        tx.commit().await?;
        found.filter(|t| t.status != TenantStatus::Rejected)
    };
    let account = match &tenant {
        Some(t) => {
            let tx = svc.db.tenant_tx(t.id).await?;
            let account = user_store::account_by_email(&tx, t.id, &email).await?;
            tx.commit().await?;
            account
        }
        None => None,
    };
    let hash = account
        .as_ref()
        .and_then(|a| a.password_hash.clone())
        .unwrap_or_else(|| DECOY_HASH.to_owned());
    let password_ok = password::verify(input.password.into(), hash).await?;
    let (Some(tenant), Some(account), true) = (tenant, account, password_ok) else {
        throttle.fail().await?;
        return Err(invalid_credentials());
    };
    if account.status != UserStatus::Active {
        return Err(not_active());
    }
    let user = UserId::from(account.id);
    let tx = svc.db.tenant_tx(tenant.id).await?;
    if account.mfa_enabled {
        let code = (input.totp_code.as_deref(), input.recovery_code.as_deref());
        let holder = Holder::User(tenant.id, user);
        let passed = second_factor(svc, &tx, holder, code).await?;
        if !passed {
            drop(tx);
            throttle.fail().await?;
            return Err(AppError::authn("the one-time code is not valid")
                .with_details(json!({ "mfaRequired": true })));
        }
    }
    user_store::touch_last_login(&tx, tenant.id, user, ctx.now()).await?;
    let actor = Actor::User {
        tenant_id: tenant.id,
        user_id: user,
    };
    audit::record(
        &tx,
        &acting_as(ctx, actor),
        AuditEntry {
            tenant_id: Some(tenant.id),
            action: "identity.session.created",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: None,
            after: Some(json!({ "ip": ctx.client_ip, "mfa": account.mfa_enabled })),
        },
    )
    .await?;
    tx.commit().await?;

    let tx = svc.db.system_tx().await?;
    let kind = SubjectKind::User;
    let tokens = open(svc, &tx, ctx, kind, Some(tenant.id), user, Uuid::now_v7()).await?;
    tx.commit().await?;
    throttle.reset().await?;
    Ok(tokens)
}

/// Signs a platform superadmin in.
pub async fn superadmin_login(
    svc: &Services,
    ctx: &RequestContext,
    input: SuperadminLoginInput,
) -> AppResult<AuthTokens> {
    let email = validate::email("email", &input.email)?;
    let account = format!("superadmin/{email}");
    let throttle = Throttle::new(svc, &account, ctx.client_ip.as_deref());
    throttle.check().await?;
    let tx = svc.db.system_tx().await?;
    let row = superadmins::find_by_email(&tx, &email).await?;
    tx.commit().await?;
    let hash = row
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| DECOY_HASH.to_owned());
    let ok = password::verify(input.password.into(), hash).await?;
    let (Some(row), true) = (row, ok) else {
        throttle.fail().await?;
        return Err(invalid_credentials());
    };
    if row.status != SuperadminStatus::Active {
        return Err(not_active());
    }
    let id = UserId::from(row.id);
    let holder = Holder::Superadmin(id);
    let tx = svc.db.system_tx().await?;
    let code = (input.totp_code.as_deref(), input.recovery_code.as_deref());
    let mut recovery_codes = None;
    if row.mfa_enabled {
        if !second_factor(svc, &tx, holder, code).await? {
            drop(tx);
            throttle.fail().await?;
            return Err(AppError::authn("the one-time code is not valid")
                .with_details(json!({ "mfaRequired": true })));
        }
    } else if svc.superadmin_mfa_required {
        // Enrolment at sign-in: the password is right, so the first answer
        // hands out a secret; signing in again with a code from it turns
        // MFA on and answers the recovery codes once.
        let acting = acting_as(ctx, Actor::Superadmin { user_id: id });
        match code.0 {
            None => {
                let enrolment = start_enrolment(svc, &tx, &acting, holder, &row.email).await?;
                tx.commit().await?;
                return Err(AppError::authn(
                    "this platform requires MFA of superadmins: add this secret to an authenticator app and sign in again with its code",
                )
                .with_details(json!({
                    "mfaEnrolmentRequired": true,
                    "secret": enrolment.secret,
                    "otpauthUrl": enrolment.otpauth_url,
                })));
            }
            Some(totp) => {
                let codes = finish_enrolment(svc, &tx, &acting, holder, totp).await?;
                recovery_codes = Some(codes.recovery_codes);
            }
        }
    }
    superadmins::touch_last_login(&tx, id, ctx.now()).await?;
    audit::record(
        &tx,
        &acting_as(ctx, Actor::Superadmin { user_id: id }),
        AuditEntry {
            tenant_id: None,
            action: "identity.superadmin_session.created",
            entity_type: "superadmin",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(
                json!({ "ip": ctx.client_ip, "mfa": row.mfa_enabled || recovery_codes.is_some() }),
            ),
        },
    )
    .await?;
    let kind = SubjectKind::Superadmin;
    let mut tokens = open(svc, &tx, ctx, kind, None, id, Uuid::now_v7()).await?;
    tx.commit().await?;
    throttle.reset().await?;
    tokens.recovery_codes = recovery_codes;
    Ok(tokens)
}
