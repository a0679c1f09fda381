//! Every statement of exports: the `exports` rows, and the reads of the
//! tenant's data that go into the CSV reports (a backup's reads live in
//! `crate::backups`).

use super::{Export, ExportKind};
use chrono::{DateTime, Utc};
use entities::exports::{ActiveModel, Column, Entity, ExportStatus};
use kernel::db::sql;
use kernel::{AppError, AppResult, ExportId, TenantId, UserId};
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JsonValue,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

pub(super) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ExportId,
) -> AppResult<Option<Export>> {
    Ok(Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
        .one(conn)
        .await?
        .map(Export::from))
}

/// The tenant's latest hundred exports, newest first.
pub(super) async fn recent(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<Export>> {
    Ok(Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .order_by_desc(Column::CreatedAt)
        .limit(100)
        .all(conn)
        .await?
        .into_iter()
        .map(Export::from)
        .collect())
}

/// A queued export.
pub(super) async fn insert(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ExportId,
    kind: ExportKind,
    requested_by: Option<UserId>,
    at: DateTime<Utc>,
) -> AppResult<Export> {
    Ok(Entity::insert(ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(id.as_uuid()),
        kind: Set(kind.into()),
        status: Set(ExportStatus::Queued),
        progress: Set(0),
        file_name: Set(None),
        byte_size: Set(None),
        error: Set(None),
        requested_by: Set(requested_by.map(|u| u.as_uuid())),
        created_at: Set(at),
        completed_at: Set(None),
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

/// The changes an export goes through after it is queued.
pub(super) enum ExportUpdate {
    /// Running, this far along (percent).
    Progress(i32),
    /// It could not be queued.
    Failed(&'static str),
    /// The file is written.
    Completed {
        file_name: String,
        byte_size: i64,
        at: DateTime<Utc>,
    },
}

pub(super) async fn update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ExportId,
    change: ExportUpdate,
) -> AppResult<()> {
    let mut row = ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        ..Default::default()
    };
    match change {
        ExportUpdate::Progress(percent) => {
            row.status = Set(ExportStatus::Running);
            row.progress = Set(percent);
        }
        ExportUpdate::Failed(error) => {
            row.status = Set(ExportStatus::Failed);
            row.error = Set(Some(error.to_owned()));
        }
        ExportUpdate::Completed {
            file_name,
            byte_size,
            at,
        } => {
            row.status = Set(ExportStatus::Completed);
            row.progress = Set(100);
            row.file_name = Set(Some(file_name));
            row.byte_size = Set(Some(byte_size));
            row.error = Set(None);
            row.completed_at = Set(Some(at));
        }
    }
    // An export that is gone (its tenant deleted meanwhile) has nothing to update.
    match row.update(conn).await {
        Ok(_) | Err(sea_orm::DbErr::RecordNotUpdated) => Ok(()),
        Err(err) => Err(err.into()),
    }
}

#[derive(FromQueryResult)]
struct JsonRow {
    row: JsonValue,
}

/// The users' report: the tenant's (not deleted) users by id.
pub(super) async fn users(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
) -> AppResult<Vec<JsonValue>> {
    Ok(JsonRow::find_by_statement(sql(
        "SELECT json_build_object('id', id, 'email', email, 'display_name', display_name, 'status', status,
           'mfa_enabled', mfa_enabled, 'last_login_at', last_login_at, 'created_at', created_at) AS row
         FROM users WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id",
        [tenant.into()],
    ))
    .all(conn)
    .await?
    .into_iter()
    .map(|r| r.row)
    .collect())
}

/// How many audit events the tenant has.
pub(super) async fn audit_count(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<i64> {
    use entities::audit_events::{Column, Entity};
    let count = Entity::find()
        .filter(Column::TenantId.eq(tenant))
        .count(conn)
        .await?;
    i64::try_from(count).map_err(AppError::internal)
}

#[derive(FromQueryResult)]
pub(super) struct AuditLine {
    pub id: Uuid,
    pub row: JsonValue,
}

/// The next thousand audit events after `after`, by id.
pub(super) async fn audit_lines(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    after: Option<Uuid>,
) -> AppResult<Vec<AuditLine>> {
    Ok(AuditLine::find_by_statement(sql(
        "SELECT id, json_build_object('id', id, 'created_at', created_at, 'actor_type', actor_type,
           'actor_id', actor_id, 'action', action, 'entity_type', entity_type, 'entity_id', entity_id,
           'request_id', request_id) AS row
         FROM audit_events WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT 1000",
        [tenant.into(), after.into()],
    ))
    .all(conn)
    .await?)
}
