//! TOTP multi-factor authentication, for tenant users and superadmins alike:
//! enrolment, confirmation (which hands out the recovery codes), disabling,
//! and the second factor of a sign-in.

use super::secrets;
use super::store::mfa as store;
pub(crate) use super::store::mfa::Holder;
use super::types::{MfaCodeInput, MfaEnrolment, RecoveryCodes};
use crate::audit::service::{self as audit, AuditEntry};
use crate::services::Services;
use kernel::{Actor, AppError, AppResult, RequestContext};
use sea_orm::DatabaseTransaction;
use serde_json::{Value, json};

const RECOVERY_CODES: usize = 10;

fn totp_for(secret_base32: &str, account: &str) -> AppResult<totp_rs::Totp> {
    let secret = totp_rs::Secret::try_from_base32(secret_base32)
        .map_err(|e| AppError::internal(format!("totp secret: {e}")))?;
    totp_rs::Builder::new()
        .with_secret(secret)
        .with_account_name(account.to_owned())
        .with_issuer(Some("Platform"))
        .build()
        .map_err(|e| AppError::internal(format!("totp: {e}")))
}

fn step_number(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

/// Checks a TOTP code against the enabled secret, refusing replays of a
/// code already used in its time step.
async fn check_totp(
    svc: &Services,
    tx: &DatabaseTransaction,
    holder: Holder,
    code: &str,
) -> AppResult<bool> {
    let key = svc.data_key.to_string();
    let secret = store::enabled_secret(tx, holder, &key)
        .await?
        .ok_or_else(|| AppError::internal("MFA enabled without a secret"))?;
    let Some(step) = totp_for(&secret.secret, &secret.email)?.check_current(code.trim()) else {
        return Ok(false);
    };
    let step = step_number(step);
    if secret.mfa_last_step.is_some_and(|l| step <= l) {
        return Ok(false);
    }
    store::spend_step(tx, holder, step).await?;
    Ok(true)
}

async fn use_recovery_code(
    tx: &DatabaseTransaction,
    holder: Holder,
    code: &str,
) -> AppResult<bool> {
    let digest = secrets::digest_hex(&code.trim().to_lowercase());
    let known = store::state(tx, holder)
        .await?
        .is_some_and(|s| s.mfa_recovery_hashes.contains(&digest));
    if !known {
        return Ok(false);
    }
    store::spend_recovery_code(tx, holder, &digest).await?;
    Ok(true)
}

/// The second factor of a sign-in: `(totp, recovery)` as given; with
/// neither, the answer asks for one (`details.mfaRequired`).
pub(super) async fn second_factor(
    svc: &Services,
    tx: &DatabaseTransaction,
    holder: Holder,
    (totp, recovery): (Option<&str>, Option<&str>),
) -> AppResult<bool> {
    match (totp, recovery) {
        (Some(code), _) => check_totp(svc, tx, holder, code).await,
        (None, Some(code)) => use_recovery_code(tx, holder, code).await,
        (None, None) => Err(
            AppError::authn("a one-time code is required for this account")
                .with_details(json!({ "mfaRequired": true })),
        ),
    }
}

fn mfa_entry(
    holder: Holder,
    action: &'static str,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditEntry<'static> {
    let (tenant_id, entity_type, id) = match holder {
        Holder::User(tenant, user) => (Some(tenant), "user", user),
        Holder::Superadmin(id) => (None, "superadmin", id),
    };
    AuditEntry {
        tenant_id,
        action,
        entity_type,
        entity_id: Some(id.to_string()),
        before,
        after,
    }
}

/// The caller's own second factor and the transaction to change it in: a
/// user's in their tenant's, a superadmin's in the platform's. API keys
/// have none; an impersonation may not touch it.
async fn own(svc: &Services, ctx: &RequestContext) -> AppResult<(DatabaseTransaction, Holder)> {
    ctx.require_own_credentials()?;
    match ctx.actor {
        Actor::Superadmin { user_id } => {
            Ok((svc.db.system_tx().await?, Holder::Superadmin(user_id)))
        }
        _ => {
            let (tenant, user) = ctx.require_user()?;
            Ok((svc.db.tenant_tx(tenant).await?, Holder::User(tenant, user)))
        }
    }
}

/// A new secret for `holder`, kept pending until a code from it is
/// confirmed; answers it and its `otpauth://` URL.
pub(super) async fn start_enrolment(
    svc: &Services,
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    holder: Holder,
    email: &str,
) -> AppResult<MfaEnrolment> {
    let secret = totp_rs::Secret::generate().to_base32();
    let url = totp_for(&secret, email)?
        .to_url()
        .map_err(|e| AppError::internal(format!("otpauth url: {e}")))?;
    let key = svc.data_key.to_string();
    store::set_pending_secret(tx, holder, &secret, &key, ctx.now()).await?;
    let entry = mfa_entry(holder, "identity.mfa.enrolment_started", None, None);
    audit::record(tx, ctx, entry).await?;
    Ok(MfaEnrolment {
        secret,
        otpauth_url: url,
    })
}

/// Confirms `holder`'s pending secret with a current code: MFA is on, and
/// the recovery codes are answered, once.
pub(super) async fn finish_enrolment(
    svc: &Services,
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    holder: Holder,
    code: &str,
) -> AppResult<RecoveryCodes> {
    let key = svc.data_key.to_string();
    let pending = store::pending_secret(tx, holder, &key)
        .await?
        .ok_or_else(|| AppError::conflict("start MFA enrolment first"))?;
    let Some(step) = totp_for(&pending.secret, &pending.email)?.check_current(code.trim()) else {
        return Err(AppError::invalid_field("code", "is not the current code"));
    };
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| secrets::recovery_code())
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| secrets::digest_hex(c)).collect();
    store::enable(tx, holder, hashes, step_number(step), ctx.now()).await?;
    let entry = mfa_entry(
        holder,
        "identity.mfa.enabled",
        Some(json!({ "mfaEnabled": false })),
        Some(json!({ "mfaEnabled": true })),
    );
    audit::record(tx, ctx, entry).await?;
    Ok(RecoveryCodes {
        recovery_codes: codes,
    })
}

/// Starts enrolment: a new secret, kept pending until a code from it is confirmed.
pub async fn enrol_mfa(svc: &Services, ctx: &RequestContext) -> AppResult<MfaEnrolment> {
    let (tx, holder) = own(svc, ctx).await?;
    let state = store::state(&tx, holder)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    if state.mfa_enabled {
        return Err(AppError::conflict(
            "MFA is already on; disable it first to enrol a new device",
        ));
    }
    let email = store::email(&tx, holder).await?;
    let enrolment = start_enrolment(svc, &tx, ctx, holder, &email).await?;
    tx.commit().await?;
    Ok(enrolment)
}

/// Confirms enrolment with a current code; MFA is on from now and the
/// recovery codes are returned, once.
pub async fn confirm_mfa(
    svc: &Services,
    ctx: &RequestContext,
    input: MfaCodeInput,
) -> AppResult<RecoveryCodes> {
    let (tx, holder) = own(svc, ctx).await?;
    let codes = finish_enrolment(svc, &tx, ctx, holder, input.code.as_str()).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Switches MFA off; needs a current code (or a recovery code). A
/// superadmin cannot while the platform requires it of them.
pub async fn disable_mfa(
    svc: &Services,
    ctx: &RequestContext,
    input: MfaCodeInput,
) -> AppResult<()> {
    let code = input.code.as_str();
    let (tx, holder) = own(svc, ctx).await?;
    if matches!(holder, Holder::Superadmin(_)) && svc.superadmin_mfa_required {
        return Err(AppError::conflict(
            "this platform requires MFA of superadmins (SUPERADMIN_MFA_REQUIRED)",
        ));
    }
    let state = store::state(&tx, holder)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    if !state.mfa_enabled {
        return Err(AppError::conflict("MFA is not on"));
    }
    let ok =
        check_totp(svc, &tx, holder, code).await? || use_recovery_code(&tx, holder, code).await?;
    if !ok {
        return Err(AppError::invalid_field("code", "is not a valid code"));
    }
    store::disable(&tx, holder, ctx.now()).await?;
    let entry = mfa_entry(
        holder,
        "identity.mfa.disabled",
        Some(json!({ "mfaEnabled": true })),
        Some(json!({ "mfaEnabled": false })),
    );
    audit::record(&tx, ctx, entry).await?;
    tx.commit().await?;
    Ok(())
}
