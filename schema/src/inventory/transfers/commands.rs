//! Send, receive, cancel and read transfers. Stock leaves the source when
//! sent (it is in transit, on neither shelf) and arrives when the
//! destination receives it; cancelling a transfer in transit returns the
//! stock to the source.

use super::store;
use super::{NewTransfer, NewTransferLine, StockTransfer, TransferLine, TransferStatus};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::inventory::ledger::{self, NewMovement};
use crate::inventory::{MovementKind, READ, TRANSFER, items};
use crate::quantity::Quantity;
use crate::store_support::{find, find_locked};
use chrono::{DateTime, Utc};
use entities::stock_transfers::{Entity, Model};
use kernel::{
    AppError, AppResult, Db, LocationId, RequestContext, StockItemId, TenantId, TransferId,
};
use sea_orm::ConnectionTrait;
use std::collections::HashSet;

/// Transfers with their lines, in the order given.
async fn hydrate(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<Model>,
) -> AppResult<Vec<StockTransfer>> {
    let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
    let lines = store::lines_of(conn, tenant, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| StockTransfer {
            lines: lines
                .iter()
                .filter(|l| l.transfer_id == r.id)
                .map(|l| TransferLine {
                    stock_item_id: l.stock_item_id.into(),
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    quantity: Quantity::from_milli(l.quantity_milli),
                })
                .collect(),
            id: r.id.into(),
            from_location_id: r.from_location_id.into(),
            to_location_id: r.to_location_id.into(),
            status: r.status.into(),
            note: r.note,
            created_by: r.created_by.map(Into::into),
            sent_at: r.sent_at,
            closed_at: r.closed_at,
        })
        .collect())
}

async fn one(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    row: Option<Model>,
) -> AppResult<StockTransfer> {
    let row = row.ok_or_else(|| AppError::not_found("stock transfer"))?;
    hydrate(conn, tenant, vec![row])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("stock transfer"))
}

fn check_lines(lines: &[NewTransferLine]) -> AppResult<()> {
    if lines.is_empty() || lines.len() > 500 {
        return Err(AppError::invalid_field("lines", "give 1 to 500 lines"));
    }
    let mut seen = HashSet::new();
    for (i, line) in lines.iter().enumerate() {
        line.quantity.positive(&format!("lines[{i}].quantity"))?;
        if !seen.insert(line.stock_item_id) {
            return Err(AppError::invalid_field(
                &format!("lines[{i}].stockItemId"),
                "appears twice",
            ));
        }
    }
    Ok(())
}

/// The ledger movements of a transfer's lines at one location.
struct Moves {
    location: LocationId,
    kind: MovementKind,
    reason: Option<String>,
    transfer: TransferId,
    at: DateTime<Utc>,
}

impl Moves {
    async fn apply(
        self,
        unit: &Unit<'_>,
        lines: impl Iterator<Item = (StockItemId, Quantity)>,
    ) -> AppResult<()> {
        for (stock_item_id, quantity) in lines {
            let movement = NewMovement {
                stock_item_id,
                location_id: self.location,
                kind: self.kind,
                quantity,
                occurred_at: self.at,
                reason: self.reason.clone(),
                source: Some(("stock_transfer", self.transfer.as_uuid())),
            };
            ledger::append(unit, unit.tenant, unit.ctx.user_id(), self.at, movement).await?;
        }
        Ok(())
    }
}

/// Sends stock from one location to another; it leaves the source now.
pub async fn send(db: &Db, ctx: &RequestContext, input: NewTransfer) -> AppResult<StockTransfer> {
    let unit = Unit::begin(db, ctx, TRANSFER).await?;
    let (from, to) = (input.from_location_id, input.to_location_id);
    if from == to {
        return Err(AppError::invalid_field(
            "toLocationId",
            "must differ from the source location",
        ));
    }
    check_lines(&input.lines)?;
    let note = ledger::check_reason(input.note.as_deref())?;
    use crate::locations::service::referenced;
    referenced(&*unit, unit.tenant, "fromLocationId", from).await?;
    referenced(&*unit, unit.tenant, "toLocationId", to).await?;
    for (i, line) in input.lines.iter().enumerate() {
        let field = format!("lines[{i}].stockItemId");
        items::referenced(&*unit, unit.tenant, &field, line.stock_item_id).await?;
    }
    let (id, now) = (TransferId::new(), unit.now());
    let insert = store::Insert {
        id,
        from,
        to,
        note: note.as_deref(),
        created_by: ctx.user_id(),
        at: now,
    };
    let row = store::insert(&*unit, unit.tenant, insert, &input.lines).await?;
    let lines = input.lines.iter().map(|l| (l.stock_item_id, l.quantity));
    let out = Moves {
        location: from,
        kind: MovementKind::TransferOut,
        reason: note,
        transfer: id,
        at: now,
    };
    out.apply(&unit, lines).await?;
    let transfer = one(&*unit, unit.tenant, Some(row)).await?;
    unit.commit_with(
        Change::created("inventory.transfer.sent", "stock_transfer", id, &transfer)?,
        transfer,
    )
    .await
}

/// Closes a transfer in transit: received at the destination, or cancelled
/// back to the source.
async fn close(
    db: &Db,
    ctx: &RequestContext,
    id: TransferId,
    outcome: TransferStatus,
) -> AppResult<StockTransfer> {
    let unit = Unit::begin(db, ctx, TRANSFER).await?;
    let transfer = one(
        &*unit,
        unit.tenant,
        find_locked::<Entity, _>(&*unit, unit.tenant, id).await?,
    )
    .await?;
    if transfer.status != TransferStatus::InTransit {
        return Err(AppError::conflict(format!(
            "the transfer is already {}",
            transfer.status.describe()
        )));
    }
    let (location, reason, action): (LocationId, _, _) = match outcome {
        TransferStatus::Received => (
            transfer.to_location_id,
            transfer.note.clone(),
            "inventory.transfer.received",
        ),
        _ => (
            transfer.from_location_id,
            Some("transfer cancelled".to_owned()),
            "inventory.transfer.cancelled",
        ),
    };
    let now = unit.now();
    let lines = transfer.lines.iter().map(|l| (l.stock_item_id, l.quantity));
    let back_in = Moves {
        location,
        kind: MovementKind::TransferIn,
        reason,
        transfer: id,
        at: now,
    };
    back_in.apply(&unit, lines).await?;
    let row = store::close(&*unit, unit.tenant, id, outcome.into(), now).await?;
    let transfer = one(&*unit, unit.tenant, Some(row)).await?;
    unit.commit_with(
        Change::created(action, "stock_transfer", id, &transfer)?,
        transfer,
    )
    .await
}

pub async fn receive(db: &Db, ctx: &RequestContext, id: TransferId) -> AppResult<StockTransfer> {
    close(db, ctx, id, TransferStatus::Received).await
}

pub async fn cancel(db: &Db, ctx: &RequestContext, id: TransferId) -> AppResult<StockTransfer> {
    close(db, ctx, id, TransferStatus::Cancelled).await
}

pub async fn get(db: &Db, ctx: &RequestContext, id: TransferId) -> AppResult<StockTransfer> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let transfer = one(
        &*unit,
        unit.tenant,
        find::<Entity, _>(&*unit, unit.tenant, id).await?,
    )
    .await?;
    unit.commit(transfer).await
}

/// Transfers, newest first (at most 100), optionally by status or location.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    status: Option<TransferStatus>,
    location: Option<LocationId>,
) -> AppResult<Vec<StockTransfer>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::newest(&*unit, unit.tenant, status.map(Into::into), location).await?;
    let transfers = hydrate(&*unit, unit.tenant, rows).await?;
    unit.commit(transfers).await
}
