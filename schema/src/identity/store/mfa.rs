//! Statements on the MFA columns, which `users` and `superadmins` share.
//! Secrets are encrypted with pgcrypto under the data key, so these are
//! bound SQL rather than the query builder; `$1` and `$2` always name the
//! holder (a tenant and a user, or no tenant and a superadmin).

use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppResult, TenantId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};

/// Whose second factor: a tenant's user or a platform superadmin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder {
    User(TenantId, UserId),
    Superadmin(UserId),
}

impl Holder {
    /// The table, the row's condition over `$1`/`$2`, and their values.
    fn target(self) -> (&'static str, &'static str, [Value; 2]) {
        match self {
            Self::User(tenant, user) => (
                "users",
                "tenant_id = $1 AND id = $2",
                [tenant.as_uuid().into(), user.as_uuid().into()],
            ),
            Self::Superadmin(id) => (
                "superadmins",
                "$1::uuid IS NULL AND id = $2",
                [Option::<uuid::Uuid>::None.into(), id.as_uuid().into()],
            ),
        }
    }
}

/// Runs `template` (with `{table}` and `{row}` filled in) bound to the
/// holder and then `values` from `$3`.
async fn execute(
    conn: &impl ConnectionTrait,
    holder: Holder,
    template: &str,
    values: impl IntoIterator<Item = Value>,
) -> AppResult<()> {
    let (table, row, ids) = holder.target();
    let statement = template.replace("{table}", table).replace("{row}", row);
    let mut bound: Vec<Value> = ids.into();
    bound.extend(values);
    conn.execute_raw(sql(&statement, bound)).await?;
    Ok(())
}

async fn secret(
    conn: &impl ConnectionTrait,
    holder: Holder,
    template: &str,
    key: &str,
) -> AppResult<Option<Secret>> {
    let (table, row, ids) = holder.target();
    let statement = template.replace("{table}", table).replace("{row}", row);
    let mut bound: Vec<Value> = ids.into();
    bound.push(key.into());
    Ok(Secret::find_by_statement(sql(&statement, bound))
        .one(conn)
        .await?)
}

/// A decrypted TOTP secret and what it is checked against.
#[derive(FromQueryResult)]
pub(crate) struct Secret {
    pub email: String,
    pub secret: String,
    /// The last time step a code was accepted in (enabled secrets only).
    pub mfa_last_step: Option<i64>,
}

/// The holder's MFA state: on or not, and the recovery codes' digests.
#[derive(FromQueryResult)]
pub(crate) struct State {
    pub mfa_enabled: bool,
    pub mfa_recovery_hashes: Vec<String>,
}

pub(crate) async fn state(conn: &impl ConnectionTrait, holder: Holder) -> AppResult<Option<State>> {
    let (table, row, ids) = holder.target();
    let statement = format!("SELECT mfa_enabled, mfa_recovery_hashes FROM {table} WHERE {row}");
    Ok(State::find_by_statement(sql(&statement, ids))
        .one(conn)
        .await?)
}

/// The holder's email (the authenticator app's account name).
pub(crate) async fn email(conn: &impl ConnectionTrait, holder: Holder) -> AppResult<String> {
    let (table, row, ids) = holder.target();
    let statement = format!("SELECT email FROM {table} WHERE {row}");
    let found = conn.query_one_raw(sql(&statement, ids)).await?;
    Ok(found
        .map(|r| r.try_get::<String>("", "email"))
        .transpose()?
        .unwrap_or_default())
}

/// The enabled secret, if any.
pub(crate) async fn enabled_secret(
    conn: &impl ConnectionTrait,
    holder: Holder,
    key: &str,
) -> AppResult<Option<Secret>> {
    secret(
        conn,
        holder,
        "SELECT email, pgp_sym_decrypt(mfa_secret_enc, $3) AS secret, mfa_last_step FROM {table}
         WHERE {row} AND mfa_secret_enc IS NOT NULL",
        key,
    )
    .await
}

/// The secret of an enrolment not yet confirmed, if any.
pub(crate) async fn pending_secret(
    conn: &impl ConnectionTrait,
    holder: Holder,
    key: &str,
) -> AppResult<Option<Secret>> {
    secret(
        conn,
        holder,
        "SELECT email, pgp_sym_decrypt(mfa_pending_secret_enc, $3) AS secret, NULL::bigint AS mfa_last_step
         FROM {table} WHERE {row} AND mfa_pending_secret_enc IS NOT NULL",
        key,
    )
    .await
}

/// Codes of this step and before are spent.
pub(crate) async fn spend_step(
    conn: &impl ConnectionTrait,
    holder: Holder,
    step: i64,
) -> AppResult<()> {
    execute(
        conn,
        holder,
        "UPDATE {table} SET mfa_last_step = $3 WHERE {row}",
        [step.into()],
    )
    .await
}

/// Removes one recovery code's digest (each works once).
pub(crate) async fn spend_recovery_code(
    conn: &impl ConnectionTrait,
    holder: Holder,
    digest: &str,
) -> AppResult<()> {
    execute(
        conn,
        holder,
        "UPDATE {table} SET mfa_recovery_hashes = array_remove(mfa_recovery_hashes, $3) WHERE {row}",
        [digest.into()],
    )
    .await
}

/// Keeps `secret` pending until a code from it is confirmed.
pub(crate) async fn set_pending_secret(
    conn: &impl ConnectionTrait,
    holder: Holder,
    secret: &str,
    key: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    execute(
        conn,
        holder,
        "UPDATE {table} SET mfa_pending_secret_enc = pgp_sym_encrypt($3, $4), updated_at = $5 WHERE {row}",
        [secret.into(), key.into(), at.into()],
    )
    .await
}

/// The pending secret becomes the enabled one, with fresh recovery codes.
pub(crate) async fn enable(
    conn: &impl ConnectionTrait,
    holder: Holder,
    recovery_hashes: Vec<String>,
    step: i64,
    at: DateTime<Utc>,
) -> AppResult<()> {
    execute(
        conn,
        holder,
        "UPDATE {table} SET mfa_enabled = true, mfa_secret_enc = mfa_pending_secret_enc,
           mfa_pending_secret_enc = NULL, mfa_recovery_hashes = $3, mfa_last_step = $4, updated_at = $5
         WHERE {row}",
        [recovery_hashes.into(), step.into(), at.into()],
    )
    .await
}

/// Forgets every MFA secret and code of the holder.
pub(crate) async fn disable(
    conn: &impl ConnectionTrait,
    holder: Holder,
    at: DateTime<Utc>,
) -> AppResult<()> {
    execute(
        conn,
        holder,
        "UPDATE {table} SET mfa_enabled = false, mfa_secret_enc = NULL, mfa_pending_secret_enc = NULL,
           mfa_recovery_hashes = '{}', mfa_last_step = NULL, updated_at = $3
         WHERE {row}",
        [at.into()],
    )
    .await
}
