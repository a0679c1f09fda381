//! The relations of a page of tickets (lines, payments, refunds), loaded in
//! one statement each whatever the page's length. GraphQL's look-ahead
//! prefetch and REST's ticket views both read them from here.

use super::payments::{self, Payment, Refund};
use super::tickets::{self, TicketLine};
use crate::loaders::group;
use kernel::{AppResult, Db, TenantId, TicketId};
use std::collections::HashMap;

/// Which relations the caller wants.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wanted {
    pub lines: bool,
    pub payments: bool,
    pub refunds: bool,
}

impl Wanted {
    pub const ALL: Self = Self {
        lines: true,
        payments: true,
        refunds: true,
    };
}

/// Each wanted relation grouped by ticket, with an empty list for a ticket
/// that has none; a relation not wanted is empty.
#[derive(Debug, Default)]
pub struct TicketRelations {
    pub lines: HashMap<TicketId, Vec<TicketLine>>,
    pub payments: HashMap<TicketId, Vec<Payment>>,
    pub refunds: HashMap<TicketId, Vec<Refund>>,
}

pub async fn load(
    db: &Db,
    tenant: TenantId,
    ids: &[TicketId],
    wanted: Wanted,
) -> AppResult<TicketRelations> {
    let mut out = TicketRelations::default();
    if ids.is_empty() {
        return Ok(out);
    }
    if wanted.lines {
        let rows = tickets::lines_of_tickets(db, tenant, ids).await?;
        out.lines = group(ids, rows, |l| l.ticket_id);
    }
    if wanted.payments {
        let rows = payments::payments_of_tickets(db, tenant, ids).await?;
        out.payments = group(ids, rows, |p| p.ticket_id);
    }
    if wanted.refunds {
        let rows = payments::refunds_of_tickets(db, tenant, ids).await?;
        out.refunds = group(ids, rows, |r| r.ticket_id);
    }
    Ok(out)
}
