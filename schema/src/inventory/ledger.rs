//! The append-only ledger of stock movements, and the one function that
//! appends to it and keeps `stock_levels` in step.

use super::items::{self, StockLevel};
use super::{ADJUST, MovementKind, READ};
use crate::audit::service::{AuditEntry, record};
use crate::idempotency::{self, Key};
use crate::pagination::{Page, PageRequest};
use crate::quantity::Quantity;
use chrono::{DateTime, Duration, Utc};
use jobs::outbox::{self, NewEvent};
use kernel::db::sql;
use kernel::{AppError, AppResult, Db, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// One line of the ledger.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Movement {
    pub id: Uuid,
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    pub kind: MovementKind,
    /// The signed change; for a count, the variance it revealed.
    pub quantity: Quantity,
    /// For a count: what was counted. On-hand restarts from it.
    pub counted: Option<Quantity>,
    /// When it happened, as the terminal saw it.
    pub occurred_at: DateTime<Utc>,
    /// When the server recorded it.
    pub recorded_at: DateTime<Utc>,
    pub reason: Option<String>,
    /// What caused it: `pos_ticket`, `stock_count`, `stock_transfer`, `refund`.
    pub source_type: Option<String>,
    pub source_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
}

#[derive(FromQueryResult)]
struct MovementRow {
    id: Uuid,
    stock_item_id: Uuid,
    location_id: Uuid,
    kind: String,
    quantity_milli: i64,
    counted_milli: Option<i64>,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    reason: Option<String>,
    source_type: Option<String>,
    source_id: Option<Uuid>,
    actor_id: Option<Uuid>,
}

impl TryFrom<MovementRow> for Movement {
    type Error = AppError;
    fn try_from(r: MovementRow) -> AppResult<Self> {
        Ok(Self {
            kind: MovementKind::parse(&r.kind)
                .ok_or_else(|| AppError::internal(format!("unknown movement {}", r.kind)))?,
            id: r.id,
            stock_item_id: r.stock_item_id,
            location_id: r.location_id,
            quantity: Quantity::from_milli(r.quantity_milli),
            counted: r.counted_milli.map(Quantity::from_milli),
            occurred_at: r.occurred_at,
            recorded_at: r.recorded_at,
            reason: r.reason,
            source_type: r.source_type,
            source_id: r.source_id,
            actor_id: r.actor_id,
        })
    }
}

const MOVEMENT_COLUMNS: &str = "id, stock_item_id, location_id, kind, quantity_milli, counted_milli, occurred_at, recorded_at, reason, source_type, source_id, actor_id";

/// A movement to append. `quantity` is a magnitude (the kind gives the
/// sign); for a count it is the counted quantity.
#[derive(Debug, Clone)]
pub(crate) struct NewMovement {
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    pub kind: MovementKind,
    pub quantity: Quantity,
    pub occurred_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub source: Option<(&'static str, Uuid)>,
}

/// A movement with the level it left.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockAdjustment {
    pub movement: Movement,
    pub level: StockLevel,
}

/// On-hand from the ledger alone: the last count up to `as_of` (all time
/// when `None`) plus the other movements after it.
pub(crate) async fn on_hand_as_of(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    item: Uuid,
    location: Uuid,
    as_of: Option<DateTime<Utc>>,
) -> AppResult<Quantity> {
    let row = tx
        .query_one_raw(sql(
            "WITH scope AS (
               SELECT id, kind, quantity_milli, counted_milli, occurred_at FROM stock_movements
               WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3
                 AND ($4::timestamptz IS NULL OR occurred_at <= $4)
             ), last_count AS (
               SELECT id, occurred_at, counted_milli FROM scope WHERE kind = 'count_correction'
               ORDER BY occurred_at DESC, id DESC LIMIT 1
             )
             SELECT (COALESCE((SELECT counted_milli FROM last_count), 0)
                   + COALESCE((SELECT sum(s.quantity_milli) FROM scope s
                               WHERE s.kind <> 'count_correction'
                                 AND (NOT EXISTS (SELECT 1 FROM last_count)
                                      OR (s.occurred_at, s.id) > (SELECT occurred_at, id FROM last_count))), 0)
                   )::bigint AS on_hand",
            [
                tenant.as_uuid().into(),
                item.into(),
                location.into(),
                as_of.into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::internal("on-hand query returned nothing"))?;
    Ok(Quantity::from_milli(row.try_get("", "on_hand")?))
}

/// Appends `m` and moves the level under a row lock, then tells subscribers
/// (`inventory.stock.adjusted`) and, when the level falls to its reorder
/// point, raises `inventory.stock.low`.
pub(crate) async fn append(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    actor: Option<Uuid>,
    m: NewMovement,
) -> AppResult<StockAdjustment> {
    #[derive(FromQueryResult)]
    struct Level {
        on_hand_milli: i64,
        last_count_at: Option<DateTime<Utc>>,
        last_count_id: Option<Uuid>,
    }
    let key = [
        tenant.as_uuid().into(),
        m.stock_item_id.into(),
        m.location_id.into(),
    ];
    tx.execute_raw(sql(
        "INSERT INTO stock_levels (tenant_id, stock_item_id, location_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        key.clone(),
    ))
    .await?;
    let level = Level::find_by_statement(sql(
        "SELECT on_hand_milli, last_count_at, last_count_id FROM stock_levels
         WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3 FOR UPDATE",
        key.clone(),
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::internal("stock level vanished"))?;

    let id = Uuid::now_v7();
    let is_count = m.kind == MovementKind::CountCorrection;
    let delta = if is_count {
        m.quantity.milli()
            - on_hand_as_of(
                tx,
                tenant,
                m.stock_item_id,
                m.location_id,
                Some(m.occurred_at),
            )
            .await?
            .milli()
    } else if m.kind.decreases() {
        -m.quantity.milli()
    } else {
        m.quantity.milli()
    };
    let after_last_count = match (level.last_count_at, level.last_count_id) {
        (Some(at), Some(count_id)) => (m.occurred_at, id) > (at, count_id),
        _ => true,
    };
    if !is_count && delta == 0 {
        return Err(AppError::invalid_field("quantity", "must not be zero"));
    }
    let recorded_at: DateTime<Utc> = tx
        .query_one_raw(sql(
        "INSERT INTO stock_movements (tenant_id, id, stock_item_id, location_id, kind, quantity_milli, counted_milli,
           occurred_at, reason, source_type, source_id, actor_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING recorded_at",
        [
            tenant.as_uuid().into(),
            id.into(),
            m.stock_item_id.into(),
            m.location_id.into(),
            m.kind.as_str().into(),
            delta.into(),
            is_count.then_some(m.quantity.milli()).into(),
            m.occurred_at.into(),
            m.reason.clone().into(),
            m.source.map(|s| s.0).into(),
            m.source.map(|s| s.1).into(),
            actor.into(),
        ],
    ))
    .await?
    .ok_or_else(|| AppError::internal("movement not inserted"))?
    .try_get("", "recorded_at")?;

    let before = level.on_hand_milli;
    if after_last_count {
        if is_count {
            // Movements the terminals saw after the count still apply.
            tx.execute_raw(sql(
                "UPDATE stock_levels SET on_hand_milli = $4 + COALESCE((
                     SELECT sum(quantity_milli) FROM stock_movements
                     WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3
                       AND kind <> 'count_correction' AND (occurred_at, id) > ($5, $6)), 0),
                   last_count_at = $5, last_count_id = $6, updated_at = now()
                 WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3",
                [
                    tenant.as_uuid().into(),
                    m.stock_item_id.into(),
                    m.location_id.into(),
                    m.quantity.milli().into(),
                    m.occurred_at.into(),
                    id.into(),
                ],
            ))
            .await?;
        } else {
            tx.execute_raw(sql(
                "UPDATE stock_levels SET on_hand_milli = on_hand_milli + $4, updated_at = now()
                 WHERE tenant_id = $1 AND stock_item_id = $2 AND location_id = $3",
                [
                    tenant.as_uuid().into(),
                    m.stock_item_id.into(),
                    m.location_id.into(),
                    delta.into(),
                ],
            ))
            .await?;
        }
    }
    let level = items::level_in(tx, tenant, m.stock_item_id, m.location_id).await?;
    let movement = Movement {
        id,
        stock_item_id: m.stock_item_id,
        location_id: m.location_id,
        kind: m.kind,
        quantity: Quantity::from_milli(delta),
        counted: is_count.then_some(m.quantity),
        occurred_at: m.occurred_at,
        recorded_at,
        reason: m.reason,
        source_type: m.source.map(|s| s.0.to_owned()),
        source_id: m.source.map(|s| s.1),
        actor_id: actor,
    };
    let data = json!({
        "movementId": id,
        "stockItemId": m.stock_item_id,
        "sku": level.sku,
        "name": level.name,
        "unit": level.unit,
        "locationId": m.location_id,
        "kind": movement.kind,
        "quantity": movement.quantity,
        "previousOnHand": Quantity::from_milli(before),
        "onHand": level.on_hand,
        "reorderPoint": level.reorder_point,
        "low": level.low,
        "occurredAt": m.occurred_at,
        "sourceType": movement.source_type,
        "sourceId": movement.source_id,
    });
    outbox::record(
        tx,
        Some(tenant),
        NewEvent::new("inventory.stock.adjusted", m.stock_item_id, data.clone()),
    )
    .await?;
    if let Some(point) = level.reorder_point
        && before > point.milli()
        && level.on_hand <= point
    {
        outbox::record(
            tx,
            Some(tenant),
            NewEvent::new("inventory.stock.low", m.stock_item_id, data),
        )
        .await?;
    }
    Ok(StockAdjustment { movement, level })
}

/// What a client asks of [`adjust`]; its JSON is the idempotency fingerprint.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adjustment {
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    pub kind: MovementKind,
    pub quantity: Quantity,
    pub occurred_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// Terminals' clocks drift; a little future is tolerated, more is a mistake.
const CLOCK_SKEW: Duration = Duration::minutes(5);

pub(crate) fn check_occurred_at(at: Option<DateTime<Utc>>) -> AppResult<DateTime<Utc>> {
    let now = Utc::now();
    let at = at.unwrap_or(now);
    if at > now + CLOCK_SKEW {
        return Err(AppError::invalid_field("occurredAt", "is in the future"));
    }
    if at < now - Duration::days(366) {
        return Err(AppError::invalid_field(
            "occurredAt",
            "is more than a year ago",
        ));
    }
    Ok(at)
}

pub(crate) fn check_reason(reason: Option<&str>) -> AppResult<Option<String>> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > 500 => Err(AppError::invalid_field(
            "reason",
            "must be at most 500 characters",
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

/// Stock received, wasted, sold or returned outside the POS. Counts and
/// transfers have their own operations.
pub async fn adjust(
    db: &Db,
    ctx: &RequestContext,
    input: Adjustment,
    idempotency_key: Option<&str>,
) -> AppResult<StockAdjustment> {
    let tenant = ctx.require(ADJUST)?;
    if !matches!(
        input.kind,
        MovementKind::Received
            | MovementKind::Waste
            | MovementKind::Sale
            | MovementKind::RefundReturn
    ) {
        return Err(AppError::invalid_field(
            "kind",
            "adjust with RECEIVED, WASTE, SALE or REFUND_RETURN; counts and transfers have their own operations",
        ));
    }
    input.quantity.positive("quantity")?;
    let occurred_at = check_occurred_at(input.occurred_at)?;
    let reason = check_reason(input.reason.as_deref())?;
    let key = Key::optional("inventory.adjust", idempotency_key, &input)?;
    let tx = db.tenant_tx(tenant).await?;
    let result = idempotency::once(&tx, tenant, key.as_ref(), async || {
        items::find(&tx, tenant, input.stock_item_id).await?;
        crate::locations::service::referenced(&tx, tenant, "locationId", input.location_id.into())
            .await?;
        let applied = append(
            &tx,
            tenant,
            ctx.user_id().map(|u| u.as_uuid()),
            NewMovement {
                stock_item_id: input.stock_item_id,
                location_id: input.location_id,
                kind: input.kind,
                quantity: input.quantity,
                occurred_at,
                reason: reason.clone(),
                source: None,
            },
        )
        .await?;
        record(
            &tx,
            ctx,
            AuditEntry {
                tenant_id: Some(tenant),
                action: "inventory.stock.adjusted",
                entity_type: "stock_item",
                entity_id: Some(input.stock_item_id.to_string()),
                before: None,
                after: Some(serde_json::to_value(&applied.movement)?),
            },
        )
        .await?;
        Ok(applied)
    })
    .await?;
    tx.commit().await?;
    Ok(result)
}

pub async fn movements(
    db: &Db,
    ctx: &RequestContext,
    item: Option<Uuid>,
    location: Option<Uuid>,
    page: PageRequest,
) -> AppResult<Page<Movement>> {
    let tenant = ctx.require(READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = MovementRow::find_by_statement(sql(
        &format!(
            "SELECT {MOVEMENT_COLUMNS} FROM stock_movements WHERE tenant_id = $1
               AND ($2::uuid IS NULL OR stock_item_id = $2) AND ($3::uuid IS NULL OR location_id = $3)
               AND ($4::uuid IS NULL OR id > $4)
             ORDER BY id LIMIT $5"
        ),
        [
            tenant.as_uuid().into(),
            item.into(),
            location.into(),
            page.after.into(),
            page.fetch_limit().into(),
        ],
    ))
    .all(&tx)
    .await?
    .into_iter()
    .map(Movement::try_from)
    .collect::<AppResult<Vec<_>>>()?;
    tx.commit().await?;
    Ok(page.finish(rows, |m| m.id))
}
