//! Shifts: a cash drawer at a location, opened with a float, with cash put
//! in or taken out, closed against a count. The X report is a shift's
//! figures so far; the Z report is the same, frozen when it closes.

use super::{REPORT, SHIFT, check_amount, check_text};
use crate::audit::service::{Change, record_change};
use chrono::{DateTime, Utc};
use kernel::db::sql;
use kernel::{AppError, AppResult, Currency, Db, ErrorCode, RequestContext, TenantId};
use sea_orm::{ConnectionTrait, DatabaseTransaction, FromQueryResult};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShiftStatus {
    Open,
    Closed,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Shift {
    pub id: Uuid,
    pub location_id: Uuid,
    pub currency: String,
    pub status: ShiftStatus,
    pub opening_float_minor: i64,
    pub opened_by: Option<Uuid>,
    pub opened_at: DateTime<Utc>,
    pub counted_cash_minor: Option<i64>,
    pub expected_cash_minor: Option<i64>,
    /// Counted minus expected: negative means cash is missing.
    pub variance_minor: Option<i64>,
    pub close_note: Option<String>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(FromQueryResult)]
struct ShiftRow {
    id: Uuid,
    location_id: Uuid,
    currency: String,
    status: entities::pos_shifts::ShiftStatus,
    opening_float_minor: i64,
    opened_by: Option<Uuid>,
    opened_at: DateTime<Utc>,
    counted_cash_minor: Option<i64>,
    expected_cash_minor: Option<i64>,
    variance_minor: Option<i64>,
    close_note: Option<String>,
    closed_by: Option<Uuid>,
    closed_at: Option<DateTime<Utc>>,
}

impl From<ShiftRow> for Shift {
    fn from(r: ShiftRow) -> Self {
        Self {
            // The row reads through the entity's enum: an unknown value is an
            // error there, never a silent default here.
            status: match r.status {
                entities::pos_shifts::ShiftStatus::Open => ShiftStatus::Open,
                entities::pos_shifts::ShiftStatus::Closed => ShiftStatus::Closed,
            },
            id: r.id,
            location_id: r.location_id,
            currency: r.currency,
            opening_float_minor: r.opening_float_minor,
            opened_by: r.opened_by,
            opened_at: r.opened_at,
            counted_cash_minor: r.counted_cash_minor,
            expected_cash_minor: r.expected_cash_minor,
            variance_minor: r.variance_minor,
            close_note: r.close_note,
            closed_by: r.closed_by,
            closed_at: r.closed_at,
        }
    }
}

const SHIFT_COLUMNS: &str =
    "id, location_id, currency, status, opening_float_minor, opened_by, opened_at,
  counted_cash_minor, expected_cash_minor, variance_minor, close_note, closed_by, closed_at";

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
pub enum ReportKind {
    /// A look at an open shift.
    X,
    /// The closing report.
    Z,
}

/// A shift's figures. Sales are the tickets settled at the shift's location
/// while it was open; money is what went through its drawer and card reader.
#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShiftReport {
    pub kind: ReportKind,
    pub shift_id: Uuid,
    pub location_id: Uuid,
    pub currency: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub tickets_settled: i64,
    pub gross_sales_minor: i64,
    pub discounts_minor: i64,
    pub tax_minor: i64,
    pub service_charge_minor: i64,
    /// What settled tickets came to (gross − discounts + tax + service).
    pub total_sales_minor: i64,
    pub payments_count: i64,
    pub cash_payments_minor: i64,
    pub card_payments_minor: i64,
    pub tips_minor: i64,
    pub cash_refunds_minor: i64,
    pub card_refunds_minor: i64,
    pub opening_float_minor: i64,
    pub cash_in_minor: i64,
    pub cash_out_minor: i64,
    /// Float + cash taken (with tips) − cash refunded + cash in − cash out.
    pub expected_cash_minor: i64,
    pub counted_cash_minor: Option<i64>,
    pub variance_minor: Option<i64>,
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CashMovement {
    pub id: Uuid,
    pub shift_id: Uuid,
    pub kind: CashMovementKind,
    pub amount_minor: i64,
    pub reason: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CashMovementKind {
    /// Cash put in (more change).
    In,
    /// Cash taken out (a safe drop, a supplier paid).
    Out,
}

async fn find(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    id: Uuid,
    lock: bool,
) -> AppResult<Shift> {
    Ok(ShiftRow::find_by_statement(sql(
        &format!(
            "SELECT {SHIFT_COLUMNS} FROM pos_shifts WHERE tenant_id = $1 AND id = $2{}",
            if lock { " FOR UPDATE" } else { "" }
        ),
        [tenant.as_uuid().into(), id.into()],
    ))
    .one(tx)
    .await?
    .ok_or_else(|| AppError::not_found("shift"))?
    .into())
}

async fn audit(
    tx: &DatabaseTransaction,
    ctx: &RequestContext,
    tenant: TenantId,
    action: &'static str,
    shift: &Shift,
    detail: serde_json::Value,
) -> AppResult<()> {
    let mut event = serde_json::to_value(shift)?;
    if let (Some(fields), serde_json::Value::Object(extra)) = (event.as_object_mut(), &detail) {
        fields.extend(extra.clone());
    }
    record_change(
        tx,
        ctx,
        tenant,
        Change {
            action,
            entity: "pos_shift",
            id: shift.id,
            before: None,
            after: Some(event.clone()),
            event: Some(event),
            version: 1,
        },
    )
    .await
}

pub async fn open(
    db: &Db,
    ctx: &RequestContext,
    location: Uuid,
    float_minor: i64,
    currency: &str,
) -> AppResult<Shift> {
    let tenant = ctx.require(SHIFT)?;
    check_amount("openingFloatMinor", float_minor, true)?;
    let currency = Currency::parse("currency", currency)?;
    let tx = db.tenant_tx(tenant).await?;
    crate::locations::service::referenced(&tx, tenant, "locationId", location.into()).await?;
    let id = Uuid::now_v7();
    tx.execute_raw(sql(
        "INSERT INTO pos_shifts (tenant_id, id, location_id, currency, opening_float_minor, opened_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        [
            tenant.as_uuid().into(),
            id.into(),
            location.into(),
            currency.as_str().to_owned().into(),
            float_minor.into(),
            ctx.user_id().map(|u| u.as_uuid()).into(),
        ],
    ))
    .await
    .map_err(|e| {
        let err = AppError::from(e);
        if err.code() == ErrorCode::Conflict {
            AppError::conflict("a shift is already open at this location")
        } else {
            err
        }
    })?;
    let shift = find(&tx, tenant, id, false).await?;
    audit(&tx, ctx, tenant, "pos.shift.opened", &shift, json!({})).await?;
    tx.commit().await?;
    Ok(shift)
}

pub async fn move_cash(
    db: &Db,
    ctx: &RequestContext,
    shift_id: Uuid,
    kind: CashMovementKind,
    amount_minor: i64,
    reason: &str,
) -> AppResult<CashMovement> {
    let tenant = ctx.require(SHIFT)?;
    check_amount("amountMinor", amount_minor, false)?;
    let reason = check_text("reason", Some(reason), true)?.unwrap_or_default();
    let tx = db.tenant_tx(tenant).await?;
    let shift = find(&tx, tenant, shift_id, true).await?;
    if shift.status != ShiftStatus::Open {
        return Err(AppError::conflict("the shift is closed"));
    }
    let movement = CashMovement {
        id: Uuid::now_v7(),
        shift_id,
        kind,
        amount_minor,
        reason,
        created_by: ctx.user_id().map(|u| u.as_uuid()),
        created_at: Utc::now(),
    };
    tx.execute_raw(sql(
        "INSERT INTO pos_cash_movements (tenant_id, id, shift_id, kind, amount_minor, reason, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [
            tenant.as_uuid().into(),
            movement.id.into(),
            shift_id.into(),
            match kind {
                CashMovementKind::In => "in",
                CashMovementKind::Out => "out",
            }
            .into(),
            amount_minor.into(),
            movement.reason.clone().into(),
            movement.created_by.into(),
            movement.created_at.into(),
        ],
    ))
    .await?;
    audit(
        &tx,
        ctx,
        tenant,
        "pos.shift.cash_moved",
        &shift,
        json!({ "cashMovement": movement }),
    )
    .await?;
    tx.commit().await?;
    Ok(movement)
}

async fn figures(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    shift: &Shift,
    counted: Option<i64>,
) -> AppResult<ShiftReport> {
    let row = tx
        .query_one_raw(sql(
            "WITH sales AS (
               SELECT count(*) AS tickets, COALESCE(sum(subtotal_minor), 0)::bigint AS gross,
                      COALESCE(sum(discount_minor), 0)::bigint AS discounts, COALESCE(sum(tax_minor), 0)::bigint AS tax,
                      COALESCE(sum(service_charge_minor), 0)::bigint AS service, COALESCE(sum(total_minor), 0)::bigint AS total
               FROM pos_tickets t WHERE t.tenant_id = $1 AND t.location_id = $3 AND t.status = 'settled'
                 AND t.settled_at >= $4 AND ($5::timestamptz IS NULL OR t.settled_at <= $5)
             )
             SELECT sales.tickets, sales.gross, sales.discounts, sales.tax, sales.service, sales.total,
               (SELECT count(*) FROM pos_payments WHERE tenant_id = $1 AND shift_id = $2) AS payments,
               (SELECT COALESCE(sum(amount_minor), 0)::bigint FROM pos_payments WHERE tenant_id = $1 AND shift_id = $2 AND method = 'cash') AS cash,
               (SELECT COALESCE(sum(tip_minor), 0)::bigint FROM pos_payments WHERE tenant_id = $1 AND shift_id = $2 AND method = 'cash') AS cash_tips,
               (SELECT COALESCE(sum(amount_minor), 0)::bigint FROM pos_payments WHERE tenant_id = $1 AND shift_id = $2 AND method = 'card') AS card,
               (SELECT COALESCE(sum(tip_minor), 0)::bigint FROM pos_payments WHERE tenant_id = $1 AND shift_id = $2) AS tips,
               (SELECT COALESCE(sum(r.amount_minor), 0)::bigint FROM pos_refunds r JOIN pos_payments p
                  ON p.tenant_id = r.tenant_id AND p.id = r.payment_id
                  WHERE r.tenant_id = $1 AND r.shift_id = $2 AND p.method = 'cash') AS cash_refunds,
               (SELECT COALESCE(sum(r.amount_minor), 0)::bigint FROM pos_refunds r JOIN pos_payments p
                  ON p.tenant_id = r.tenant_id AND p.id = r.payment_id
                  WHERE r.tenant_id = $1 AND r.shift_id = $2 AND p.method = 'card') AS card_refunds,
               (SELECT COALESCE(sum(amount_minor), 0)::bigint FROM pos_cash_movements WHERE tenant_id = $1 AND shift_id = $2 AND kind = 'in') AS cash_in,
               (SELECT COALESCE(sum(amount_minor), 0)::bigint FROM pos_cash_movements WHERE tenant_id = $1 AND shift_id = $2 AND kind = 'out') AS cash_out
             FROM sales",
            [
                tenant.as_uuid().into(),
                shift.id.into(),
                shift.location_id.into(),
                shift.opened_at.into(),
                shift.closed_at.into(),
            ],
        ))
        .await?
        .ok_or_else(|| AppError::internal("report query returned nothing"))?;
    let get = |name: &str| row.try_get::<i64>("", name);
    let cash = get("cash")?;
    let cash_tips = get("cash_tips")?;
    let cash_refunds = get("cash_refunds")?;
    let cash_in = get("cash_in")?;
    let cash_out = get("cash_out")?;
    let expected = shift.opening_float_minor + cash + cash_tips - cash_refunds + cash_in - cash_out;
    let closed = shift.status == ShiftStatus::Closed;
    Ok(ShiftReport {
        kind: if closed { ReportKind::Z } else { ReportKind::X },
        shift_id: shift.id,
        location_id: shift.location_id,
        currency: shift.currency.clone(),
        opened_at: shift.opened_at,
        closed_at: shift.closed_at,
        tickets_settled: get("tickets")?,
        gross_sales_minor: get("gross")?,
        discounts_minor: get("discounts")?,
        tax_minor: get("tax")?,
        service_charge_minor: get("service")?,
        total_sales_minor: get("total")?,
        payments_count: get("payments")?,
        cash_payments_minor: cash,
        card_payments_minor: get("card")?,
        tips_minor: get("tips")?,
        cash_refunds_minor: cash_refunds,
        card_refunds_minor: get("card_refunds")?,
        opening_float_minor: shift.opening_float_minor,
        cash_in_minor: cash_in,
        cash_out_minor: cash_out,
        expected_cash_minor: expected,
        counted_cash_minor: counted,
        variance_minor: counted.map(|c| c - expected),
        generated_at: Utc::now(),
    })
}

/// Closes the shift against the cash counted in the drawer; the Z report is kept.
pub async fn close(
    db: &Db,
    ctx: &RequestContext,
    shift_id: Uuid,
    counted_minor: i64,
    note: Option<&str>,
) -> AppResult<ShiftReport> {
    let tenant = ctx.require(SHIFT)?;
    check_amount("countedCashMinor", counted_minor, true)?;
    let note = check_text("note", note, false)?;
    let tx = db.tenant_tx(tenant).await?;
    let mut shift = find(&tx, tenant, shift_id, true).await?;
    if shift.status != ShiftStatus::Open {
        return Err(AppError::conflict("the shift is already closed"));
    }
    let now = Utc::now();
    shift.status = ShiftStatus::Closed;
    shift.closed_at = Some(now);
    let report = figures(&tx, tenant, &shift, Some(counted_minor)).await?;
    tx.execute_raw(sql(
        "UPDATE pos_shifts SET status = 'closed', closed_at = $3, closed_by = $4, counted_cash_minor = $5,
           expected_cash_minor = $6, variance_minor = $7, close_note = $8, z_report = $9
         WHERE tenant_id = $1 AND id = $2",
        [
            tenant.as_uuid().into(),
            shift_id.into(),
            now.into(),
            ctx.user_id().map(|u| u.as_uuid()).into(),
            counted_minor.into(),
            report.expected_cash_minor.into(),
            report.variance_minor.into(),
            note.into(),
            serde_json::to_value(&report)?.into(),
        ],
    ))
    .await?;
    let closed = find(&tx, tenant, shift_id, false).await?;
    audit(
        &tx,
        ctx,
        tenant,
        "pos.shift.closed",
        &closed,
        json!({ "report": report }),
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The X report of an open shift, or the Z report of a closed one.
pub async fn report(db: &Db, ctx: &RequestContext, shift_id: Uuid) -> AppResult<ShiftReport> {
    let tenant = ctx.require(REPORT)?;
    let tx = db.tenant_tx(tenant).await?;
    let shift = find(&tx, tenant, shift_id, false).await?;
    let report = match shift.status {
        ShiftStatus::Open => figures(&tx, tenant, &shift, None).await?,
        ShiftStatus::Closed => {
            let frozen: Option<serde_json::Value> = tx
                .query_one_raw(sql(
                    "SELECT z_report FROM pos_shifts WHERE tenant_id = $1 AND id = $2",
                    [tenant.as_uuid().into(), shift_id.into()],
                ))
                .await?
                .map(|r| r.try_get("", "z_report"))
                .transpose()?
                .flatten();
            let frozen =
                frozen.ok_or_else(|| AppError::internal("closed shift without Z report"))?;
            serde_json::from_value(frozen)?
        }
    };
    tx.commit().await?;
    Ok(report)
}

pub async fn get(db: &Db, ctx: &RequestContext, shift_id: Uuid) -> AppResult<Shift> {
    let tenant = ctx.require(super::READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let shift = find(&tx, tenant, shift_id, false).await?;
    tx.commit().await?;
    Ok(shift)
}

/// Shifts, newest first (at most 100), optionally of one location or status.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    location: Option<Uuid>,
    status: Option<ShiftStatus>,
) -> AppResult<Vec<Shift>> {
    let tenant = ctx.require(super::READ)?;
    let tx = db.tenant_tx(tenant).await?;
    let rows = ShiftRow::find_by_statement(sql(
        &format!(
            "SELECT {SHIFT_COLUMNS} FROM pos_shifts WHERE tenant_id = $1 AND ($2::uuid IS NULL OR location_id = $2)
               AND ($3::text IS NULL OR status = $3) ORDER BY id DESC LIMIT 100"
        ),
        [
            tenant.as_uuid().into(),
            location.into(),
            status
                .map(|s| match s {
                    ShiftStatus::Open => "open",
                    ShiftStatus::Closed => "closed",
                })
                .into(),
        ],
    ))
    .all(&tx)
    .await?
    .into_iter()
    .map(Shift::from)
    .collect();
    tx.commit().await?;
    Ok(rows)
}
