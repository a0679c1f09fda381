//! The support tables' statements. Tenant-facing reads run in the tenant's
//! transaction (row-level security); the operator's in the system one.

use super::calendar::{Calendar, Opening};
use super::sla::Clocks;
use super::{AuthorKind, QueueFilter, QueueSort, SupportAttachment, SupportMessage};
use crate::store_support;
use chrono::{DateTime, NaiveDate, Utc};
use entities::support_attachments as attachments;
use entities::support_internal_notes as notes;
use entities::support_messages as messages;
use entities::support_settings as settings;
use entities::support_sla_clocks as clocks;
use entities::support_sla_policies as policies;
use entities::support_tickets as tickets;
use kernel::db::sql;
use kernel::{AppError, AppResult, SupportTicketId, TenantId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use uuid::Uuid;

/// The desk's settings row and its calendar.
pub(crate) async fn settings(
    conn: &impl ConnectionTrait,
) -> AppResult<(settings::Model, Calendar)> {
    let row = settings::Entity::find_by_id(true)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("support_settings has no row"))?;
    let calendar = calendar_of(&row)?;
    Ok((row, calendar))
}

pub(crate) fn openings_of(row: &settings::Model) -> AppResult<Vec<Opening>> {
    serde_json::from_value(row.hours.clone())
        .map_err(|e| AppError::internal(format!("support_settings.hours: {e}")))
}

pub(crate) fn calendar_of(row: &settings::Model) -> AppResult<Calendar> {
    Calendar::new(&row.time_zone, &openings_of(row)?, &row.holidays)
}

pub(crate) async fn save_settings(
    conn: &impl ConnectionTrait,
    row: settings::Model,
) -> AppResult<()> {
    store_support::overwrite::<settings::ActiveModel>(conn, row).await?;
    Ok(())
}

pub(crate) async fn policy(
    conn: &impl ConnectionTrait,
    priority: tickets::Priority,
) -> AppResult<policies::Model> {
    policies::Entity::find_by_id(priority)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::internal("a priority without an SLA policy"))
}

pub(crate) async fn policies(conn: &impl ConnectionTrait) -> AppResult<Vec<policies::Model>> {
    Ok(policies::Entity::find()
        .order_by_asc(policies::Column::Priority)
        .all(conn)
        .await?)
}

pub(crate) async fn save_policy(
    conn: &impl ConnectionTrait,
    row: policies::Model,
) -> AppResult<()> {
    store_support::overwrite::<policies::ActiveModel>(conn, row).await?;
    Ok(())
}

pub(crate) async fn insert_ticket(
    conn: &impl ConnectionTrait,
    row: tickets::ActiveModel,
) -> AppResult<tickets::Model> {
    Ok(tickets::Entity::insert(row)
        .exec_with_returning(conn)
        .await?)
}

fn no_ticket(id: SupportTicketId) -> AppError {
    AppError::not_found("support ticket").with_details(serde_json::json!({ "id": id }))
}

/// The ticket, locked for a change, or `NOT_FOUND`.
pub(crate) async fn ticket_locked(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: SupportTicketId,
) -> AppResult<tickets::Model> {
    store_support::find_locked::<tickets::Entity, tickets::Model>(conn, tenant, id.as_uuid())
        .await?
        .ok_or_else(|| no_ticket(id))
}

/// Which business a ticket belongs to (the operator names tickets by id alone).
pub(crate) async fn tenant_of(
    conn: &impl ConnectionTrait,
    id: SupportTicketId,
) -> AppResult<TenantId> {
    tickets::Entity::find()
        .filter(tickets::Column::Id.eq(id.as_uuid()))
        .one(conn)
        .await?
        .map(|t| TenantId(t.tenant_id))
        .ok_or_else(|| no_ticket(id))
}

pub(crate) async fn save_ticket(
    conn: &impl ConnectionTrait,
    row: tickets::Model,
) -> AppResult<tickets::Model> {
    store_support::overwrite::<tickets::ActiveModel>(conn, row).await
}

pub(crate) async fn insert_message(
    conn: &impl ConnectionTrait,
    row: messages::Model,
) -> AppResult<()> {
    messages::Entity::insert(row.into_active_model())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub(crate) async fn insert_note(conn: &impl ConnectionTrait, row: notes::Model) -> AppResult<()> {
    notes::Entity::insert(row.into_active_model())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub(crate) async fn insert_attachment(
    conn: &impl ConnectionTrait,
    row: attachments::Model,
) -> AppResult<()> {
    attachments::Entity::insert(row.into_active_model())
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

pub(crate) async fn attachment(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> AppResult<Option<attachments::Model>> {
    store_support::find::<attachments::Entity, attachments::Model>(conn, tenant, id).await
}

/// An attachment of any business (the operator's download).
pub(crate) async fn attachment_anywhere(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<attachments::Model>> {
    Ok(attachments::Entity::find()
        .filter(attachments::Column::Id.eq(id))
        .one(conn)
        .await?)
}

/// The uploads `ids` of `tenant`, locked, that nobody has attached yet.
pub(crate) async fn unclaimed(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
) -> AppResult<Vec<attachments::Model>> {
    Ok(attachments::Entity::find()
        .filter(attachments::Column::TenantId.eq(tenant.as_uuid()))
        .filter(attachments::Column::Id.is_in(ids.iter().copied()))
        .filter(attachments::Column::MessageId.is_null())
        .lock_exclusive()
        .all(conn)
        .await?)
}

pub(crate) async fn claim(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ids: &[Uuid],
    ticket: Uuid,
    message: Uuid,
) -> AppResult<()> {
    attachments::Entity::update_many()
        .col_expr(attachments::Column::TicketId, ticket.into())
        .col_expr(attachments::Column::MessageId, message.into())
        .filter(attachments::Column::TenantId.eq(tenant.as_uuid()))
        .filter(attachments::Column::Id.is_in(ids.iter().copied()))
        .exec(conn)
        .await?;
    Ok(())
}

pub(crate) async fn attachments_on_ticket(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: Uuid,
) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(attachments::Entity::find()
        .filter(attachments::Column::TenantId.eq(tenant.as_uuid()))
        .filter(attachments::Column::TicketId.eq(ticket))
        .count(conn)
        .await?)
}

/// Uploads nobody attached within a day, oldest first, locked.
pub(crate) async fn stale_uploads(
    conn: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> AppResult<Vec<attachments::Model>> {
    Ok(attachments::Entity::find()
        .filter(attachments::Column::MessageId.is_null())
        .filter(attachments::Column::CreatedAt.lt(before))
        .order_by_asc(attachments::Column::CreatedAt)
        .limit(100)
        .lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
        .all(conn)
        .await?)
}

pub(crate) async fn delete_attachment(
    conn: &impl ConnectionTrait,
    row: &attachments::Model,
) -> AppResult<()> {
    attachments::Entity::delete_by_id((row.tenant_id, row.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A ticket's clocks, locked.
pub(crate) async fn clocks(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: Uuid,
) -> AppResult<Clocks> {
    let rows = clocks::Entity::find()
        .filter(clocks::Column::TenantId.eq(tenant.as_uuid()))
        .filter(clocks::Column::TicketId.eq(ticket))
        .order_by_asc(clocks::Column::Metric)
        .lock_exclusive()
        .all(conn)
        .await?;
    Ok(Clocks {
        tenant,
        ticket,
        rows,
    })
}

/// Writes every clock of `all` and the ticket's SLA summary.
pub(crate) async fn save_clocks(
    conn: &impl ConnectionTrait,
    all: &Clocks,
    ticket: &mut tickets::Model,
) -> AppResult<()> {
    for row in &all.rows {
        clocks::Entity::insert(row.clone().into_active_model())
            .on_conflict(
                OnConflict::columns([
                    clocks::Column::TenantId,
                    clocks::Column::TicketId,
                    clocks::Column::Metric,
                ])
                .update_columns([
                    clocks::Column::TargetMinutes,
                    clocks::Column::ElapsedSeconds,
                    clocks::Column::RunningSince,
                    clocks::Column::DueAt,
                    clocks::Column::WarnAt,
                    clocks::Column::WarnedAt,
                    clocks::Column::BreachedAt,
                    clocks::Column::StoppedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    ticket.sla_due_at = all.next_due();
    ticket.sla_breached = all.any_breached();
    Ok(())
}

/// Clocks of many tickets, in one statement, by ticket.
pub(crate) async fn clocks_of(
    conn: &impl ConnectionTrait,
    ticket_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<clocks::Model>>> {
    let rows = clocks::Entity::find()
        .filter(clocks::Column::TicketId.is_in(ticket_ids.iter().copied()))
        .order_by_asc(clocks::Column::Metric)
        .all(conn)
        .await?;
    let mut by_ticket: HashMap<Uuid, Vec<clocks::Model>> = HashMap::new();
    for row in rows {
        by_ticket.entry(row.ticket_id).or_default().push(row);
    }
    Ok(by_ticket)
}

/// A business's tickets, newest first, after the cursor.
pub(crate) async fn tenant_tickets(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    status: Option<tickets::Status>,
    before: Option<Uuid>,
    limit: u64,
) -> AppResult<Vec<tickets::Model>> {
    let mut query = tickets::Entity::find()
        .filter(tickets::Column::TenantId.eq(tenant.as_uuid()))
        .order_by_desc(tickets::Column::Id)
        .limit(limit);
    if let Some(status) = status {
        query = query.filter(tickets::Column::Status.eq(status));
    }
    if let Some(before) = before {
        query = query.filter(tickets::Column::Id.lt(before));
    }
    Ok(query.all(conn).await?)
}

pub(crate) async fn ticket(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: SupportTicketId,
) -> AppResult<tickets::Model> {
    store_support::find::<tickets::Entity, tickets::Model>(conn, tenant, id.as_uuid())
        .await?
        .ok_or_else(|| no_ticket(id))
}

/// The public conversation of a ticket with its attachments, in two statements.
pub(crate) async fn conversation(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: Uuid,
) -> AppResult<Vec<SupportMessage>> {
    let rows = messages::Entity::find()
        .filter(messages::Column::TenantId.eq(tenant.as_uuid()))
        .filter(messages::Column::TicketId.eq(ticket))
        .order_by_asc(messages::Column::CreatedAt)
        .order_by_asc(messages::Column::Id)
        .all(conn)
        .await?;
    let files = attachments::Entity::find()
        .filter(attachments::Column::TenantId.eq(tenant.as_uuid()))
        .filter(attachments::Column::TicketId.eq(ticket))
        .order_by_asc(attachments::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut by_message: HashMap<Uuid, Vec<SupportAttachment>> = HashMap::new();
    for f in files {
        if let Some(message) = f.message_id {
            by_message.entry(message).or_default().push(f.into());
        }
    }
    Ok(rows
        .into_iter()
        .map(|m| SupportMessage {
            id: m.id.into(),
            author_kind: if m.author_operator_id.is_some() {
                AuthorKind::Operator
            } else {
                AuthorKind::Business
            },
            author_name: m.author_name,
            body: m.body,
            attachments: by_message.remove(&m.id).unwrap_or_default(),
            created_at: m.created_at,
        })
        .collect())
}

pub(crate) async fn notes(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    ticket: Uuid,
) -> AppResult<Vec<(notes::Model, String)>> {
    let rows = conn
        .query_all_raw(sql(
            "SELECT n.id, n.author_operator_id, s.display_name, n.body, n.created_at
             FROM support_internal_notes n JOIN superadmins s ON s.id = n.author_operator_id
             WHERE n.tenant_id = $1 AND n.ticket_id = $2 ORDER BY n.created_at, n.id",
            [tenant.as_uuid().into(), ticket.into()],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                notes::Model {
                    id: r.try_get("", "id")?,
                    tenant_id: tenant.as_uuid(),
                    ticket_id: ticket,
                    author_operator_id: r.try_get("", "author_operator_id")?,
                    body: r.try_get("", "body")?,
                    created_at: r.try_get("", "created_at")?,
                },
                r.try_get("", "display_name")?,
            ))
        })
        .collect()
}

/// One row of the operator's queue: the ticket, its business's name and
/// its assignee's.
pub(crate) struct QueueRow {
    pub ticket: tickets::Model,
    pub tenant_name: String,
    pub assignee_name: Option<String>,
}

/// The operator's queue, filtered and ordered, one page.
pub(crate) async fn queue(
    conn: &impl ConnectionTrait,
    filter: &QueueFilter,
    sort: QueueSort,
    limit: u64,
    offset: u64,
) -> AppResult<(Vec<QueueRow>, i64)> {
    let mut query = tickets::Entity::find();
    query = match filter.status {
        Some(status) => query.filter(tickets::Column::Status.eq(tickets::Status::from(status))),
        None => query.filter(
            tickets::Column::Status.is_not_in([tickets::Status::Solved, tickets::Status::Closed]),
        ),
    };
    if let Some(priority) = filter.priority {
        query = query.filter(tickets::Column::Priority.eq(tickets::Priority::from(priority)));
    }
    if let Some(tenant) = filter.tenant_id {
        query = query.filter(tickets::Column::TenantId.eq(tenant.as_uuid()));
    }
    if let Some(assignee) = filter.assignee_id {
        query = query.filter(tickets::Column::AssigneeId.eq(assignee.as_uuid()));
    }
    if filter.unassigned == Some(true) {
        query = query.filter(tickets::Column::AssigneeId.is_null());
    }
    if let Some(breached) = filter.breached {
        query = query.filter(tickets::Column::SlaBreached.eq(breached));
    }
    use sea_orm::PaginatorTrait;
    let total = query.clone().count(conn).await?;
    let priority_rank = sea_orm::sea_query::Expr::cust(
        "CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END",
    );
    let nulls_last = sea_orm::sea_query::NullOrdering::Last;
    query = match sort {
        QueueSort::SlaDue => query
            .order_by_with_nulls(tickets::Column::SlaDueAt, sea_orm::Order::Asc, nulls_last)
            .order_by_asc(tickets::Column::CreatedAt),
        QueueSort::Newest => query.order_by_desc(tickets::Column::CreatedAt),
        QueueSort::Oldest => query.order_by_asc(tickets::Column::CreatedAt),
        QueueSort::Priority => query
            .order_by(priority_rank, sea_orm::Order::Asc)
            .order_by_with_nulls(tickets::Column::SlaDueAt, sea_orm::Order::Asc, nulls_last),
    };
    let rows = query
        .order_by_asc(tickets::Column::Id)
        .limit(limit)
        .offset(offset)
        .all(conn)
        .await?;
    let tenant_ids: Vec<Uuid> = rows.iter().map(|t| t.tenant_id).collect();
    let assignee_ids: Vec<Uuid> = rows.iter().filter_map(|t| t.assignee_id).collect();
    let names = conn
        .query_all_raw(sql(
            "SELECT id, name FROM tenants WHERE id = ANY($1)
             UNION ALL SELECT id, display_name FROM superadmins WHERE id = ANY($2)",
            [tenant_ids.into(), assignee_ids.into()],
        ))
        .await?;
    let mut name_of: HashMap<Uuid, String> = HashMap::new();
    for r in names {
        name_of.insert(r.try_get("", "id")?, r.try_get("", "name")?);
    }
    let rows = rows
        .into_iter()
        .map(|ticket| QueueRow {
            tenant_name: name_of.get(&ticket.tenant_id).cloned().unwrap_or_default(),
            assignee_name: ticket.assignee_id.and_then(|a| name_of.get(&a).cloned()),
            ticket,
        })
        .collect();
    Ok((rows, i64::try_from(total).unwrap_or(i64::MAX)))
}

/// A business's name, and an assignee's.
pub(crate) async fn names(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    assignee: Option<Uuid>,
) -> AppResult<(String, Option<String>)> {
    let row = conn
        .query_one_raw(sql(
            "SELECT t.name, (SELECT display_name FROM superadmins WHERE id = $2) AS assignee
             FROM tenants t WHERE t.id = $1",
            [tenant.as_uuid().into(), assignee.into()],
        ))
        .await?;
    match row {
        Some(r) => Ok((r.try_get("", "name")?, r.try_get("", "assignee")?)),
        None => Ok((String::new(), None)),
    }
}

/// A superadmin's display name, if they are active.
pub(crate) async fn active_superadmin(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> AppResult<Option<String>> {
    let row = conn
        .query_one_raw(sql(
            "SELECT display_name FROM superadmins WHERE id = $1 AND status = 'active'",
            [id.into()],
        ))
        .await?;
    row.map(|r| r.try_get::<String>("", "display_name"))
        .transpose()
        .map_err(Into::into)
}

/// A tenant user's display name.
pub(crate) async fn user_name(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: Uuid,
) -> AppResult<String> {
    let row = conn
        .query_one_raw(sql(
            "SELECT display_name FROM users WHERE tenant_id = $1 AND id = $2",
            [tenant.as_uuid().into(), user.into()],
        ))
        .await?;
    Ok(row
        .map(|r| r.try_get::<String>("", "display_name"))
        .transpose()?
        .unwrap_or_default())
}

/// Running clocks whose due or warning time has come, locked, skipping
/// those another replica holds.
pub(crate) async fn due_clocks(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Vec<clocks::Model>> {
    Ok(clocks::Entity::find()
        .filter(clocks::Column::RunningSince.is_not_null())
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(clocks::Column::BreachedAt.is_null())
                        .add(clocks::Column::DueAt.lte(now)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(clocks::Column::WarnedAt.is_null())
                        .add(clocks::Column::BreachedAt.is_null())
                        .add(clocks::Column::WarnAt.lte(now)),
                ),
        )
        .order_by_asc(clocks::Column::DueAt)
        .limit(200)
        .lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
        .all(conn)
        .await?)
}

pub(crate) async fn save_clock(conn: &impl ConnectionTrait, row: clocks::Model) -> AppResult<()> {
    store_support::overwrite::<clocks::ActiveModel>(conn, row).await?;
    Ok(())
}

/// Solved tickets whose auto-close time has come, locked, skipping held ones.
pub(crate) async fn to_close(
    conn: &impl ConnectionTrait,
    solved_before: DateTime<Utc>,
) -> AppResult<Vec<tickets::Model>> {
    Ok(tickets::Entity::find()
        .filter(tickets::Column::Status.eq(tickets::Status::Solved))
        .filter(tickets::Column::SolvedAt.lte(solved_before))
        .order_by_asc(tickets::Column::SolvedAt)
        .limit(200)
        .lock_with_behavior(
            sea_orm::sea_query::LockType::Update,
            sea_orm::sea_query::LockBehavior::SkipLocked,
        )
        .all(conn)
        .await?)
}

/// Holidays as stored.
pub(crate) fn holidays(dates: &[NaiveDate]) -> Vec<NaiveDate> {
    let mut out = dates.to_vec();
    out.sort_unstable();
    out.dedup();
    out
}
