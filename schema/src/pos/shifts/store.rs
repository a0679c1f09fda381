//! Every statement on `pos_shifts` and `pos_cash_movements`, and the
//! aggregate that adds a shift's figures up.

use super::{CashMovement, Shift, ShiftStatus};
use chrono::{DateTime, Utc};
use entities::{pos_cash_movements as movements, pos_shifts as shifts};
use kernel::db::sql;
use kernel::{AppError, AppResult, LocationId, ShiftId, TenantId, UserId};
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};

fn by_id(tenant: TenantId, id: ShiftId) -> sea_orm::Select<shifts::Entity> {
    shifts::Entity::find_by_id((tenant.as_uuid(), id.as_uuid()))
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ShiftId,
) -> AppResult<Option<Shift>> {
    Ok(by_id(tenant, id).one(conn).await?.map(Shift::from))
}

/// The shift, locked until the transaction ends (`FOR UPDATE`).
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ShiftId,
) -> AppResult<Option<Shift>> {
    Ok(by_id(tenant, id)
        .lock_exclusive()
        .one(conn)
        .await?
        .map(Shift::from))
}

/// The Z report frozen when the shift closed.
pub(crate) async fn z_report(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ShiftId,
) -> AppResult<Option<serde_json::Value>> {
    Ok(by_id(tenant, id).one(conn).await?.and_then(|s| s.z_report))
}

/// The 100 newest shifts, optionally of one location or status.
pub(crate) async fn list(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    location: Option<LocationId>,
    status: Option<ShiftStatus>,
) -> AppResult<Vec<Shift>> {
    Ok(shifts::Entity::find()
        .filter(shifts::Column::TenantId.eq(tenant))
        .apply_if(location, |q, l| q.filter(shifts::Column::LocationId.eq(l)))
        .apply_if(status, |q, s| {
            q.filter(shifts::Column::Status.eq(shifts::ShiftStatus::from(s)))
        })
        .order_by_desc(shifts::Column::Id)
        .limit(100)
        .all(conn)
        .await?
        .into_iter()
        .map(Shift::from)
        .collect())
}

/// The open shift at a location, if any.
pub(crate) async fn open_at(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    location: LocationId,
) -> AppResult<Option<ShiftId>> {
    Ok(shifts::Entity::find()
        .filter(shifts::Column::TenantId.eq(tenant))
        .filter(shifts::Column::LocationId.eq(location))
        .filter(shifts::Column::Status.eq(shifts::ShiftStatus::Open))
        .one(conn)
        .await?
        .map(|s| s.id.into()))
}

pub(crate) struct Opening {
    pub tenant: TenantId,
    pub location: LocationId,
    pub currency: String,
    pub float_minor: i64,
    pub opened_by: Option<UserId>,
    pub at: DateTime<Utc>,
}

/// Opens a shift; a second open shift at the location is a unique violation.
pub(crate) async fn insert(conn: &impl ConnectionTrait, row: Opening) -> AppResult<Shift> {
    Ok(shifts::Entity::insert(shifts::ActiveModel {
        tenant_id: Set(row.tenant.as_uuid()),
        id: Set(ShiftId::new().as_uuid()),
        location_id: Set(row.location.as_uuid()),
        currency: Set(row.currency),
        status: Set(shifts::ShiftStatus::Open),
        opening_float_minor: Set(row.float_minor),
        opened_by: Set(row.opened_by.map(|u| u.as_uuid())),
        opened_at: Set(row.at),
        counted_cash_minor: NotSet,
        expected_cash_minor: NotSet,
        variance_minor: NotSet,
        close_note: NotSet,
        closed_by: NotSet,
        closed_at: NotSet,
        z_report: NotSet,
    })
    .exec_with_returning(conn)
    .await?
    .into())
}

pub(crate) async fn insert_movement(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    movement: &CashMovement,
) -> AppResult<()> {
    movements::Entity::insert(movements::ActiveModel {
        tenant_id: Set(tenant.as_uuid()),
        id: Set(movement.id.as_uuid()),
        shift_id: Set(movement.shift_id.as_uuid()),
        kind: Set(movement.kind.into()),
        amount_minor: Set(movement.amount_minor),
        reason: Set(movement.reason.clone()),
        created_by: Set(movement.created_by.map(|u| u.as_uuid())),
        created_at: Set(movement.created_at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

pub(crate) struct Closing {
    pub counted_minor: i64,
    pub expected_minor: i64,
    pub variance_minor: Option<i64>,
    pub note: Option<String>,
    pub closed_by: Option<UserId>,
    pub at: DateTime<Utc>,
    pub z_report: serde_json::Value,
}

/// Closes the shift with its count and frozen Z report; returns the row.
pub(crate) async fn close(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    id: ShiftId,
    row: Closing,
) -> AppResult<Shift> {
    Ok(shifts::ActiveModel {
        tenant_id: Unchanged(tenant.as_uuid()),
        id: Unchanged(id.as_uuid()),
        status: Set(shifts::ShiftStatus::Closed),
        closed_at: Set(Some(row.at)),
        closed_by: Set(row.closed_by.map(|u| u.as_uuid())),
        counted_cash_minor: Set(Some(row.counted_minor)),
        expected_cash_minor: Set(Some(row.expected_minor)),
        variance_minor: Set(row.variance_minor),
        close_note: Set(row.note),
        z_report: Set(Some(row.z_report)),
        ..Default::default()
    }
    .update(conn)
    .await?
    .into())
}

/// A shift's sums, as one aggregate over its tickets, payments, refunds
/// and cash movements.
#[derive(FromQueryResult)]
pub(crate) struct Figures {
    pub tickets: i64,
    pub gross: i64,
    pub discounts: i64,
    pub tax: i64,
    pub service: i64,
    pub total: i64,
    pub payments: i64,
    pub cash: i64,
    pub cash_tips: i64,
    pub card: i64,
    pub tips: i64,
    pub cash_refunds: i64,
    pub card_refunds: i64,
    pub cash_in: i64,
    pub cash_out: i64,
}

pub(crate) async fn figures(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    shift: &Shift,
) -> AppResult<Figures> {
    Figures::find_by_statement(sql(
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
            shift.id.as_uuid().into(),
            shift.location_id.as_uuid().into(),
            shift.opened_at.into(),
            shift.closed_at.into(),
        ],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::internal("report query returned nothing"))
}
