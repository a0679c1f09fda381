//! TOTP multi-factor authentication: enrolment, confirmation (which hands
//! out the recovery codes), disabling, and the second factor of a sign-in.

use super::secrets;
use super::store::{mfa as store, users as user_store};
use super::types::{MfaCodeInput, MfaEnrolment, RecoveryCodes};
use crate::audit::service::AuditEntry;
use crate::command::Unit;
use crate::services::Services;
use entities::users::Model as Account;
use kernel::{AppError, AppResult, RequestContext, TenantId, UserId};
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
    tenant: TenantId,
    user: UserId,
    code: &str,
) -> AppResult<bool> {
    let key = svc.data_key.to_string();
    let secret = store::enabled_secret(tx, tenant, user, &key)
        .await?
        .ok_or_else(|| AppError::internal("MFA enabled without a secret"))?;
    let Some(step) = totp_for(&secret.secret, &secret.email)?.check_current(code.trim()) else {
        return Ok(false);
    };
    let step = step_number(step);
    if secret.mfa_last_step.is_some_and(|l| step <= l) {
        return Ok(false);
    }
    store::spend_step(tx, tenant, user, step).await?;
    Ok(true)
}

async fn use_recovery_code(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    account: &Account,
    code: &str,
) -> AppResult<bool> {
    let digest = secrets::digest_hex(&code.trim().to_lowercase());
    if !account.mfa_recovery_hashes.contains(&digest) {
        return Ok(false);
    }
    store::spend_recovery_code(tx, tenant, account.id.into(), &digest).await?;
    Ok(true)
}

/// The second factor of a sign-in: `(totp, recovery)` as given; with
/// neither, the answer asks for one (`details.mfaRequired`).
pub(super) async fn second_factor(
    svc: &Services,
    tx: &DatabaseTransaction,
    tenant: TenantId,
    account: &Account,
    (totp, recovery): (Option<&str>, Option<&str>),
) -> AppResult<bool> {
    match (totp, recovery) {
        (Some(code), _) => check_totp(svc, tx, tenant, account.id.into(), code).await,
        (None, Some(code)) => use_recovery_code(tx, tenant, account, code).await,
        (None, None) => Err(
            AppError::authn("a one-time code is required for this account")
                .with_details(json!({ "mfaRequired": true })),
        ),
    }
}

fn mfa_entry(
    tenant: TenantId,
    user: UserId,
    action: &'static str,
    before: Option<Value>,
    after: Option<Value>,
) -> AuditEntry<'static> {
    AuditEntry {
        tenant_id: Some(tenant),
        action,
        entity_type: "user",
        entity_id: Some(user.to_string()),
        before,
        after,
    }
}

/// The signed-in user's own unit of work (API keys are not users).
async fn own<'c>(svc: &Services, ctx: &'c RequestContext) -> AppResult<(Unit<'c>, UserId)> {
    let (tenant, user) = ctx.require_user()?;
    ctx.require_own_credentials()?;
    Ok((Unit::open(&svc.db, ctx, tenant).await?, user))
}

/// Starts enrolment: a new secret, kept pending until a code from it is confirmed.
pub async fn enrol_mfa(svc: &Services, ctx: &RequestContext) -> AppResult<MfaEnrolment> {
    let (unit, user) = own(svc, ctx).await?;
    let me = user_store::find(&*unit, unit.tenant, user)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    if me.mfa_enabled {
        return Err(AppError::conflict(
            "MFA is already on; disable it first to enrol a new device",
        ));
    }
    let secret = totp_rs::Secret::generate().to_base32();
    let url = totp_for(&secret, &me.email)?
        .to_url()
        .map_err(|e| AppError::internal(format!("otpauth url: {e}")))?;
    let key = svc.data_key.to_string();
    store::set_pending_secret(&*unit, unit.tenant, user, &secret, &key, unit.now()).await?;
    let entry = mfa_entry(
        unit.tenant,
        user,
        "identity.mfa.enrolment_started",
        None,
        None,
    );
    unit.audit(entry).await?;
    unit.commit(MfaEnrolment {
        secret,
        otpauth_url: url,
    })
    .await
}

/// Confirms enrolment with a current code; MFA is on from now and the
/// recovery codes are returned, once.
pub async fn confirm_mfa(
    svc: &Services,
    ctx: &RequestContext,
    input: MfaCodeInput,
) -> AppResult<RecoveryCodes> {
    let code = input.code.as_str();
    let (unit, user) = own(svc, ctx).await?;
    let key = svc.data_key.to_string();
    let pending = store::pending_secret(&*unit, unit.tenant, user, &key)
        .await?
        .ok_or_else(|| AppError::conflict("start MFA enrolment first"))?;
    let Some(step) = totp_for(&pending.secret, &pending.email)?.check_current(code.trim()) else {
        return Err(AppError::invalid_field("code", "is not the current code"));
    };
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| secrets::recovery_code())
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| secrets::digest_hex(c)).collect();
    let step = step_number(step);
    store::enable(&*unit, unit.tenant, user, hashes, step, unit.now()).await?;
    let entry = mfa_entry(
        unit.tenant,
        user,
        "identity.mfa.enabled",
        Some(json!({ "mfaEnabled": false })),
        Some(json!({ "mfaEnabled": true })),
    );
    unit.audit(entry).await?;
    unit.commit(RecoveryCodes {
        recovery_codes: codes,
    })
    .await
}

/// Switches MFA off; needs a current code (or a recovery code).
pub async fn disable_mfa(
    svc: &Services,
    ctx: &RequestContext,
    input: MfaCodeInput,
) -> AppResult<()> {
    let code = input.code.as_str();
    let (unit, user) = own(svc, ctx).await?;
    let account = user_store::account(&*unit, unit.tenant, user)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    if !account.mfa_enabled {
        return Err(AppError::conflict("MFA is not on"));
    }
    let ok = check_totp(svc, &unit, unit.tenant, user, code).await?
        || use_recovery_code(&unit, unit.tenant, &account, code).await?;
    if !ok {
        return Err(AppError::invalid_field("code", "is not a valid code"));
    }
    store::disable(&*unit, unit.tenant, user, unit.now()).await?;
    let entry = mfa_entry(
        unit.tenant,
        user,
        "identity.mfa.disabled",
        Some(json!({ "mfaEnabled": true })),
        Some(json!({ "mfaEnabled": false })),
    );
    unit.audit(entry).await?;
    unit.commit(()).await
}
