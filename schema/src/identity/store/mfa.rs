//! Statements on the MFA columns of `users`. Secrets are encrypted with
//! pgcrypto under the data key, so these are bound SQL rather than the
//! query builder.

use super::users::of_user;
use chrono::{DateTime, Utc};
use entities::users::Column;
use kernel::db::sql;
use kernel::{AppResult, TenantId, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

/// Runs a fixed statement whose `$1` and `$2` are the tenant and the user.
async fn execute_for(
    conn: &impl ConnectionTrait,
    statement: &str,
    tenant: TenantId,
    user: UserId,
    values: impl IntoIterator<Item = Value>,
) -> AppResult<()> {
    let mut bound = vec![tenant.as_uuid().into(), user.as_uuid().into()];
    bound.extend(values);
    conn.execute_raw(sql(statement, bound)).await?;
    Ok(())
}

/// A decrypted TOTP secret and what it is checked against.
#[derive(FromQueryResult)]
pub(crate) struct Secret {
    pub email: String,
    pub secret: String,
    /// The last time step a code was accepted in (enabled secrets only).
    pub mfa_last_step: Option<i64>,
}

/// The enabled secret, if any.
pub(crate) async fn enabled_secret(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    key: &str,
) -> AppResult<Option<Secret>> {
    Ok(Secret::find_by_statement(sql(
        "SELECT email, pgp_sym_decrypt(mfa_secret_enc, $3) AS secret, mfa_last_step FROM users
         WHERE tenant_id = $1 AND id = $2 AND mfa_secret_enc IS NOT NULL",
        [tenant.as_uuid().into(), user.as_uuid().into(), key.into()],
    ))
    .one(conn)
    .await?)
}

/// The secret of an enrolment not yet confirmed, if any.
pub(crate) async fn pending_secret(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    key: &str,
) -> AppResult<Option<Secret>> {
    Ok(Secret::find_by_statement(sql(
        "SELECT email, pgp_sym_decrypt(mfa_pending_secret_enc, $3) AS secret, NULL::bigint AS mfa_last_step
         FROM users WHERE tenant_id = $1 AND id = $2 AND mfa_pending_secret_enc IS NOT NULL",
        [tenant.as_uuid().into(), user.as_uuid().into(), key.into()],
    ))
    .one(conn)
    .await?)
}

/// Codes of this step and before are spent.
pub(crate) async fn spend_step(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    step: i64,
) -> AppResult<()> {
    of_user(tenant, user)
        .col_expr(Column::MfaLastStep, Expr::value(step))
        .exec(conn)
        .await?;
    Ok(())
}

/// Removes one recovery code's digest (each works once).
pub(crate) async fn spend_recovery_code(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    digest: &str,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE users SET mfa_recovery_hashes = array_remove(mfa_recovery_hashes, $3)
         WHERE tenant_id = $1 AND id = $2",
        [
            tenant.as_uuid().into(),
            user.as_uuid().into(),
            digest.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Keeps `secret` pending until a code from it is confirmed.
pub(crate) async fn set_pending_secret(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    secret: &str,
    key: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    execute_for(
        conn,
        "UPDATE users SET mfa_pending_secret_enc = pgp_sym_encrypt($3, $4), updated_at = $5
         WHERE tenant_id = $1 AND id = $2",
        tenant,
        user,
        [secret.into(), key.into(), at.into()],
    )
    .await
}

/// The pending secret becomes the enabled one, with fresh recovery codes.
pub(crate) async fn enable(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    recovery_hashes: Vec<String>,
    step: i64,
    at: DateTime<Utc>,
) -> AppResult<()> {
    execute_for(
        conn,
        "UPDATE users SET mfa_enabled = true, mfa_secret_enc = mfa_pending_secret_enc,
           mfa_pending_secret_enc = NULL, mfa_recovery_hashes = $3, mfa_last_step = $4, updated_at = $5
         WHERE tenant_id = $1 AND id = $2",
        tenant,
        user,
        [recovery_hashes.into(), step.into(), at.into()],
    )
    .await
}

/// Forgets every MFA secret and code of the user.
pub(crate) async fn disable(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    of_user(tenant, user)
        .col_expr(Column::MfaEnabled, Expr::value(false))
        .col_expr(Column::MfaSecretEnc, Expr::value(Option::<Vec<u8>>::None))
        .col_expr(
            Column::MfaPendingSecretEnc,
            Expr::value(Option::<Vec<u8>>::None),
        )
        .col_expr(Column::MfaRecoveryHashes, Expr::value(Vec::<String>::new()))
        .col_expr(Column::MfaLastStep, Expr::value(Option::<i64>::None))
        .col_expr(Column::UpdatedAt, Expr::value(at))
        .exec(conn)
        .await?;
    Ok(())
}
