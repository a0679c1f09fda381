use crate::audit::service::{self as audit, AuditEntry};
use crate::identity::{password, validate};
use crate::module_registry::service::provision_defaults;
use crate::pagination::{Page, PageRequest};
use crate::rbac::service::provision_builtin_roles;
use chrono::{DateTime, Utc};
use jobs::outbox::{self, NewEvent};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    serde::Deserialize,
    async_graphql::Enum,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Pending,
    Active,
    Rejected,
    Suspended,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Rejected => "rejected",
            Self::Suspended => "suspended",
        }
    }

    pub fn parse(s: &str) -> AppResult<Self> {
        Ok(match s {
            "pending" => Self::Pending,
            "active" => Self::Active,
            "rejected" => Self::Rejected,
            "suspended" => Self::Suspended,
            other => return Err(AppError::internal(format!("unknown tenant status {other}"))),
        })
    }
}

/// A business on the platform.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub status: TenantStatus,
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct TenantRow {
    id: Uuid,
    slug: String,
    name: String,
    status: String,
    status_reason: Option<String>,
    created_at: DateTime<Utc>,
    approved_at: Option<DateTime<Utc>>,
}

impl TryFrom<TenantRow> for Tenant {
    type Error = AppError;
    fn try_from(r: TenantRow) -> AppResult<Self> {
        Ok(Tenant {
            id: r.id,
            slug: r.slug,
            name: r.name,
            status: TenantStatus::parse(&r.status)?,
            status_reason: r.status_reason,
            created_at: r.created_at,
            approved_at: r.approved_at,
        })
    }
}

const COLUMNS: &str = "id, slug, name, status, status_reason, created_at, approved_at";

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
    TenantRow::find_by_statement(sql(
        &format!("SELECT {COLUMNS} FROM tenants WHERE id = $1 AND deleted_at IS NULL"),
        [id.as_uuid().into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::not_found("tenant"))?
    .try_into()
}

/// Resolves a slug to its tenant (system transaction).
pub async fn find_by_slug(conn: &impl ConnectionTrait, slug: &str) -> AppResult<Option<Tenant>> {
    TenantRow::find_by_statement(sql(
        &format!("SELECT {COLUMNS} FROM tenants WHERE slug = $1 AND deleted_at IS NULL"),
        [slug.trim().to_lowercase().into()],
    ))
    .one(conn)
    .await?
    .map(Tenant::try_from)
    .transpose()
}

#[derive(Debug, Clone)]
pub struct SignupInput {
    pub business_name: String,
    pub slug: String,
    pub owner_name: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Signup {
    pub tenant: Tenant,
    pub owner_id: Uuid,
}

/// Public signup: a `pending` tenant and its owner, who can sign in at once
/// but reaches no business module until a superadmin approves the tenant.
pub async fn signup(db: &Db, ctx: &RequestContext, input: SignupInput) -> AppResult<Signup> {
    let name = validate_name("businessName", &input.business_name, 200)?;
    let slug = validate_slug(&input.slug)?;
    let owner_name = validate_name("ownerName", &input.owner_name, 200)?;
    let email = validate::email("email", &input.email)?;
    validate::password("password", &input.password)?;
    let hash = password::hash(input.password).await?;

    let tenant_id = TenantId::new();
    let owner_id = UserId::new();
    let tx = db.system_tx().await?;
    if find_by_slug(&tx, &slug).await?.is_some() {
        return Err(AppError::conflict("that slug is taken")
            .with_details(json!({ "fields": { "slug": "is taken" } })));
    }
    let row = TenantRow::find_by_statement(sql(
        &format!("INSERT INTO tenants (id, slug, name, status) VALUES ($1, $2, $3, 'pending') RETURNING {COLUMNS}"),
        [tenant_id.as_uuid().into(), slug.clone().into(), name.clone().into()],
    ))
    .one(&tx)
    .await
    .map_err(slug_conflict)?
    .ok_or_else(|| AppError::internal("insert returned nothing"))?;
    tx.execute_raw(sql(
        "INSERT INTO users (tenant_id, id, email, display_name, password_hash, status, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, 'active', now())",
        [tenant_id.as_uuid().into(), owner_id.as_uuid().into(), email.clone().into(), owner_name.clone().into(), hash.into()],
    ))
    .await?;
    tx.execute_raw(sql(
        "INSERT INTO tenant_connection_profiles (tenant_id, mode) VALUES ($1, 'shared')",
        [tenant_id.as_uuid().into()],
    ))
    .await?;
    let tenant = Tenant::try_from(row)?;
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(tenant_id),
            action: "tenant.registered",
            entity_type: "tenant",
            entity_id: Some(tenant_id.to_string()),
            before: None,
            after: Some(json!({ "tenant": &tenant, "owner": { "id": owner_id, "email": email, "displayName": owner_name } })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(tenant_id),
        NewEvent::new(
            "tenant.registered",
            tenant_id,
            json!({ "tenantId": tenant_id, "slug": slug, "name": name, "ownerId": owner_id, "ownerEmail": email }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(Signup {
        tenant,
        owner_id: owner_id.as_uuid(),
    })
}

fn slug_conflict(err: sea_orm::DbErr) -> AppError {
    let err = AppError::from(err);
    if err.code() == kernel::ErrorCode::Conflict {
        AppError::conflict("that slug is taken")
            .with_details(json!({ "fields": { "slug": "is taken" } }))
    } else {
        err
    }
}

/// The caller's own tenant.
pub async fn current(db: &Db, ctx: &RequestContext) -> AppResult<Tenant> {
    let tenant = ctx.require_tenant()?;
    let tx = db.tenant_tx(tenant).await?;
    let found = find(&tx, tenant).await?;
    tx.commit().await?;
    Ok(found)
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
    let rows = TenantRow::find_by_statement(sql(
        &format!(
            "SELECT {COLUMNS} FROM tenants
             WHERE deleted_at IS NULL AND ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR id < $2)
             ORDER BY id DESC LIMIT $3"
        ),
        [status.map(|s| s.as_str().to_owned()).into(), page.after.into(), page.fetch_limit().into()],
    ))
    .all(&tx)
    .await?;
    tx.commit().await?;
    let items = rows
        .into_iter()
        .map(Tenant::try_from)
        .collect::<AppResult<Vec<_>>>()?;
    Ok(page.finish(items, |t| t.id))
}

/// Moves a tenant from one of `from` to `to`, with audit and event.
async fn transition(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    from: &[TenantStatus],
    to: TenantStatus,
    reason: Option<String>,
    event_type: &'static str,
) -> AppResult<Tenant> {
    ctx.require_platform()?;
    let tx = db.system_tx().await?;
    let before = TenantRow::find_by_statement(sql(
        &format!("SELECT {COLUMNS} FROM tenants WHERE id = $1 AND deleted_at IS NULL FOR UPDATE"),
        [id.as_uuid().into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("tenant"))
    .and_then(Tenant::try_from)?;
    if !from.contains(&before.status) {
        return Err(AppError::conflict(format!(
            "a {} tenant cannot become {}",
            before.status.as_str(),
            to.as_str()
        ))
        .with_details(json!({ "status": before.status })));
    }
    let after = TenantRow::find_by_statement(sql(
        &format!(
            "UPDATE tenants SET status = $2, status_reason = $3, updated_at = now(),
               approved_at = CASE WHEN $2 = 'active' AND approved_at IS NULL THEN now() ELSE approved_at END
             WHERE id = $1 RETURNING {COLUMNS}"
        ),
        [id.as_uuid().into(), to.as_str().into(), reason.clone().into()],
    ))
    .one(&tx)
    .await?
    .ok_or_else(|| AppError::not_found("tenant"))
    .and_then(Tenant::try_from)?;
    if to == TenantStatus::Active && before.status == TenantStatus::Pending {
        provision_defaults(&tx, id).await?;
        provision_builtin_roles(&tx, id).await?;
    }
    audit::record(
        &tx,
        ctx,
        AuditEntry {
            tenant_id: Some(id),
            action: event_type,
            entity_type: "tenant",
            entity_id: Some(id.to_string()),
            before: Some(json!({ "status": before.status, "statusReason": before.status_reason })),
            after: Some(json!({ "status": after.status, "statusReason": after.status_reason })),
        },
    )
    .await?;
    outbox::record(
        &tx,
        Some(id),
        NewEvent::new(
            event_type,
            id,
            json!({ "tenantId": id, "slug": after.slug, "status": after.status, "reason": reason }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn reason(raw: String) -> AppResult<String> {
    let reason = raw.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::invalid_field(
            "reason",
            "must be 1 to 500 characters",
        ));
    }
    Ok(reason)
}

/// Approves a pending tenant: it becomes active, its built-in roles and
/// default modules are provisioned, and its owner gets the owner role.
pub async fn approve(db: &Db, ctx: &RequestContext, id: TenantId) -> AppResult<Tenant> {
    transition(
        db,
        ctx,
        id,
        &[TenantStatus::Pending],
        TenantStatus::Active,
        None,
        "tenant.approved",
    )
    .await
}

pub async fn reject(db: &Db, ctx: &RequestContext, id: TenantId, why: String) -> AppResult<Tenant> {
    ctx.require_superadmin()?;
    let why = reason(why)?;
    transition(
        db,
        ctx,
        id,
        &[TenantStatus::Pending],
        TenantStatus::Rejected,
        Some(why),
        "tenant.rejected",
    )
    .await
}

pub async fn suspend(
    db: &Db,
    ctx: &RequestContext,
    id: TenantId,
    why: String,
) -> AppResult<Tenant> {
    ctx.require_superadmin()?;
    let why = reason(why)?;
    transition(
        db,
        ctx,
        id,
        &[TenantStatus::Active],
        TenantStatus::Suspended,
        Some(why),
        "tenant.suspended",
    )
    .await
}

pub async fn reactivate(db: &Db, ctx: &RequestContext, id: TenantId) -> AppResult<Tenant> {
    transition(
        db,
        ctx,
        id,
        &[TenantStatus::Suspended],
        TenantStatus::Active,
        None,
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
