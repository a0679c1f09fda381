//! Users and sessions: sign-in, refresh-token rotation with reuse detection,
//! sign-out, passwords and resets, TOTP MFA, and the tenant's user list.

use super::secrets;
use super::tokens::SubjectKind;
use super::{password, validate};
use crate::audit::service::{self as audit, AuditEntry};
use crate::pagination::{Page, PageRequest};
use crate::rbac::service::{
    assign_in, check_grantable, grantable_roles, owner_standing, permissions_of,
};
use crate::services::Services;
use crate::tenants::service::{TenantStatus, find_by_slug};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use jobs::outbox::{self, NewEvent};
use kernel::db::sql;
use kernel::{
    Actor, AppError, AppResult, Db, ErrorCode, RequestContext, TenantId, UserId, counter,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// Argon2id of a random password, verified against when an account does not
/// exist, so a wrong email costs as long as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$6gXN3Jzq0qXWkzW6cyMBPrKkDJ47A4HUU7PdsV9tCkA";
const RESET_TTL_HOURS: i64 = 1;
const INVITE_TTL_DAYS: i64 = 7;
const RECOVERY_CODES: usize = 10;

/// A signed-in session: a short-lived access token and a refresh token.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthTokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub token_type: String,
    pub tenant_id: Option<Uuid>,
    pub user_id: Uuid,
}

/// A person who works for a tenant.
#[derive(
    Debug, Clone, Serialize, FromQueryResult, async_graphql::SimpleObject, utoipa::ToSchema,
)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub status: String,
    pub mfa_enabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const USER_COLUMNS: &str =
    "id, email, display_name, status, mfa_enabled, last_login_at, created_at, updated_at";

#[derive(FromQueryResult)]
struct Credentials {
    id: Uuid,
    status: String,
    password_hash: Option<String>,
    mfa_enabled: bool,
    mfa_recovery_hashes: Vec<String>,
}

// ---------------------------------------------------------------- throttling

fn throttle_keys(svc: &Services, account: &str, ip: Option<&str>) -> (String, Option<String>) {
    (
        format!(
            "{}login:account:{}",
            svc.redis_prefix,
            secrets::digest_hex(account)
        ),
        ip.map(|ip| format!("{}login:ip:{ip}", svc.redis_prefix)),
    )
}

/// Refuses the attempt when the account or the IP has failed too often.
async fn throttle_check(svc: &Services, account_key: &str, ip_key: Option<&str>) -> AppResult<()> {
    let limits = &svc.login_throttle;
    let account = counter::peek(&svc.redis, account_key).await?;
    if account.count >= limits.per_account {
        return Err(AppError::rate_limited(account.resets_in_secs));
    }
    if let Some(ip_key) = ip_key {
        let ip = counter::peek(&svc.redis, ip_key).await?;
        if ip.count >= limits.per_ip {
            return Err(AppError::rate_limited(ip.resets_in_secs));
        }
    }
    Ok(())
}

async fn throttle_fail(svc: &Services, account_key: &str, ip_key: Option<&str>) -> AppResult<()> {
    let window = u64::try_from(svc.login_throttle.window.as_millis()).unwrap_or(u64::MAX);
    counter::hit(&svc.redis, account_key, window).await?;
    if let Some(ip_key) = ip_key {
        counter::hit(&svc.redis, ip_key, window).await?;
    }
    Ok(())
}

fn invalid_credentials() -> AppError {
    AppError::authn("invalid credentials")
}

// ---------------------------------------------------------------- sessions

/// Issues an access token and a refresh token in `family` (a new login
/// starts a family; a refresh continues it).
async fn open_session(
    svc: &Services,
    tx: &DatabaseTransaction,
    kind: SubjectKind,
    tenant: Option<TenantId>,
    subject: Uuid,
    family: Uuid,
) -> AppResult<AuthTokens> {
    let refresh = secrets::generate("rt_");
    let refresh_expires_at =
        Utc::now() + ChronoDuration::from_std(svc.refresh_ttl).map_err(AppError::internal)?;
    tx.execute_raw(sql(
        "INSERT INTO sessions (id, tenant_id, subject_kind, subject_id, family_id, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [
            Uuid::now_v7().into(),
            tenant.map(|t| t.as_uuid()).into(),
            kind_str(kind).into(),
            subject.into(),
            family.into(),
            secrets::digest(&refresh).into(),
            refresh_expires_at.into(),
        ],
    ))
    .await?;
    let (access_token, claims) = svc
        .tokens
        .issue(kind, subject, tenant.map(|t| t.as_uuid()))?;
    Ok(AuthTokens {
        access_token,
        access_expires_at: DateTime::from_timestamp(claims.exp, 0).unwrap_or_else(Utc::now),
        refresh_token: refresh,
        refresh_expires_at,
        token_type: "Bearer".to_owned(),
        tenant_id: tenant.map(|t| t.as_uuid()),
        user_id: subject,
    })
}

fn kind_str(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::User => "user",
        SubjectKind::Superadmin => "superadmin",
    }
}

fn as_actor(ctx: &RequestContext, actor: Actor) -> RequestContext {
    RequestContext {
        actor,
        ..ctx.clone()
    }
}

#[derive(Debug, Clone, Default)]
pub struct LoginInput {
    pub tenant_slug: String,
    pub email: String,
    pub password: String,
    pub totp_code: Option<String>,
    pub recovery_code: Option<String>,
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
    let (account_key, ip_key) =
        throttle_keys(svc, &format!("{slug}/{email}"), ctx.client_ip.as_deref());
    throttle_check(svc, &account_key, ip_key.as_deref()).await?;

    let tenant = {
        let tx = svc.db.system_tx().await?;
        let found = find_by_slug(&tx, &slug).await?;
        tx.commit().await?;
        found.filter(|t| t.status != TenantStatus::Rejected)
    };
    let creds = match &tenant {
        Some(t) => {
            let tx = svc.db.tenant_tx(TenantId(t.id)).await?;
            let creds = Credentials::find_by_statement(sql(
                "SELECT id, status, password_hash, mfa_enabled, mfa_recovery_hashes FROM users
                 WHERE tenant_id = $1 AND email = $2 AND deleted_at IS NULL",
                [t.id.into(), email.clone().into()],
            ))
            .one(&tx)
            .await?;
            tx.commit().await?;
            creds
        }
        None => None,
    };
    let hash = creds
        .as_ref()
        .and_then(|c| c.password_hash.clone())
        .unwrap_or_else(|| DECOY_HASH.to_owned());
    let password_ok = password::verify(input.password.clone(), hash).await?;
    let (Some(tenant), Some(creds), true) = (tenant, creds, password_ok) else {
        throttle_fail(svc, &account_key, ip_key.as_deref()).await?;
        return Err(invalid_credentials());
    };
    if creds.status != "active" {
        return Err(AppError::authn("the account is not active"));
    }
    let tx = svc.db.tenant_tx(TenantId(tenant.id)).await?;
    if creds.mfa_enabled {
        let passed = match (&input.totp_code, &input.recovery_code) {
            (Some(code), _) => check_totp(svc, &tx, TenantId(tenant.id), creds.id, code).await?,
            (None, Some(code)) => {
                use_recovery_code(
                    &tx,
                    TenantId(tenant.id),
                    creds.id,
                    &creds.mfa_recovery_hashes,
                    code,
                )
                .await?
            }
            (None, None) => {
                return Err(
                    AppError::authn("a one-time code is required for this account")
                        .with_details(json!({ "mfaRequired": true })),
                );
            }
        };
        if !passed {
            drop(tx);
            throttle_fail(svc, &account_key, ip_key.as_deref()).await?;
            return Err(AppError::authn("the one-time code is not valid")
                .with_details(json!({ "mfaRequired": true })));
        }
    }
    tx.execute_raw(sql(
        "UPDATE users SET last_login_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.id.into(), creds.id.into()],
    ))
    .await?;
    let actor = Actor::User {
        tenant_id: TenantId(tenant.id),
        user_id: UserId(creds.id),
    };
    audit::record(
        &tx,
        &as_actor(ctx, actor),
        AuditEntry {
            tenant_id: Some(TenantId(tenant.id)),
            action: "identity.session.created",
            entity_type: "user",
            entity_id: Some(creds.id.to_string()),
            before: None,
            after: Some(json!({ "ip": ctx.client_ip, "mfa": creds.mfa_enabled })),
        },
    )
    .await?;
    tx.commit().await?;

    let tx = svc.db.system_tx().await?;
    let tokens = open_session(
        svc,
        &tx,
        SubjectKind::User,
        Some(TenantId(tenant.id)),
        creds.id,
        Uuid::now_v7(),
    )
    .await?;
    tx.commit().await?;
    counter::reset(&svc.redis, &account_key).await?;
    Ok(tokens)
}

/// Signs a platform superadmin in.
pub async fn superadmin_login(
    svc: &Services,
    ctx: &RequestContext,
    email: &str,
    plain: &str,
) -> AppResult<AuthTokens> {
    let email = validate::email("email", email)?;
    let (account_key, ip_key) = throttle_keys(
        svc,
        &format!("superadmin/{email}"),
        ctx.client_ip.as_deref(),
    );
    throttle_check(svc, &account_key, ip_key.as_deref()).await?;
    #[derive(FromQueryResult)]
    struct Row {
        id: Uuid,
        password_hash: String,
        status: String,
    }
    let tx = svc.db.system_tx().await?;
    let row = Row::find_by_statement(sql(
        "SELECT id, password_hash, status FROM superadmins WHERE email = $1",
        [email.into()],
    ))
    .one(&tx)
    .await?;
    tx.commit().await?;
    let hash = row
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| DECOY_HASH.to_owned());
    let ok = password::verify(plain.to_owned(), hash).await?;
    let (Some(row), true) = (row, ok) else {
        throttle_fail(svc, &account_key, ip_key.as_deref()).await?;
        return Err(invalid_credentials());
    };
    if row.status != "active" {
        return Err(AppError::authn("the account is not active"));
    }
    let tx = svc.db.system_tx().await?;
    tx.execute_raw(sql(
        "UPDATE superadmins SET last_login_at = now() WHERE id = $1",
        [row.id.into()],
    ))
    .await?;
    audit::record(
        &tx,
        &as_actor(
            ctx,
            Actor::Superadmin {
                user_id: UserId(row.id),
            },
        ),
        AuditEntry {
            tenant_id: None,
            action: "identity.superadmin_session.created",
            entity_type: "superadmin",
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(json!({ "ip": ctx.client_ip })),
        },
    )
    .await?;
    let tokens = open_session(
        svc,
        &tx,
        SubjectKind::Superadmin,
        None,
        row.id,
        Uuid::now_v7(),
    )
    .await?;
    tx.commit().await?;
    counter::reset(&svc.redis, &account_key).await?;
    Ok(tokens)
}

#[derive(FromQueryResult)]
struct SessionRow {
    id: Uuid,
    tenant_id: Option<Uuid>,
    subject_kind: String,
    subject_id: Uuid,
    family_id: Uuid,
    status: String,
    expires_at: DateTime<Utc>,
}

async fn revoke_family(conn: &impl ConnectionTrait, family: Uuid) -> AppResult<u64> {
    Ok(conn
        .execute_raw(sql(
            "UPDATE sessions SET status = 'revoked', revoked_at = now() WHERE family_id = $1 AND status <> 'revoked'",
            [family.into()],
        ))
        .await?
        .rows_affected())
}

/// Trades a refresh token for a new pair. The old token is spent; presenting
/// a spent token again means it was stolen (or replayed), so its whole family
/// is revoked and both holders must sign in again.
pub async fn refresh(svc: &Services, ctx: &RequestContext, token: &str) -> AppResult<AuthTokens> {
    if token.is_empty() {
        return Err(AppError::invalid_field("refreshToken", "is required"));
    }
    let tx = svc.db.system_tx().await?;
    let session = SessionRow::find_by_statement(sql(
        "SELECT id, tenant_id, subject_kind, subject_id, family_id, status, expires_at FROM sessions
         WHERE token_hash = $1 FOR UPDATE",
        [secrets::digest(token).into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::authn("invalid refresh token"))?;
    match session.status.as_str() {
        "rotated" => {
            let revoked = revoke_family(&tx, session.family_id).await?;
            audit::record(
                &tx,
                ctx,
                AuditEntry {
                    tenant_id: session.tenant_id.map(TenantId),
                    action: "identity.refresh_token.reused",
                    entity_type: "session_family",
                    entity_id: Some(session.family_id.to_string()),
                    before: None,
                    after: Some(json!({ "revokedSessions": revoked, "ip": ctx.client_ip })),
                },
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(family = %session.family_id, "refresh token reuse detected; family revoked");
            return Err(AppError::authn(
                "refresh token reuse detected; sign in again",
            ));
        }
        "revoked" => return Err(AppError::authn("the session has ended; sign in again")),
        _ => {}
    }
    if session.expires_at <= Utc::now() {
        return Err(AppError::authn("the session has expired; sign in again"));
    }
    // The subject must still be allowed in.
    let (kind, tenant) = match (session.subject_kind.as_str(), session.tenant_id) {
        ("user", Some(t)) => {
            let row = tx
                .query_one_raw(sql(
                    "SELECT u.status AS user_status, t.status AS tenant_status FROM users u JOIN tenants t ON t.id = u.tenant_id
                     WHERE u.tenant_id = $1 AND u.id = $2 AND u.deleted_at IS NULL",
                    [t.into(), session.subject_id.into()],
                ))
                .await?;
            let allowed = row.is_some_and(|r| {
                r.try_get::<String>("", "user_status")
                    .is_ok_and(|s| s == "active")
                    && r.try_get::<String>("", "tenant_status")
                        .is_ok_and(|s| s != "rejected")
            });
            if !allowed {
                revoke_family(&tx, session.family_id).await?;
                tx.commit().await?;
                return Err(AppError::authn("the account is not active"));
            }
            (SubjectKind::User, Some(TenantId(t)))
        }
        ("superadmin", None) => (SubjectKind::Superadmin, None),
        _ => return Err(AppError::internal("malformed session row")),
    };
    tx.execute_raw(sql(
        "UPDATE sessions SET status = 'rotated', used_at = now() WHERE id = $1",
        [session.id.into()],
    ))
    .await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: tenant,
            action: "identity.session.refreshed",
            entity_type: "session_family",
            entity_id: Some(session.family_id.to_string()),
            before: None,
            after: Some(json!({ "ip": ctx.client_ip })),
        },
    )
    .await?;
    let tokens = open_session(
        svc,
        &tx,
        kind,
        tenant,
        session.subject_id,
        session.family_id,
    )
    .await?;
    tx.commit().await?;
    Ok(tokens)
}

/// Ends the session the refresh token belongs to (its whole family).
pub async fn logout(svc: &Services, ctx: &RequestContext, token: &str) -> AppResult<()> {
    let tx = svc.db.system_tx().await?;
    let session = SessionRow::find_by_statement(sql(
        "SELECT id, tenant_id, subject_kind, subject_id, family_id, status, expires_at FROM sessions WHERE token_hash = $1",
        [secrets::digest(token).into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::authn("invalid refresh token"))?;
    revoke_family(&tx, session.family_id).await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: session.tenant_id.map(TenantId),
            action: "identity.session.ended",
            entity_type: "session_family",
            entity_id: Some(session.family_id.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn revoke_user_sessions(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE sessions SET status = 'revoked', revoked_at = now()
         WHERE tenant_id = $1 AND subject_id = $2 AND status <> 'revoked'",
        [tenant.as_uuid().into(), user.into()],
    ))
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- passwords

/// Changes the caller's password; every refresh session of theirs ends.
pub async fn change_password(
    svc: &Services,
    ctx: &RequestContext,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let (tenant, user) = ctx.require_user()?;
    validate::password("newPassword", new)?;
    // A stolen access token must not become unlimited password guesses.
    let (account_key, ip_key) = throttle_keys(
        svc,
        &format!("password-change/{user}"),
        ctx.client_ip.as_deref(),
    );
    throttle_check(svc, &account_key, ip_key.as_deref()).await?;
    let tx = svc.db.tenant_tx(tenant).await?;
    let hash: Option<String> = tx
        .query_one_raw(sql(
            "SELECT password_hash FROM users WHERE tenant_id = $1 AND id = $2",
            [tenant.as_uuid().into(), user.as_uuid().into()],
        ))
        .await?
        .and_then(|r| {
            r.try_get::<Option<String>>("", "password_hash")
                .ok()
                .flatten()
        });
    let ok = password::verify(
        current.to_owned(),
        hash.unwrap_or_else(|| DECOY_HASH.to_owned()),
    )
    .await?;
    if !ok {
        drop(tx);
        throttle_fail(svc, &account_key, ip_key.as_deref()).await?;
        return Err(AppError::invalid_field(
            "currentPassword",
            "is not your current password",
        ));
    }
    let new_hash = password::hash(new.to_owned()).await?;
    tx.execute_raw(sql(
        "UPDATE users SET password_hash = $3, password_changed_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), user.as_uuid().into(), new_hash.into()],
    ))
    .await?;
    revoke_user_sessions(&tx, tenant, user.as_uuid()).await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "identity.password.changed",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts a single-use token for `user` and returns it (only its digest is stored).
async fn issue_reset_token(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    user: Uuid,
    ttl: ChronoDuration,
) -> AppResult<(String, DateTime<Utc>)> {
    let token = secrets::generate("pr_");
    let expires_at = Utc::now() + ttl;
    tx.execute_raw(sql(
        "INSERT INTO password_reset_tokens (id, tenant_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)",
        [Uuid::now_v7().into(), tenant.as_uuid().into(), user.into(), secrets::digest(&token).into(), expires_at.into()],
    ))
    .await?;
    Ok((token, expires_at))
}

/// Starts a password reset. Always succeeds, so it cannot be used to learn
/// which emails have accounts; when one exists, an event carries the token to
/// the email job.
pub async fn request_password_reset(
    svc: &Services,
    ctx: &RequestContext,
    slug: &str,
    email: &str,
) -> AppResult<()> {
    let email = validate::email("email", email)?;
    let slug = slug.trim().to_lowercase();
    let (account_key, ip_key) = throttle_keys(
        svc,
        &format!("reset/{slug}/{email}"),
        ctx.client_ip.as_deref(),
    );
    throttle_check(svc, &account_key, ip_key.as_deref()).await?;
    throttle_fail(svc, &account_key, None).await?;
    let tenant = {
        let tx = svc.db.system_tx().await?;
        let found = find_by_slug(&tx, &slug).await?;
        tx.commit().await?;
        found
    };
    let Some(tenant) = tenant.filter(|t| t.status != TenantStatus::Rejected) else {
        return Ok(());
    };
    let tx = svc.db.tenant_tx(TenantId(tenant.id)).await?;
    let user = User::find_by_statement(sql(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND email = $2 AND deleted_at IS NULL AND status = 'active'"),
        [tenant.id.into(), email.clone().into()],
    ))
    .one(&tx)
    .await?;
    let Some(user) = user else {
        return Ok(());
    };
    let (token, expires_at) = issue_reset_token(
        &tx,
        TenantId(tenant.id),
        user.id,
        ChronoDuration::hours(RESET_TTL_HOURS),
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(TenantId(tenant.id)),
            action: "identity.password_reset.requested",
            entity_type: "user",
            entity_id: Some(user.id.to_string()),
            before: None,
            after: Some(json!({ "expiresAt": expires_at })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(TenantId(tenant.id)),
        NewEvent::new(
            "identity.password_reset.requested",
            user.id,
            json!({ "userId": user.id, "email": user.email, "displayName": user.display_name,
                    "tenantSlug": tenant.slug, "token": token, "expiresAt": expires_at }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a reset (or invitation) token: single use,
/// expiring; an invited user becomes active; every session ends.
pub async fn reset_password(
    svc: &Services,
    ctx: &RequestContext,
    token: &str,
    new: &str,
) -> AppResult<()> {
    validate::password("newPassword", new)?;
    let new_hash = password::hash(new.to_owned()).await?;
    let tx = svc.db.system_tx().await?;
    let row = tx
        .query_one_raw(sql(
            "SELECT id, tenant_id, user_id FROM password_reset_tokens
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() FOR UPDATE",
            [secrets::digest(token).into()],
        ))
        .await?
        .ok_or_else(|| AppError::invalid_field("token", "is invalid, used or expired"))?;
    let id: Uuid = row.try_get("", "id")?;
    let tenant = TenantId(row.try_get("", "tenant_id")?);
    let user: Uuid = row.try_get("", "user_id")?;
    tx.execute_raw(sql(
        "UPDATE password_reset_tokens SET used_at = now() WHERE id = $1",
        [id.into()],
    ))
    .await?;
    let updated = tx
        .execute_raw(sql(
            "UPDATE users SET password_hash = $3, password_changed_at = now(), updated_at = now(),
               status = CASE WHEN status = 'invited' THEN 'active' ELSE status END
             WHERE tenant_id = $1 AND id = $2 AND status <> 'deactivated' AND deleted_at IS NULL",
            [tenant.as_uuid().into(), user.into(), new_hash.into()],
        ))
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::invalid_field(
            "token",
            "is invalid, used or expired",
        ));
    }
    revoke_user_sessions(&tx, tenant, user).await?;
    audit::record(
        &tx,
        &as_actor(
            ctx,
            Actor::User {
                tenant_id: tenant,
                user_id: UserId(user),
            },
        ),
        AuditEntry {
            tenant_id: Some(tenant),
            action: "identity.password.reset",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- users

/// The signed-in user.
pub async fn me(db: &Db, ctx: &RequestContext) -> AppResult<User> {
    let (tenant, user) = ctx.require_user()?;
    let tx = db.tenant_tx(tenant).await?;
    let found = find_user(&tx, tenant, user.as_uuid()).await?;
    tx.commit().await?;
    Ok(found)
}

async fn find_user(tx: &DatabaseTransaction, tenant: TenantId, id: Uuid) -> AppResult<User> {
    User::find_by_statement(sql(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("user"))
}

pub async fn list_users(db: &Db, ctx: &RequestContext, page: PageRequest) -> AppResult<Page<User>> {
    let tenant = ctx.require("admin.users.read")?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = User::find_by_statement(sql(
        &format!(
            "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND deleted_at IS NULL AND ($2::uuid IS NULL OR id > $2)
             ORDER BY id LIMIT $3"
        ),
        [tenant.as_uuid().into(), page.after.into(), page.fetch_limit().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    Ok(page.finish(rows, |u| u.id))
}

pub async fn get_user(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<User> {
    let tenant = ctx.require("admin.users.read")?;
    let tx = db.tenant_tx(tenant).await?;
    let found = find_user(&tx, tenant, id).await?;
    tx.commit().await?;
    Ok(found)
}

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    /// Set: the user is active at once. Unset: invited, with an email to choose one.
    pub password: Option<String>,
    pub role_ids: Vec<Uuid>,
}

pub async fn create_user(db: &Db, ctx: &RequestContext, input: NewUser) -> AppResult<User> {
    let tenant = ctx.require("admin.users.manage")?;
    let email = validate::email("email", &input.email)?;
    let display_name = input.display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "displayName",
            "must be 1 to 200 characters",
        ));
    }
    if let Some(p) = &input.password {
        validate::password("password", p)?;
    }
    let hash = match input.password {
        Some(p) => Some(password::hash(p).await?),
        None => None,
    };
    let id = Uuid::now_v7();
    let tx = db.tenant_tx(tenant).await?;
    let roles = grantable_roles(
        &tx,
        ctx,
        tenant,
        &input
            .role_ids
            .iter()
            .map(|r| (*r).into())
            .collect::<Vec<_>>(),
    )
    .await?;
    let status = if hash.is_some() { "active" } else { "invited" };
    tx.execute_raw(sql(
        "INSERT INTO users (tenant_id, id, email, display_name, password_hash, status, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $5::text IS NULL THEN NULL ELSE now() END)",
        [tenant.as_uuid().into(), id.into(), email.clone().into(), display_name.into(), hash.into(), status.into()],
    ))
    .await
    .map_err(|e| {
        let err = AppError::from(e);
        if err.code() == ErrorCode::Conflict {
            AppError::conflict("a user with that email exists").with_details(json!({ "fields": { "email": "is taken" } }))
        } else {
            err
        }
    })?;
    for role in &roles {
        assign_in(&tx, tenant, id.into(), role.id).await?;
    }
    let user = find_user(&tx, tenant, id).await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "identity.user.created",
            entity_type: "user",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "user": &user, "roleIds": input.role_ids })),
        },
    )
    .await?;
    if status == "invited" {
        let (token, expires_at) =
            issue_reset_token(&tx, tenant, id, ChronoDuration::days(INVITE_TTL_DAYS)).await?;
        outbox::record(
            &tx,
            Some(tenant),
            NewEvent::new(
                "identity.user.invited",
                id,
                json!({ "userId": id, "email": email, "displayName": user.display_name, "token": token, "expiresAt": expires_at }),
            ),
        )
        .await?;
    } else {
        outbox::record(
            &tx,
            Some(tenant),
            NewEvent::new("identity.user.created", id, json!({ "userId": id })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// Deactivates or reactivates a user. A deactivated user's next request is
/// `AUTHN` and their sessions end; nobody deactivates themselves or the last owner.
pub async fn set_user_active(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    active: bool,
) -> AppResult<User> {
    let tenant = ctx.require("admin.users.manage")?;
    if !active && ctx.user_id().map(|u| u.as_uuid()) == Some(id) {
        return Err(AppError::validation("you cannot deactivate yourself"));
    }
    let tx = db.tenant_tx(tenant).await?;
    let before = find_user(&tx, tenant, id).await?;
    // Nobody switches off (or on) someone who can do more than they can.
    let held = permissions_of(&tx, tenant, id.into()).await?;
    check_grantable(ctx, &held)?;
    if !active {
        let (other_owners, is_owner) = owner_standing(&tx, tenant, id.into()).await?;
        if is_owner && other_owners == 0 {
            return Err(AppError::conflict(
                "a business keeps at least one active owner",
            ));
        }
    }
    let status = if active { "active" } else { "deactivated" };
    if before.status == "invited" && active {
        return Err(AppError::conflict(
            "an invited user becomes active by accepting the invitation",
        ));
    }
    tx.execute_raw(sql(
        "UPDATE users SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), id.into(), status.into()],
    ))
    .await?;
    if !active {
        revoke_user_sessions(&tx, tenant, id).await?;
    }
    let after = find_user(&tx, tenant, id).await?;
    let action = if active {
        "identity.user.reactivated"
    } else {
        "identity.user.deactivated"
    };
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action,
            entity_type: "user",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "status": before.status })),
            after: Some(json!({ "status": after.status })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant),
        NewEvent::new(action, id, json!({ "userId": id })),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

// ---------------------------------------------------------------- MFA

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

/// Checks a TOTP code against the enabled secret, refusing replays of a
/// code already used in its time step.
async fn check_totp(
    svc: &Services,
    tx: &DatabaseTransaction,
    tenant: TenantId,
    user: Uuid,
    code: &str,
) -> AppResult<bool> {
    let row = tx
        .query_one_raw(sql(
            "SELECT email, pgp_sym_decrypt(mfa_secret_enc, $3) AS secret, mfa_last_step FROM users
             WHERE tenant_id = $1 AND id = $2 AND mfa_secret_enc IS NOT NULL",
            [
                tenant.as_uuid().into(),
                user.into(),
                svc.data_key.to_string().into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::internal("MFA enabled without a secret"))?;
    let email: String = row.try_get("", "email")?;
    let secret: String = row.try_get("", "secret")?;
    let last: Option<i64> = row.try_get("", "mfa_last_step")?;
    let Some(step) = totp_for(&secret, &email)?.check_current(code.trim()) else {
        return Ok(false);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    if last.is_some_and(|l| step <= l) {
        return Ok(false);
    }
    tx.execute_raw(sql(
        "UPDATE users SET mfa_last_step = $3 WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), user.into(), step.into()],
    ))
    .await?;
    Ok(true)
}

async fn use_recovery_code(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    user: Uuid,
    hashes: &[String],
    code: &str,
) -> AppResult<bool> {
    let digest = secrets::digest_hex(&code.trim().to_lowercase());
    if !hashes.contains(&digest) {
        return Ok(false);
    }
    tx.execute_raw(sql(
        "UPDATE users SET mfa_recovery_hashes = array_remove(mfa_recovery_hashes, $3) WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), user.into(), digest.into()],
    ))
    .await?;
    Ok(true)
}

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MfaEnrolment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// `otpauth://` URL, for a QR code.
    pub otpauth_url: String,
}

/// Starts enrolment: a new secret, kept pending until a code from it is confirmed.
pub async fn enrol_mfa(svc: &Services, ctx: &RequestContext) -> AppResult<MfaEnrolment> {
    let (tenant, user) = ctx.require_user()?;
    let tx = svc.db.tenant_tx(tenant).await?;
    let me = find_user(&tx, tenant, user.as_uuid()).await?;
    if me.mfa_enabled {
        return Err(AppError::conflict(
            "MFA is already on; disable it first to enrol a new device",
        ));
    }
    let secret = totp_rs::Secret::generate().to_base32();
    let totp = totp_for(&secret, &me.email)?;
    let url = totp
        .to_url()
        .map_err(|e| AppError::internal(format!("otpauth url: {e}")))?;
    tx.execute_raw(sql(
        "UPDATE users SET mfa_pending_secret_enc = pgp_sym_encrypt($3, $4), updated_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), user.as_uuid().into(), secret.clone().into(), svc.data_key.to_string().into()],
    ))
    .await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "identity.mfa.enrolment_started",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(MfaEnrolment {
        secret,
        otpauth_url: url,
    })
}

/// Confirms enrolment with a current code; MFA is on from now and the
/// recovery codes are returned, once.
pub async fn confirm_mfa(
    svc: &Services,
    ctx: &RequestContext,
    code: &str,
) -> AppResult<Vec<String>> {
    let (tenant, user) = ctx.require_user()?;
    let tx = svc.db.tenant_tx(tenant).await?;
    let row = tx
        .query_one_raw(sql(
            "SELECT email, pgp_sym_decrypt(mfa_pending_secret_enc, $3) AS secret FROM users
             WHERE tenant_id = $1 AND id = $2 AND mfa_pending_secret_enc IS NOT NULL",
            [
                tenant.as_uuid().into(),
                user.as_uuid().into(),
                svc.data_key.to_string().into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::conflict("start MFA enrolment first"))?;
    let email: String = row.try_get("", "email")?;
    let secret: String = row.try_get("", "secret")?;
    let Some(step) = totp_for(&secret, &email)?.check_current(code.trim()) else {
        return Err(AppError::invalid_field("code", "is not the current code"));
    };
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| secrets::recovery_code())
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| secrets::digest_hex(c)).collect();
    tx.execute_raw(sql(
        "UPDATE users SET mfa_enabled = true, mfa_secret_enc = mfa_pending_secret_enc, mfa_pending_secret_enc = NULL,
           mfa_recovery_hashes = $3, mfa_last_step = $4, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), user.as_uuid().into(), hashes.into(), i64::try_from(step).unwrap_or(i64::MAX).into()],
    ))
    .await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "identity.mfa.enabled",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: Some(json!({ "mfaEnabled": false })),
            after: Some(json!({ "mfaEnabled": true })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Switches MFA off; needs a current code (or a recovery code).
pub async fn disable_mfa(svc: &Services, ctx: &RequestContext, code: &str) -> AppResult<()> {
    let (tenant, user) = ctx.require_user()?;
    let tx = svc.db.tenant_tx(tenant).await?;
    let creds = Credentials::find_by_statement(sql(
        "SELECT id, status, password_hash, mfa_enabled, mfa_recovery_hashes FROM users WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), user.as_uuid().into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("user"))?;
    if !creds.mfa_enabled {
        return Err(AppError::conflict("MFA is not on"));
    }
    let ok = check_totp(svc, &tx, tenant, creds.id, code).await?
        || use_recovery_code(&tx, tenant, creds.id, &creds.mfa_recovery_hashes, code).await?;
    if !ok {
        return Err(AppError::invalid_field("code", "is not a valid code"));
    }
    tx.execute_raw(sql(
        "UPDATE users SET mfa_enabled = false, mfa_secret_enc = NULL, mfa_pending_secret_enc = NULL,
           mfa_recovery_hashes = '{}', mfa_last_step = NULL, updated_at = now()
         WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), user.as_uuid().into()],
    ))
    .await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant),
            action: "identity.mfa.disabled",
            entity_type: "user",
            entity_id: Some(user.to_string()),
            before: Some(json!({ "mfaEnabled": true })),
            after: Some(json!({ "mfaEnabled": false })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
