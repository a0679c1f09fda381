//! Every statement on `announcements` and `announcement_dismissals`. The
//! operator's statements run in platform transactions; a tenant's run in its
//! own, where row-level security shows only what is addressed to it.

use chrono::{DateTime, Utc};
use entities::announcement_dismissals as dismissals;
use entities::announcements::{ActiveModel, Column, Entity, Model};
use kernel::db::sql;
use kernel::{AnnouncementId, AppResult, TenantId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect,
};

pub(crate) async fn insert(conn: &impl ConnectionTrait, row: ActiveModel) -> AppResult<Model> {
    Ok(row.insert(conn).await?)
}

pub(crate) async fn update(conn: &impl ConnectionTrait, row: ActiveModel) -> AppResult<Model> {
    Ok(row.update(conn).await?)
}

/// One announcement, locked for a change (platform transactions).
pub(crate) async fn find_locked(
    conn: &impl ConnectionTrait,
    id: AnnouncementId,
) -> AppResult<Option<Model>> {
    Ok(Entity::find_by_id(id.as_uuid())
        .lock_exclusive()
        .one(conn)
        .await?)
}

/// Every announcement, newest first; ended and withdrawn ones only when asked.
pub(crate) async fn list(
    conn: &impl ConnectionTrait,
    include_past: bool,
    now: DateTime<Utc>,
) -> AppResult<Vec<Model>> {
    let mut query = Entity::find();
    if !include_past {
        query = query
            .filter(Column::WithdrawnAt.is_null())
            .filter(Column::EndsAt.gt(now));
    }
    Ok(query
        .order_by_desc(Column::StartsAt)
        .order_by_desc(Column::Id)
        .limit(500)
        .all(conn)
        .await?)
}

/// The businesses an audience takes in now (platform transactions).
pub(crate) async fn addressed_tenants(
    conn: &impl ConnectionTrait,
    row: &Model,
) -> AppResult<Vec<TenantId>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: uuid::Uuid,
    }
    let rows = Row::find_by_statement(sql(
        "SELECT t.id FROM tenants t
         WHERE t.deleted_at IS NULL AND app_announcement_for(t.id, $1, $2, $3)
         ORDER BY t.id",
        [
            sea_orm::ActiveEnum::to_value(&row.audience).into(),
            row.tenant_ids.clone().into(),
            row.plan_codes.clone().into(),
        ],
    ))
    .all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| TenantId(r.id)).collect())
}

/// What the tenant's user should see now: live, addressed to the tenant,
/// not dismissed at its current revision; the loudest first.
pub(crate) async fn visible(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: Option<UserId>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .from_raw_sql(sql(
            "SELECT a.* FROM announcements a
             LEFT JOIN announcement_dismissals d
               ON d.tenant_id = $1 AND d.user_id = $2 AND d.announcement_id = a.id
             WHERE app_announcement_for($1, a.audience, a.tenant_ids, a.plan_codes)
               AND a.withdrawn_at IS NULL AND a.starts_at <= $3 AND a.ends_at > $3
               AND (d.revision IS NULL OR d.revision < a.revision)
             ORDER BY CASE a.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                      a.starts_at DESC, a.id",
            [tenant.into(), user.map(|u| u.as_uuid()).into(), now.into()],
        ))
        .all(conn)
        .await?)
}

/// One announcement the tenant may see (its transaction's policy decides).
pub(crate) async fn find_addressed(
    conn: &impl ConnectionTrait,
    id: AnnouncementId,
) -> AppResult<Option<Model>> {
    Ok(Entity::find_by_id(id.as_uuid()).one(conn).await?)
}

pub(crate) async fn dismiss(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
    row: &Model,
    at: DateTime<Utc>,
) -> AppResult<()> {
    crate::store_support::upsert(
        conn,
        dismissals::ActiveModel {
            tenant_id: Set(tenant.as_uuid()),
            user_id: Set(user.as_uuid()),
            announcement_id: Set(row.id),
            revision: Set(row.revision),
            dismissed_at: Set(at),
        },
        [
            dismissals::Column::Revision,
            dismissals::Column::DismissedAt,
        ],
    )
    .await
}

/// Announcements whose start, change or end the addressed tenants have not
/// been told, locked so one replica tells them (platform transactions).
pub(crate) async fn due(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .from_raw_sql(sql(
            "SELECT * FROM announcements
             WHERE withdrawn_at IS NULL AND NOT end_published
               AND ((starts_at <= $1 AND ends_at > $1 AND published_revision < revision)
                    OR ends_at <= $1)
             ORDER BY starts_at, id
             LIMIT 100
             FOR UPDATE SKIP LOCKED",
            [now.into()],
        ))
        .all(conn)
        .await?)
}

/// Which of `ids` name no business (platform transactions).
pub(crate) async fn unknown_tenants(
    conn: &impl ConnectionTrait,
    ids: &[TenantId],
) -> AppResult<Vec<uuid::Uuid>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: uuid::Uuid,
    }
    let ids: Vec<uuid::Uuid> = ids.iter().map(|t| t.as_uuid()).collect();
    let rows = Row::find_by_statement(sql(
        "SELECT id FROM unnest($1::uuid[]) AS x (id)
         EXCEPT SELECT id FROM tenants WHERE deleted_at IS NULL ORDER BY 1",
        [ids.into()],
    ))
    .all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Which of `codes` name no plan of the catalog.
pub(crate) async fn unknown_plans(
    conn: &impl ConnectionTrait,
    codes: &[String],
) -> AppResult<Vec<String>> {
    #[derive(FromQueryResult)]
    struct Row {
        code: String,
    }
    let rows = Row::find_by_statement(sql(
        "SELECT code FROM unnest($1::text[]) AS x (code)
         EXCEPT SELECT code FROM billing_plans ORDER BY 1",
        [codes.to_vec().into()],
    ))
    .all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.code).collect())
}
