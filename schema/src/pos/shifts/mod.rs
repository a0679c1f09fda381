//! Shifts: a cash drawer at a location, opened with a float, with cash put
//! in or taken out, closed against a count. The types and inputs live here;
//! opening, moving cash and closing in `drawer.rs`; the X and Z reports in
//! `report.rs`; every statement in `store.rs`.

mod drawer;
mod report;
pub(crate) mod store;

pub use drawer::{close, move_cash, open};
pub use report::report;

use super::READ;
use crate::command::Unit;
use crate::text::{CurrencyCode, Note, Reason};
use chrono::{DateTime, Utc};
use entities::{pos_cash_movements as movement_rows, pos_shifts as shift_rows};
use kernel::{
    AppError, AppResult, CashMovementId, Db, LocationId, RequestContext, ShiftId, UserId,
};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShiftStatus {
    Open,
    Closed,
}

impl From<shift_rows::ShiftStatus> for ShiftStatus {
    fn from(s: shift_rows::ShiftStatus) -> Self {
        match s {
            shift_rows::ShiftStatus::Open => Self::Open,
            shift_rows::ShiftStatus::Closed => Self::Closed,
        }
    }
}

impl From<ShiftStatus> for shift_rows::ShiftStatus {
    fn from(s: ShiftStatus) -> Self {
        match s {
            ShiftStatus::Open => Self::Open,
            ShiftStatus::Closed => Self::Closed,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Shift {
    pub id: ShiftId,
    pub location_id: LocationId,
    pub currency: String,
    pub status: ShiftStatus,
    pub opening_float_minor: i64,
    pub opened_by: Option<UserId>,
    pub opened_at: DateTime<Utc>,
    pub counted_cash_minor: Option<i64>,
    pub expected_cash_minor: Option<i64>,
    /// Counted minus expected: negative means cash is missing.
    pub variance_minor: Option<i64>,
    pub close_note: Option<String>,
    pub closed_by: Option<UserId>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl From<shift_rows::Model> for Shift {
    fn from(r: shift_rows::Model) -> Self {
        Self {
            status: r.status.into(),
            id: r.id.into(),
            location_id: r.location_id.into(),
            currency: r.currency,
            opening_float_minor: r.opening_float_minor,
            opened_by: r.opened_by.map(Into::into),
            opened_at: r.opened_at,
            counted_cash_minor: r.counted_cash_minor,
            expected_cash_minor: r.expected_cash_minor,
            variance_minor: r.variance_minor,
            close_note: r.close_note,
            closed_by: r.closed_by.map(Into::into),
            closed_at: r.closed_at,
        }
    }
}

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
    pub shift_id: ShiftId,
    pub location_id: LocationId,
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
    pub id: CashMovementId,
    pub shift_id: ShiftId,
    pub kind: CashMovementKind,
    pub amount_minor: i64,
    pub reason: String,
    pub created_by: Option<UserId>,
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

impl From<CashMovementKind> for movement_rows::CashMovementKind {
    fn from(k: CashMovementKind) -> Self {
        match k {
            CashMovementKind::In => Self::In,
            CashMovementKind::Out => Self::Out,
        }
    }
}

/// A drawer to open.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "OpenShiftInput")]
#[schema(as = OpenShiftBody)]
#[serde(rename_all = "camelCase")]
pub struct NewShift {
    pub location_id: LocationId,
    /// Cash in the drawer at the start.
    pub opening_float_minor: i64,
    /// ISO 4217.
    pub currency: CurrencyCode,
}

/// Cash put into or taken out of the drawer.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CashMovementInput")]
#[schema(as = CashMovementBody)]
#[serde(rename_all = "camelCase")]
pub struct NewCashMovement {
    pub kind: CashMovementKind,
    /// More than zero.
    pub amount_minor: i64,
    /// Why, up to 500 characters.
    pub reason: Reason,
}

/// The count a shift closes against.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ShiftCloseInput")]
#[schema(as = CloseShiftBody)]
#[serde(rename_all = "camelCase")]
pub struct ShiftClose {
    /// The cash counted in the drawer.
    pub counted_cash_minor: i64,
    /// Up to 500 characters.
    pub note: Option<Note>,
}

pub async fn get(db: &Db, ctx: &RequestContext, id: ShiftId) -> AppResult<Shift> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let shift = store::find(&*unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("shift"))?;
    unit.commit(shift).await
}

/// Shifts, newest first (at most 100), optionally of one location or status.
pub async fn list(
    db: &Db,
    ctx: &RequestContext,
    location: Option<LocationId>,
    status: Option<ShiftStatus>,
) -> AppResult<Vec<Shift>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let rows = store::list(&*unit, unit.tenant, location, status).await?;
    unit.commit(rows).await
}
