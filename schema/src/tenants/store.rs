//! Every statement on `tenants` and `tenant_connection_profiles`. Tenants
//! are platform rows: these run in system transactions.

use super::types::{Tenant, TenantStatus};
use chrono::{DateTime, Utc};
use entities::tenant_connection_profiles as profiles;
use entities::tenants::{ActiveModel, Column, Entity};
use kernel::{AppResult, TenantId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// A tenant that is not deleted, any status.
pub(crate) async fn find(conn: &impl ConnectionTrait, id: TenantId) -> AppResult<Option<Tenant>> {
    Ok(Entity::find_by_id(id.as_uuid())
        .filter(Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .map(Tenant::from))
}

/// As [`find`], locking the row for a status change.
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    id: TenantId,
) -> AppResult<Option<Tenant>> {
    Ok(Entity::find_by_id(id.as_uuid())
        .filter(Column::DeletedAt.is_null())
        .lock_exclusive()
        .one(conn)
        .await?
        .map(Tenant::from))
}

/// `slug` is already normalised.
pub(crate) async fn find_by_slug(
    conn: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<Option<Tenant>> {
    Ok(Entity::find()
        .filter(Column::Slug.eq(slug))
        .filter(Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .map(Tenant::from))
}

/// Newest first, before the `after` cursor, `limit` rows.
pub(crate) async fn list(
    conn: &impl ConnectionTrait,
    status: Option<TenantStatus>,
    after: Option<Uuid>,
    limit: u64,
) -> AppResult<Vec<Tenant>> {
    let mut query = Entity::find().filter(Column::DeletedAt.is_null());
    if let Some(status) = status {
        query = query.filter(Column::Status.eq(entities::tenants::TenantStatus::from(status)));
    }
    if let Some(after) = after {
        query = query.filter(Column::Id.lt(after));
    }
    Ok(query
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(Tenant::from)
        .collect())
}

/// A new `pending` tenant.
pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    id: TenantId,
    slug: &str,
    name: &str,
    at: DateTime<Utc>,
) -> AppResult<Tenant> {
    Ok(Entity::insert(ActiveModel {
        id: Set(id.as_uuid()),
        slug: Set(slug.to_owned()),
        name: Set(name.to_owned()),
        status: Set(entities::tenants::TenantStatus::Pending),
        status_reason: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        approved_at: Set(None),
        deleted_at: Set(None),
        deletion_due_at: Set(None),
        final_backup_id: Set(None),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// Where a new tenant's data lives: the shared database.
pub(crate) async fn insert_shared_profile(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    profiles::Entity::insert(profiles::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        mode: Set(profiles::ConnectionMode::Shared),
        schema_name: Set(None),
        database_name: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Sets the status and its reason; `approved` stamps `approved_at` (the
/// first approval only: the caller knows whether there was one).
pub(crate) async fn set_status(
    conn: &impl ConnectionTrait,
    id: TenantId,
    status: TenantStatus,
    reason: Option<String>,
    approved: bool,
    at: DateTime<Utc>,
) -> AppResult<Tenant> {
    Ok(ActiveModel {
        id: Unchanged(id.as_uuid()),
        slug: NotSet,
        name: NotSet,
        status: Set(status.into()),
        status_reason: Set(reason),
        created_at: NotSet,
        updated_at: Set(at),
        approved_at: if approved { Set(Some(at)) } else { NotSet },
        deleted_at: NotSet,
        // Reactivating a business cancels its offboarding.
        deletion_due_at: if status == TenantStatus::Active {
            Set(None)
        } else {
            NotSet
        },
        final_backup_id: NotSet,
    }
    .update(conn)
    .await?
    .into())
}

/// Offboarding: the business is suspended (saying why) and due for
/// deletion at `due`; its final backup is named once it is queued.
pub(crate) async fn schedule_deletion(
    conn: &impl ConnectionTrait,
    id: TenantId,
    reason: &str,
    due: DateTime<Utc>,
    at: DateTime<Utc>,
) -> AppResult<Tenant> {
    Ok(ActiveModel {
        id: Unchanged(id.as_uuid()),
        status: Set(TenantStatus::Suspended.into()),
        status_reason: Set(Some(reason.to_owned())),
        updated_at: Set(at),
        deletion_due_at: Set(Some(due)),
        final_backup_id: Set(None),
        ..Default::default()
    }
    .update(conn)
    .await?
    .into())
}

pub(crate) async fn set_final_backup(
    conn: &impl ConnectionTrait,
    id: TenantId,
    backup: kernel::ExportId,
) -> AppResult<()> {
    ActiveModel {
        id: Unchanged(id.as_uuid()),
        final_backup_id: Set(Some(backup.as_uuid())),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

/// A business whose deletion is due (not yet deleted), locked so one
/// replica deletes it; `skip` are those found not ready this tick.
pub(crate) async fn next_due_for_deletion(
    conn: &impl ConnectionTrait,
    at: DateTime<Utc>,
    skip: &[Uuid],
) -> AppResult<Option<entities::tenants::Model>> {
    Ok(Entity::find()
        .filter(Column::DeletedAt.is_null())
        .filter(Column::DeletionDueAt.lte(at))
        .filter(Column::Id.is_not_in(skip.iter().copied()))
        .order_by_asc(Column::DeletionDueAt)
        .lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
        .one(conn)
        .await?)
}

/// The business's row stays as a tombstone (its slug free again): the
/// final backup and the audit trail still point at it.
pub(crate) async fn mark_deleted(
    conn: &impl ConnectionTrait,
    id: TenantId,
    at: DateTime<Utc>,
) -> AppResult<()> {
    ActiveModel {
        id: Unchanged(id.as_uuid()),
        deleted_at: Set(Some(at)),
        updated_at: Set(at),
        ..Default::default()
    }
    .update(conn)
    .await?;
    Ok(())
}

/// The final backup named by the business's offboarding, if any.
pub(crate) async fn final_backup_id(
    conn: &impl ConnectionTrait,
    id: TenantId,
) -> AppResult<Option<Uuid>> {
    Ok(Entity::find_by_id(id.as_uuid())
        .one(conn)
        .await?
        .and_then(|m| m.final_backup_id))
}
