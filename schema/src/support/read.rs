//! Reading support: a business's own tickets and threads (in its
//! transaction, so row-level security holds), and the operator's queue and
//! cases (in the system transaction, with the SLA clocks and notes).

use super::tickets::READ;
use super::{
    QueueFilter, QueueSort, SupportCase, SupportCaseThread, SupportNote, SupportThread,
    SupportTicket, TicketStatus, sla::SlaClock, store,
};
use crate::pagination::{Page, PageRequest};
use kernel::{AppError, AppResult, Db, RequestContext, SupportTicketId, TenantId};
use serde::Serialize;

/// A business's tickets, newest first; with `status`, only those.
pub async fn tickets(
    db: &Db,
    ctx: &RequestContext,
    status: Option<TicketStatus>,
    page: PageRequest,
) -> AppResult<Page<SupportTicket>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = store::tenant_tickets(
        &tx,
        tenant,
        status.map(Into::into),
        page.after,
        page.first + 1,
    )
    .await?;
    tx.commit().await?;
    Ok(
        page.finish(rows.into_iter().map(SupportTicket::from).collect(), |t| {
            t.id.as_uuid()
        }),
    )
}

/// One of the business's tickets with its public conversation.
pub async fn thread(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
) -> AppResult<SupportThread> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let ticket = store::ticket(&tx, tenant, id).await?;
    let messages = store::conversation(&tx, tenant, ticket.id).await?;
    tx.commit().await?;
    Ok(SupportThread {
        ticket: ticket.into(),
        messages,
    })
}

/// One page of the operator's queue.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportQueue {
    pub items: Vec<SupportCase>,
    /// Tickets matching the filter, on every page.
    pub total_count: i32,
    pub has_next_page: bool,
}

/// Superadmins: the queue, filtered and sorted (by SLA due time unless
/// told otherwise), `first` cases from `offset`.
pub async fn queue(
    db: &Db,
    ctx: &RequestContext,
    filter: QueueFilter,
    sort: QueueSort,
    first: Option<i32>,
    offset: Option<i32>,
) -> AppResult<SupportQueue> {
    ctx.require_superadmin()?;
    let first = match first {
        None => crate::pagination::DEFAULT_PAGE,
        Some(n) if (1..=100).contains(&n) => u64::from(n.unsigned_abs()),
        Some(_) => {
            return Err(AppError::invalid_field(
                "first",
                "must be between 1 and 100",
            ));
        }
    };
    let offset = match offset {
        None => 0,
        Some(n) if n >= 0 => u64::from(n.unsigned_abs()),
        Some(_) => return Err(AppError::invalid_field("offset", "must not be negative")),
    };
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let (rows, total) = store::queue(&tx, &filter, sort, first, offset).await?;
    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.ticket.id).collect();
    let mut clocks = store::clocks_of(&tx, &ids).await?;
    let (_, calendar) = store::settings(&tx).await?;
    tx.commit().await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let ticket_clocks = clocks.remove(&row.ticket.id).unwrap_or_default();
            case_of(
                row.ticket,
                row.tenant_name,
                row.assignee_name,
                &ticket_clocks,
                &calendar,
                now,
            )
        })
        .collect::<Vec<_>>();
    let total_count = i32::try_from(total).unwrap_or(i32::MAX);
    let has_next_page = offset + (items.len() as u64) < u64::try_from(total).unwrap_or(0);
    Ok(SupportQueue {
        items,
        total_count,
        has_next_page,
    })
}

fn case_of(
    ticket: entities::support_tickets::Model,
    tenant_name: String,
    assignee_name: Option<String>,
    clocks: &[entities::support_sla_clocks::Model],
    calendar: &super::calendar::Calendar,
    now: chrono::DateTime<chrono::Utc>,
) -> SupportCase {
    let sla: Vec<SlaClock> = clocks
        .iter()
        .map(|c| SlaClock::of(c, calendar, now))
        .collect();
    SupportCase {
        tenant_id: TenantId(ticket.tenant_id),
        tenant_name,
        assignee_id: ticket.assignee_id.map(Into::into),
        assignee_name,
        sla_due_at: ticket.sla_due_at,
        sla_breached: ticket.sla_breached,
        sla_near_breach: sla.iter().any(|c| c.near_breach),
        sla,
        ticket: ticket.into(),
    }
}

/// Superadmins: one case with its conversation, notes and clocks.
pub async fn case(
    db: &Db,
    ctx: &RequestContext,
    id: SupportTicketId,
) -> AppResult<SupportCaseThread> {
    ctx.require_superadmin()?;
    let now = ctx.now();
    let tx = db.system_tx().await?;
    let tenant = store::tenant_of(&tx, id).await?;
    let ticket = store::ticket(&tx, tenant, id).await?;
    let messages = store::conversation(&tx, tenant, ticket.id).await?;
    let notes = store::notes(&tx, tenant, ticket.id).await?;
    let mut clocks = store::clocks_of(&tx, &[ticket.id]).await?;
    let (_, calendar) = store::settings(&tx).await?;
    let names = store::names(&tx, tenant, ticket.assignee_id).await?;
    tx.commit().await?;
    let clocks = clocks.remove(&ticket.id).unwrap_or_default();
    Ok(SupportCaseThread {
        case: case_of(ticket, names.0, names.1, &clocks, &calendar, now),
        messages,
        notes: notes
            .into_iter()
            .map(|(n, author_name)| SupportNote {
                id: n.id.into(),
                author_id: n.author_operator_id.into(),
                author_name,
                body: n.body,
                created_at: n.created_at,
            })
            .collect(),
    })
}
