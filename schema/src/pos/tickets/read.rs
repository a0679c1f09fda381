//! Reading tickets: one, a filtered page, and the lines of many.

use super::{Ticket, TicketFilter, TicketLine, store};
use crate::command::Unit;
use crate::pagination::{Page, PageRequest};
use crate::pos::READ;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId, TicketId};

pub async fn get(db: &Db, ctx: &RequestContext, id: TicketId) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let ticket = store::find(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("ticket"))?;
    unit.commit(ticket).await
}

pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    filter: TicketFilter,
    page: PageRequest,
) -> AppResult<Page<Ticket>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::list(&*unit, unit.tenant, &filter, &page).await?;
    unit.commit(page.finish(rows, |t| t.id.as_uuid())).await
}

/// Lines of many tickets, in ticket order (the relations loader).
pub async fn lines_of_tickets(
    db: &Db,
    tenant: TenantId,
    tickets: &[TicketId],
) -> AppResult<Vec<TicketLine>> {
    let tx = db.tenant_tx(tenant).await?;
    let lines = store::lines_of(&tx, tenant, tickets).await?;
    tx.commit().await?;
    Ok(lines)
}

/// A ticket other POS commands read inside their unit (receipts).
pub(crate) async fn find(
    conn: &impl sea_orm::ConnectionTrait,
    tenant: TenantId,
    id: TicketId,
) -> AppResult<Ticket> {
    store::find(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("ticket"))
}
