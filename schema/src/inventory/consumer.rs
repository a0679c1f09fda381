//! Sales move stock: `pos.ticket.settled` deducts what the ticket's lines
//! consume by recipe, and `pos.ticket.refunded` with restock puts it back.
//! Each event is applied exactly once: the movements and the
//! `consumed_events` row commit together, so a redelivered event finds its
//! row and changes nothing.

use super::MovementKind;
use super::ledger::{self, NewMovement};
use super::recipes::{self, Sold};
use crate::command::Unit;
use crate::services::Services;
use chrono::{DateTime, Utc};
use jobs::consumer::{Consumer, ConsumerFuture, first_application};
use jobs::envelope::Envelope;
use kernel::{AppError, AppResult, LocationId, MenuItemId, ModifierId, RequestContext, TenantId};
use serde::Deserialize;
use uuid::Uuid;

pub struct StockDeduction {
    pub services: Services,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SoldLine {
    menu_item_id: MenuItemId,
    quantity: i64,
    #[serde(default)]
    modifier_ids: Vec<ModifierId>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketEvent {
    ticket_id: Uuid,
    location_id: LocationId,
    #[serde(default)]
    lines: Vec<SoldLine>,
    settled_at: Option<DateTime<Utc>>,
    refund_id: Option<Uuid>,
    refunded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    restock: bool,
}

impl StockDeduction {
    async fn apply(&self, tenant: TenantId, event: &Envelope) -> AppResult<()> {
        let data: TicketEvent = serde_json::from_value(event.data.clone()).map_err(|e| {
            AppError::internal(format!("{} without its lines: {e}", event.event_type))
        })?;
        let (kind, source, occurred_at) = match event.event_type.as_str() {
            "pos.ticket.settled" => (
                MovementKind::Sale,
                ("pos_ticket", data.ticket_id),
                data.settled_at.unwrap_or(event.occurred_at),
            ),
            _ => {
                if !data.restock {
                    return self.record_only(tenant, event).await;
                }
                let refund = data
                    .refund_id
                    .ok_or_else(|| AppError::internal("refund event without its id"))?;
                (
                    MovementKind::RefundReturn,
                    ("pos_refund", refund),
                    data.refunded_at.unwrap_or(event.occurred_at),
                )
            }
        };
        // The movements and the `consumed_events` row commit together.
        let ctx = RequestContext::system(event.event_id.to_string());
        let unit = Unit::open(&self.services.db, &ctx, tenant).await?;
        if !first_application(&unit, tenant, self.name(), event).await? {
            return unit.commit(()).await;
        }
        let sold: Vec<Sold> = data
            .lines
            .iter()
            .map(|l| Sold {
                menu_item_id: l.menu_item_id,
                modifier_ids: l.modifier_ids.clone(),
                quantity: l.quantity,
            })
            .collect();
        let used = recipes::consumption(&*unit, tenant, &sold).await?;
        for (stock_item, quantity) in used {
            ledger::append(
                &unit,
                tenant,
                None,
                unit.now(),
                NewMovement {
                    stock_item_id: stock_item,
                    location_id: data.location_id,
                    kind,
                    quantity,
                    occurred_at,
                    reason: None,
                    source: Some(source),
                },
            )
            .await?;
        }
        unit.commit(()).await
    }

    async fn record_only(&self, tenant: TenantId, event: &Envelope) -> AppResult<()> {
        let tx = self.services.db.tenant_tx(tenant).await?;
        first_application(&tx, tenant, self.name(), event).await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Consumer for StockDeduction {
    fn name(&self) -> &'static str {
        "inventory-stock-deduction"
    }

    fn wants(&self, event_type: &str) -> bool {
        matches!(event_type, "pos.ticket.settled" | "pos.ticket.refunded")
    }

    fn consume<'a>(&'a self, event: &'a Envelope) -> ConsumerFuture<'a> {
        Box::pin(async move {
            let tenant = TenantId(
                event
                    .tenant_id
                    .ok_or_else(|| AppError::internal("ticket event without tenant"))?,
            );
            self.apply(tenant, event).await
        })
    }
}
