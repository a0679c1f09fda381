//! The tenant commands: public signup, the superadmins' lifecycle moves
//! (approve, reject, suspend, reactivate) and the lookups other modules use.
//! Tenants are platform rows, so these open system transactions themselves
//! rather than a tenant [`crate::command::Unit`].

use super::store;
pub use super::types::{Signup, SignupInput, Tenant, TenantReason, TenantStatus};
use crate::audit::service::{Change, record_change};
use crate::command::Unit;
use crate::identity::{password, store as identity_store, validate};
use crate::module_registry::service::provision_defaults;
use crate::pagination::{Page, PageRequest};
use crate::rbac::service::provision_builtin_roles;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId, UserId};
use sea_orm::ConnectionTrait;
use serde_json::json;

/// Slugs that would read as part of the platform rather than a business.
const RESERVED_SLUGS: &[&str] = &[
    "admin",
    "api",
    "app",
    "platform",
    "superadmin",
    "support",
    "www",
    "graphql",
    "v1",
    "health",
];

pub fn validate_slug(raw: &str) -> AppResult<String> {
    let slug = raw.trim().to_lowercase();
    let shape_ok = (3..=63).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if !shape_ok {
        return Err(AppError::invalid_field(
            "slug",
            "must be 3 to 63 lowercase letters, digits or dashes, not starting or ending with a dash",
        ));
    }
    if RESERVED_SLUGS.contains(&slug.as_str()) {
        return Err(AppError::invalid_field("slug", "is reserved"));
    }
    Ok(slug)
}

fn validate_name(field: &str, raw: &str, max: usize) -> AppResult<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > max {
        return Err(AppError::invalid_field(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// Loads a tenant (any status) in a system transaction.
pub async fn find(conn: &impl ConnectionTrait, id: TenantId) -> AppResult<Tenant> {
    store::find(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("tenant"))
}

/// Resolves a slug to its tenant (system transaction).
pub async fn find_by_slug(conn: &impl ConnectionTrait, slug: &str) -> AppResult<Option<Tenant>> {
    store::find_by_slug(conn, &slug.trim().to_lowercase()).await
}

fn slug_taken() -> AppError {
    AppError::conflict("that slug is taken")
        .with_details(json!({ "fields": { "slug": "is taken" } }))
}

/// Public signup: a `pending` tenant and its owner, who can sign in at once
/// but reaches no business module until a superadmin approves the tenant.
pub async fn signup(db: &Db, ctx: &RequestContext, input: SignupInput) -> AppResult<Signup> {
    let name = validate_name("businessName", &input.business_name, 200)?;
    let slug = validate_slug(&input.slug)?;
    let owner_name = validate_name("ownerName", &input.owner_name, 200)?;
    let email = validate::email("email", &input.email)?;
    validate::password("password", &input.password)?;
    let hash = password::hash(input.password.into()).await?;

    let tenant_id = TenantId::new();
    let owner_id = UserId::new();
    let now = ctx.now();
    let tx = db.system_tx().await?;
    if find_by_slug(&tx, &slug).await?.is_some() {
        return Err(slug_taken());
    }
    let tenant = store::insert(&tx, tenant_id, &slug, &name, now)
        .await
        .map_err(|err| {
            if err.code() == kernel::ErrorCode::Conflict {
                slug_taken()
            } else {
                err
            }
        })?;
    identity_store::users::insert(
        &tx,
        identity_store::users::Insert {
            tenant: tenant_id,
            id: owner_id,
            email: &email,
            display_name: &owner_name,
            password_hash: Some(hash),
            at: now,
        },
    )
    .await?;
    store::insert_shared_profile(&tx, tenant_id, now).await?;
    let owner = json!({ "id": owner_id, "email": email, "displayName": owner_name });
    record_change(
        &tx,
        ctx,
        tenant_id,
        Change::new("tenant.registered", "tenant", tenant_id)
            .with_after(json!({ "tenant": &tenant, "owner": owner }))
            .with_event(json!({
                "tenantId": tenant_id, "slug": slug, "name": name,
                "ownerId": owner_id, "ownerEmail": email,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(Signup { tenant, owner_id })
}

/// The caller's own tenant.
pub async fn current(db: &Db, ctx: &RequestContext) -> AppResult<Tenant> {
    let unit = Unit::begin_signed_in(db, ctx).await?;
    let found = find(&*unit, unit.tenant).await?;
    unit.commit(found).await
}

/// One tenant, for superadmins.
pub async fn get(db: &Db, ctx: &RequestContext, id: TenantId) -> AppResult<Tenant> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let found = find(&tx, id).await?;
    tx.commit().await?;
    Ok(found)
}

/// Every tenant, newest first, optionally by status (superadmins).
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    status: Option<TenantStatus>,
    page: PageRequest,
) -> AppResult<Page<Tenant>> {
    ctx.require_superadmin()?;
    let tx = db.system_tx().await?;
    let limit = u64::try_from(page.fetch_limit()).unwrap_or(0);
    let items = store::list(&tx, status, page.after, limit).await?;
    tx.commit().await?;
    Ok(page.finish(items, |t| t.id.as_uuid()))
}

/// Moves a tenant from one of `from` to `to`, with audit and event;
/// `reason` is shown to the business (`statusReason`), `why` is the
/// operator's, kept on the audit row.
async fn transition(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    from: &[TenantStatus],
    to: TenantStatus,
    (reason, why): (Option<String>, Option<String>),
    event_type: &'static str,
) -> AppResult<Tenant> {
    ctx.require_platform()?;
    // A superadmin says why (kept on the audit row); the platform itself
    // (the CLI, the demo seeder) acts on the deployment operator's word.
    let operator_ctx;
    let ctx = match (&ctx.actor, why.as_deref()) {
        (kernel::Actor::Superadmin { .. }, why) => {
            operator_ctx = ctx.operator(why.unwrap_or_default())?.1;
            &operator_ctx
        }
        _ => ctx,
    };
    let tx = db.system_tx().await?;
    let before = store::find_for_update(&tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("tenant"))?;
    if !from.contains(&before.status) {
        return Err(AppError::conflict(format!(
            "a {} tenant cannot become {}",
            before.status.as_str(),
            to.as_str()
        ))
        .with_details(json!({ "status": before.status })));
    }
    let first_approval = to == TenantStatus::Active && before.approved_at.is_none();
    let after = store::set_status(&tx, id, to, reason.clone(), first_approval, ctx.now()).await?;
    if to == TenantStatus::Active && before.status == TenantStatus::Pending {
        provision_defaults(&tx, id).await?;
        provision_builtin_roles(&tx, id).await?;
    }
    record_change(
        &tx,
        ctx,
        id,
        Change::new(event_type, "tenant", id)
            .with_before(json!({ "status": before.status, "statusReason": before.status_reason,
                                 "deletionDueAt": before.deletion_due_at }))
            .with_after(json!({ "status": after.status, "statusReason": after.status_reason,
                                "deletionDueAt": after.deletion_due_at }))
            .with_event(json!({
                "tenantId": id, "slug": after.slug, "status": after.status, "reason": reason,
                // Reactivating a business being offboarded cancels its deletion.
                "offboardingCancelled": before.deletion_due_at.is_some() && after.deletion_due_at.is_none(),
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn reason(raw: TenantReason) -> AppResult<String> {
    let reason = raw.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::invalid_field(
            "reason",
            "must be 1 to 500 characters",
        ));
    }
    Ok(reason)
}

/// Approves a pending tenant: it becomes active, its built-in roles and
/// default modules are provisioned, and its owner gets the owner role. A
/// superadmin says why.
pub async fn approve(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    why: Option<TenantReason>,
) -> AppResult<Tenant> {
    use TenantStatus::*;
    let why = why.map(reason).transpose()?;
    transition(
        db,
        ctx,
        id,
        &[Pending],
        Active,
        (None, why),
        "tenant.approved",
    )
    .await
}

/// A transition only superadmins make, and only with a reason.
async fn transition_with_reason(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    (from, to): (TenantStatus, TenantStatus),
    why: TenantReason,
    event_type: &'static str,
) -> AppResult<Tenant> {
    ctx.require_superadmin()?;
    let why = reason(why)?;
    transition(
        db,
        ctx,
        id,
        &[from],
        to,
        (Some(why.clone()), Some(why)),
        event_type,
    )
    .await
}

pub async fn reject(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    why: TenantReason,
) -> AppResult<Tenant> {
    let change = (TenantStatus::Pending, TenantStatus::Rejected);
    transition_with_reason(db, ctx, id, change, why, "tenant.rejected").await
}

pub async fn suspend(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    why: TenantReason,
) -> AppResult<Tenant> {
    let change = (TenantStatus::Active, TenantStatus::Suspended);
    transition_with_reason(db, ctx, id, change, why, "tenant.suspended").await
}

/// Reactivates a suspended tenant; a superadmin says why.
pub async fn reactivate(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    why: Option<TenantReason>,
) -> AppResult<Tenant> {
    use TenantStatus::*;
    let why = why.map(reason).transpose()?;
    transition(
        db,
        ctx,
        id,
        &[Suspended],
        Active,
        (None, why),
        "tenant.reactivated",
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::validate_slug;

    #[test]
    fn slugs() {
        assert_eq!(
            validate_slug(" Corner-Cafe ").ok().as_deref(),
            Some("corner-cafe")
        );
        for bad in [
            "ab",
            "-cafe",
            "cafe-",
            "caf é",
            "admin",
            "under_score",
            &"a".repeat(64),
        ] {
            assert!(validate_slug(bad).is_err(), "{bad}");
        }
    }
}
