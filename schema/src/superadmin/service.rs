//! Platform operators: creating one (idempotently, for start-up bootstrap)
//! and auditing platform actions that change no table.

use super::store;
use crate::audit::service::{self as audit, AuditEntry};
use crate::identity::{password, validate};
use kernel::{AppError, AppResult, Db, RequestContext, UserId};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ensured {
    Created(UserId),
    AlreadyExisted(UserId),
}

/// Creates a superadmin unless one with this email exists, in which case
/// nothing changes (so start-up bootstrap can run on every start).
pub async fn ensure_superadmin(
    db: &Db,
    ctx: &RequestContext,
    email: &str,
    plain_password: &str,
    display_name: &str,
) -> AppResult<Ensured> {
    let email = validate::email("email", email)?;
    validate::password("password", plain_password)?;
    let display_name = display_name.trim();
    if display_name.is_empty() {
        return Err(AppError::invalid_field("name", "must not be empty"));
    }
    // Hash before the transaction: no connection is held while argon2 runs.
    let hash = password::hash(plain_password.to_owned()).await?;

    let tx = db.system_tx().await?;
    if let Some(existing) = store::find_by_email(&tx, &email).await? {
        return Ok(Ensured::AlreadyExisted(existing.id.into()));
    }
    let id = UserId::new();
    let row = store::Insert {
        id,
        email: &email,
        display_name,
        password_hash: hash,
        at: ctx.now(),
    };
    if !store::insert_unless_taken(&tx, row).await? {
        // Another process created it between our read and our insert.
        let existing = store::find_by_email(&tx, &email).await?;
        return Ok(Ensured::AlreadyExisted(
            existing.map_or(id, |e| e.id.into()),
        ));
    }
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: None,
            action: "superadmin.created",
            entity_type: "superadmin",
            entity_id: Some(id.to_string()),
            before: None,
            after: Some(json!({ "email": email, "displayName": display_name })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ensured::Created(id))
}

/// Audits a platform-level action that changed no table (a job retried, say).
pub async fn audit_platform(
    db: &Db,
    ctx: &RequestContext,
    action: &str,
    entity_id: &str,
) -> AppResult<()> {
    let tx = db.system_tx().await?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: None,
            action,
            entity_type: "job",
            entity_id: Some(entity_id.to_owned()),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
