//! Transfers between locations: stock leaves the source when sent (it is in
//! transit, on neither shelf) and arrives when the destination receives it.
//! Cancelling a transfer in transit returns the stock to the source.

use super::ledger::{self, NewMovement};
use super::{MovementKind, READ, TRANSFER};
use crate::audit::service::{Change, record_change};
use crate::quantity::Quantity;
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransferStatus {
    InTransit,
    Received,
    Cancelled,
}

impl TransferStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::InTransit => "in_transit",
            Self::Received => "received",
            Self::Cancelled => "cancelled",
        }
    }

    fn parse(raw: &str) -> AppResult<Self> {
        Ok(match raw {
            "in_transit" => Self::InTransit,
            "received" => Self::Received,
            "cancelled" => Self::Cancelled,
            other => {
                return Err(AppError::internal(format!(
                    "unknown transfer status {other}"
                )));
            }
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferLine {
    pub stock_item_id: Uuid,
    pub sku: String,
    pub name: String,
    pub quantity: Quantity,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockTransfer {
    pub id: Uuid,
    pub from_location_id: Uuid,
    pub to_location_id: Uuid,
    pub status: TransferStatus,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
    pub sent_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub lines: Vec<TransferLine>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTransferLine {
    pub stock_item_id: Uuid,
    pub quantity: Quantity,
}

#[derive(FromQueryResult)]
struct TransferRow {
    id: Uuid,
    from_location_id: Uuid,
    to_location_id: Uuid,
    status: String,
    note: Option<String>,
    created_by: Option<Uuid>,
    sent_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct LineRow {
    transfer_id: Uuid,
    stock_item_id: Uuid,
    sku: String,
    name: String,
    quantity_milli: i64,
}

/// Transfers by id with their lines, in two statements.
async fn load_many(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    ids: &[Uuid],
) -> AppResult<Vec<StockTransfer>> {
    let rows = TransferRow::find_by_statement(sql(
        "SELECT id, from_location_id, to_location_id, status, note, created_by, sent_at, closed_at
         FROM stock_transfers WHERE tenant_id = $1 AND id = ANY($2) ORDER BY id DESC",
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(tx)
    .await?;
    let lines = LineRow::find_by_statement(sql(
        "SELECT l.transfer_id, l.stock_item_id, i.sku, i.name, l.quantity_milli
         FROM stock_transfer_lines l JOIN stock_items i ON i.tenant_id = l.tenant_id AND i.id = l.stock_item_id
         WHERE l.tenant_id = $1 AND l.transfer_id = ANY($2) ORDER BY i.name",
        [tenant.as_uuid().into(), ids.to_vec().into()],
    ))
    .all(tx)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(StockTransfer {
                status: TransferStatus::parse(&r.status)?,
                lines: lines
                    .iter()
                    .filter(|l| l.transfer_id == r.id)
                    .map(|l| TransferLine {
                        stock_item_id: l.stock_item_id,
                        sku: l.sku.clone(),
                        name: l.name.clone(),
                        quantity: Quantity::from_milli(l.quantity_milli),
                    })
                    .collect(),
                id: r.id,
                from_location_id: r.from_location_id,
                to_location_id: r.to_location_id,
                note: r.note,
                created_by: r.created_by,
                sent_at: r.sent_at,
                closed_at: r.closed_at,
            })
        })
        .collect()
}

async fn load(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> AppResult<StockTransfer> {
    if lock {
        tx.execute_raw(sql(
            "SELECT 1 FROM stock_transfers WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
            [tenant.as_uuid().into(), id.into()],
        ))
        .await?;
    }
    load_many(tx, tenant, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("stock transfer"))
}

async fn audit(
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    tenant: TenantId,
    action: &'static str,
    transfer: &StockTransfer,
) -> AppResult<()> {
    record_change(
        tx,
        ctx,
        tenant,
        Change {
            action,
            entity: "stock_transfer",
            id: transfer.id,
            before: None,
            after: Some(serde_json::to_value(transfer)?),
            event: None,
            version: 1,
        },
    )
    .await
}

/// Sends stock from one location to another; it leaves the source now.
pub async fn send(
    db: &Db,
    ctx: &RequestContext,
    from: Uuid,
    to: Uuid,
    lines: Vec<NewTransferLine>,
    note: Option<&str>,
) -> AppResult<StockTransfer> {
    let tenant = ctx.require(TRANSFER)?;
    if from == to {
        return Err(AppError::invalid_field(
            "toLocationId",
            "must differ from the source location",
        ));
    }
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
    let note = ledger::check_reason(note)?;
    let tx = db.tenant_tx(tenant).await?;
    crate::locations::service::referenced(&tx, tenant, "fromLocationId", from.into()).await?;
    crate::locations::service::referenced(&tx, tenant, "toLocationId", to.into()).await?;
    for (i, line) in lines.iter().enumerate() {
        super::items::referenced(
            &tx,
            tenant,
            &format!("lines[{i}].stockItemId"),
            line.stock_item_id,
        )
        .await?;
    }
    let id = Uuid::now_v7();
    tx.execute_raw(sql(
        "INSERT INTO stock_transfers (tenant_id, id, from_location_id, to_location_id, note, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            tenant.as_uuid().into(),
            id.into(),
            from.into(),
            to.into(),
            note.clone().into(),
            ctx.user_id().map(|u| u.as_uuid()).into(),
        ],
    ))
    .await?;
    let actor = ctx.user_id().map(|u| u.as_uuid());
    let now = Utc::now();
    for line in &lines {
        tx.execute_raw(sql(
            "INSERT INTO stock_transfer_lines (tenant_id, transfer_id, stock_item_id, quantity_milli) VALUES ($1, $2, $3, $4)",
            [tenant.as_uuid().into(), id.into(), line.stock_item_id.into(), line.quantity.milli().into()],
        ))
        .await?;
        ledger::append(
            &tx,
            tenant,
            actor,
            NewMovement {
                stock_item_id: line.stock_item_id,
                location_id: from,
                kind: MovementKind::TransferOut,
                quantity: line.quantity,
                occurred_at: now,
                reason: note.clone(),
                source: Some(("stock_transfer", id)),
            },
        )
        .await?;
    }
    let transfer = load(&tx, tenant, id, false).await?;
    audit(&tx, ctx, tenant, "inventory.transfer.sent", &transfer).await?;
    tx.commit().await?;
    Ok(transfer)
}

/// Closes a transfer in transit: received at the destination, or cancelled
/// back to the source.
async fn close(
    db: &Db,
    ctx: &RequestContext,
    id: Uuid,
    outcome: TransferStatus,
) -> AppResult<StockTransfer> {
    let tenant = ctx.require(TRANSFER)?;
    let tx = db.tenant_tx(tenant).await?;
    let transfer = load(&tx, tenant, id, true).await?;
    if transfer.status != TransferStatus::InTransit {
        return Err(AppError::conflict(format!(
            "the transfer is already {}",
            transfer.status.as_str().replace('_', " ")
        )));
    }
    let (location, reason) = match outcome {
        TransferStatus::Received => (transfer.to_location_id, transfer.note.clone()),
        _ => (
            transfer.from_location_id,
            Some("transfer cancelled".to_owned()),
        ),
    };
    let actor = ctx.user_id().map(|u| u.as_uuid());
    let now = Utc::now();
    for line in &transfer.lines {
        ledger::append(
            &tx,
            tenant,
            actor,
            NewMovement {
                stock_item_id: line.stock_item_id,
                location_id: location,
                kind: MovementKind::TransferIn,
                quantity: line.quantity,
                occurred_at: now,
                reason: reason.clone(),
                source: Some(("stock_transfer", id)),
            },
        )
        .await?;
    }
    tx.execute_raw(sql(
        "UPDATE stock_transfers SET status = $3, closed_at = now() WHERE tenant_id = $1 AND id = $2",
        [tenant.as_uuid().into(), id.into(), outcome.as_str().into()],
    ))
    .await?;
    let transfer = load(&tx, tenant, id, false).await?;
    let action = match outcome {
        TransferStatus::Received => "inventory.transfer.received",
        _ => "inventory.transfer.cancelled",
    };
    audit(&tx, ctx, tenant, action, &transfer).await?;
    tx.commit().await?;
    Ok(transfer)
}

pub async fn receive(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<StockTransfer> {
    close(db, ctx, id, TransferStatus::Received).await
}

pub async fn cancel(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<StockTransfer> {
    close(db, ctx, id, TransferStatus::Cancelled).await
}

pub async fn get(db: &Db, ctx: &RequestContext, id: Uuid) -> AppResult<StockTransfer> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let transfer = load(&tx, tenant, id, false).await?;
    tx.commit().await?;
    Ok(transfer)
}

/// Transfers, newest first (at most 100), optionally by status or location.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    status: Option<TransferStatus>,
    location: Option<Uuid>,
) -> AppResult<Vec<StockTransfer>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let ids: Vec<Uuid> = tx
        .query_all_raw(sql(
            "SELECT id FROM stock_transfers WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
               AND ($3::uuid IS NULL OR from_location_id = $3 OR to_location_id = $3)
             ORDER BY id DESC LIMIT 100",
            [
                tenant.as_uuid().into(),
                status.map(TransferStatus::as_str).into(),
                location.into(),
            ],
        ))
        .await?
        .iter()
        .map(|r| r.try_get::<Uuid>("", "id"))
        .collect::<Result<_, _>>()?;
    let transfers = load_many(&tx, tenant, &ids).await?;
    tx.commit().await?;
    Ok(transfers)
}
