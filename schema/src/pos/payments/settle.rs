//! Settling a fully paid ticket: `pos.ticket.settled` tells the kitchen to
//! close it and inventory to deduct what was sold.

use crate::command::Unit;
use crate::idempotency::{self, Key};
use crate::pos::PAY;
use crate::pos::tickets::store::{self as tickets, TicketUpdate};
use crate::pos::tickets::{LineStatus, Ticket, TicketStatus, lock, ticket_event};
use kernel::{AppError, AppResult, Db, RequestContext, TicketId};
use serde_json::json;

/// Settling a settled ticket returns it unchanged.
pub async fn settle(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: TicketId,
    idempotency_key: Option<&str>,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, PAY).await?;
    let tenant = unit.tenant;
    let key = Key::optional(
        "pos.settle",
        idempotency_key,
        &json!({ "ticketId": ticket_id }),
    )?;
    let result = idempotency::once(&unit, tenant, key.as_ref(), async || {
        let ticket = lock(&*unit, tenant, ticket_id).await?;
        match ticket.status {
            TicketStatus::Settled => return Ok(ticket),
            TicketStatus::Voided => return Err(AppError::conflict("the ticket is voided")),
            TicketStatus::Merged => {
                return Err(AppError::conflict("the ticket was merged into another"));
            }
            TicketStatus::Open => {}
        }
        let lines: Vec<_> = tickets::lines_of(&*unit, tenant, &[ticket_id])
            .await?
            .into_iter()
            .filter(|l| l.status == LineStatus::Active)
            .collect();
        if lines.is_empty() {
            return Err(AppError::validation(
                "the ticket has nothing on it; void it instead",
            ));
        }
        if ticket.balance_minor > 0 {
            return Err(AppError::conflict("the ticket is not fully paid")
                .with_details(json!({ "balanceMinor": ticket.balance_minor })));
        }
        let after =
            tickets::update(&*unit, tenant, ticket_id, TicketUpdate::Settled, unit.now()).await?;
        let sold: Vec<_> = lines
            .iter()
            .map(|l| {
                json!({
                    "lineId": l.id, "menuItemId": l.menu_item_id, "quantity": l.quantity,
                    "modifierIds": l.modifiers.iter().map(|m| m.modifier_id).collect::<Vec<_>>(),
                })
            })
            .collect();
        unit.record(ticket_event(
            "pos.ticket.settled",
            &after,
            json!({ "settledAt": after.settled_at, "lines": sold }),
        ))
        .await?;
        Ok(after)
    })
    .await?;
    unit.commit(result).await
}
