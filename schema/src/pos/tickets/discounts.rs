//! Discounts on a line or on the whole ticket: a percentage or an amount,
//! with a reason. Giving one takes `pos.ticket.discount`.

use super::change::{begin_change, reprice, ticket_event};
use super::lines::find_line;
use super::store::{self, LineUpdate};
use super::{AppliedDiscount, DiscountInput, DiscountKind, LineStatus, Ticket};
use crate::command::Unit;
use crate::pos::{DISCOUNT, check_amount, check_text};
use kernel::{AppError, AppResult, Db, LineId, RequestContext, TicketId};
use serde_json::json;

impl DiscountInput {
    /// `None` removes the discount.
    fn check(&self) -> AppResult<Option<AppliedDiscount>> {
        let reason = check_text("reason", self.reason.as_deref(), false)?;
        match (self.percent_bp, self.amount_minor) {
            (None, None) => Ok(None),
            (Some(bp), None) => {
                if !(1..=10_000).contains(&bp) {
                    return Err(AppError::invalid_field(
                        "percentBp",
                        "must be between 1 and 10000 basis points",
                    ));
                }
                Ok(Some(AppliedDiscount {
                    kind: DiscountKind::Percent,
                    value: bp,
                    reason,
                }))
            }
            (None, Some(minor)) => Ok(Some(AppliedDiscount {
                kind: DiscountKind::Amount,
                value: check_amount("amountMinor", minor, false)?,
                reason,
            })),
            (Some(_), Some(_)) => Err(AppError::validation(
                "give a percentage or an amount, not both",
            )),
        }
    }
}

/// Discounts one line (`line` given) or the whole ticket.
pub async fn set_discount(
    db: &Db,
    ctx: &RequestContext,
    ticket_id: TicketId,
    line_id: Option<LineId>,
    input: DiscountInput,
) -> AppResult<Ticket> {
    let unit = Unit::begin(db, ctx, DISCOUNT).await?;
    let discount = input.check()?;
    let mut ticket = begin_change(&*unit, unit.tenant, ticket_id, input.expected_version).await?;
    match line_id {
        Some(line_id) => {
            let line = find_line(&*unit, unit.tenant, ticket_id, line_id).await?;
            if line.status == LineStatus::Voided {
                return Err(AppError::conflict("the line is voided"));
            }
            let change = LineUpdate::Discount(discount.as_ref());
            store::update_line(&*unit, unit.tenant, line_id, change).await?;
        }
        // The reprice writes the ticket's discount with its totals.
        None => ticket.discount = discount.clone(),
    }
    let after = reprice(&*unit, unit.tenant, &ticket, unit.now()).await?;
    unit.commit_with(
        ticket_event(
            "pos.ticket.updated",
            &after,
            json!({ "change": "discount", "lineId": line_id, "discount": discount }),
        ),
        after,
    )
    .await
}
