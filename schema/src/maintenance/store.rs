//! Every statement on `maintenance_windows` (platform rows: platform
//! transactions; a tenant's transaction may read them).

use chrono::{DateTime, Utc};
use entities::maintenance_windows::{ActiveModel, Column, Entity, Model, WindowStatus};
use kernel::db::sql;
use kernel::{AppResult, MaintenanceWindowId, TenantId};
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

pub(crate) async fn find_locked(
    conn: &impl ConnectionTrait,
    id: MaintenanceWindowId,
) -> AppResult<Option<Model>> {
    Ok(Entity::find_by_id(id.as_uuid())
        .lock_exclusive()
        .one(conn)
        .await?)
}

fn open() -> sea_orm::Condition {
    sea_orm::Condition::any()
        .add(Column::Status.eq(WindowStatus::Scheduled))
        .add(Column::Status.eq(WindowStatus::InProgress))
}

/// Windows that have not finished, soonest first.
pub(crate) async fn open_windows(conn: &impl ConnectionTrait) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .filter(open())
        .order_by_asc(Column::StartsAt)
        .limit(200)
        .all(conn)
        .await?)
}

/// Every window, latest start first.
pub(crate) async fn all(conn: &impl ConnectionTrait) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .order_by_desc(Column::StartsAt)
        .limit(500)
        .all(conn)
        .await?)
}

/// Windows running at `now` by the clock (the guard's rule).
pub(crate) async fn running(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<Model>> {
    Ok(Entity::find()
        .filter(open())
        .filter(Column::StartsAt.lte(now))
        .filter(Column::EndsAt.gt(now))
        .order_by_asc(Column::EndsAt)
        .all(conn)
        .await?)
}

/// What the scheduler must do now, claimed so one replica does each.
pub(crate) enum Due {
    Remind,
    Start,
    Complete,
}

/// Up to 50 windows with something due, locked, skipping those another
/// replica holds.
pub(crate) async fn due(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Due, Model)>> {
    let rows = Entity::find()
        .from_raw_sql(sql(
            "SELECT * FROM maintenance_windows
             WHERE (status = 'scheduled' AND (starts_at <= $1
                      OR (reminded_at IS NULL AND remind_minutes > 0
                          AND starts_at - make_interval(mins => remind_minutes) <= $1)))
                OR (status = 'in_progress' AND ends_at <= $1)
             ORDER BY starts_at, id
             LIMIT 50
             FOR UPDATE SKIP LOCKED",
            [now.into()],
        ))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let due = if row.status == WindowStatus::InProgress {
                Due::Complete
            } else if row.starts_at <= now {
                Due::Start
            } else {
                Due::Remind
            };
            (due, row)
        })
        .collect())
}

/// Next week's occurrence of a weekly series: the series' first wall-clock
/// start time in its zone, seven days after this occurrence's local date,
/// lasting as long as the first. Across a daylight-saving change the UTC
/// instants move and the local time does not; a start that falls in the
/// spring gap (02:30 in Paris) is read as the next valid time that day, and
/// the week after returns to 02:30, since each occurrence is computed from
/// the series' first rather than from the last.
pub(crate) async fn next_in_series(
    conn: &impl ConnectionTrait,
    row: &Model,
) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    #[derive(FromQueryResult)]
    struct Next {
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    }
    let next = Next::find_by_statement(sql(
        "SELECT n.starts_at, n.starts_at + (f.ends_at - f.starts_at) AS ends_at
         FROM maintenance_windows f,
         LATERAL (SELECT ((($1::timestamptz AT TIME ZONE f.time_zone)::date + 7)
                          + (f.starts_at AT TIME ZONE f.time_zone)::time)
                         AT TIME ZONE f.time_zone AS starts_at) n
         WHERE f.id = $2",
        [row.starts_at.into(), row.series_id.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| kernel::AppError::internal("a weekly window's first occurrence is missing"))?;
    Ok((next.starts_at, next.ends_at))
}

/// Inserts the next occurrence unless the series has it already.
pub(crate) async fn insert_next(conn: &impl ConnectionTrait, row: ActiveModel) -> AppResult<()> {
    Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([Column::SeriesId, Column::StartsAt])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Every business on the platform, to tell.
pub(crate) async fn every_tenant(conn: &impl ConnectionTrait) -> AppResult<Vec<TenantId>> {
    #[derive(FromQueryResult)]
    struct Row {
        id: uuid::Uuid,
    }
    let rows = Row::find_by_statement(sql(
        "SELECT id FROM tenants WHERE deleted_at IS NULL ORDER BY id",
        [],
    ))
    .all(conn)
    .await?;
    Ok(rows.into_iter().map(|r| TenantId(r.id)).collect())
}

/// The fields a new occurrence copies from the last.
pub(crate) fn next_occurrence(
    row: &Model,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> ActiveModel {
    ActiveModel {
        id: Set(MaintenanceWindowId::new().as_uuid()),
        title: Set(row.title.clone()),
        message: Set(row.message.clone()),
        modules: Set(row.modules.clone()),
        status: Set(WindowStatus::Scheduled),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        time_zone: Set(row.time_zone.clone()),
        repeats_weekly: Set(true),
        series_id: Set(row.series_id),
        remind_minutes: Set(row.remind_minutes),
        reminded_at: Set(None),
        started_at: Set(None),
        finished_at: Set(None),
        announcement_id: Set(None),
        created_by: Set(row.created_by),
        created_at: Set(at),
        updated_at: Set(at),
    }
}
