use crate::audit::service::{self as audit, AuditEntry};
use crate::identity::{password, validate};
use chrono::Utc;
use kernel::{AppResult, Db, RequestContext};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ensured {
    Created(Uuid),
    AlreadyExisted(Uuid),
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
    use entities::superadmins::{ActiveModel, Column, Entity, SuperadminStatus};
    let email = validate::email("email", email)?;
    validate::password("password", plain_password)?;
    let display_name = display_name.trim();
    if display_name.is_empty() {
        return Err(kernel::AppError::invalid_field("name", "must not be empty"));
    }
    // Hash before the transaction: no connection is held while argon2 runs.
    let hash = password::hash(plain_password.to_owned()).await?;

    let tx = db.system_tx().await?;
    if let Some(existing) = Entity::find()
        // Emails are stored normalised (see `validate::email`).
        .filter(Column::Email.eq(email.clone()))
        .one(&tx)
        .await?
    {
        return Ok(Ensured::AlreadyExisted(existing.id));
    }
    let id = Uuid::now_v7();
    let now = Utc::now();
    let inserted = Entity::insert(ActiveModel {
        id: Set(id),
        email: Set(email.clone()),
        display_name: Set(display_name.to_owned()),
        password_hash: Set(hash),
        status: Set(SuperadminStatus::Active),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(&tx)
    .await?;
    if matches!(inserted, sea_orm::TryInsertResult::Conflicted) {
        // Another process created it between our read and our insert.
        let existing = Entity::find()
            .filter(Column::Email.eq(email))
            .one(&tx)
            .await?;
        return Ok(Ensured::AlreadyExisted(existing.map_or(id, |e| e.id)));
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
