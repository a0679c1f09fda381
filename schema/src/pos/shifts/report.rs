//! The X report (an open shift's figures so far) and the Z report (the same,
//! frozen when the shift closed).

use super::store;
use super::{ReportKind, Shift, ShiftReport, ShiftStatus};
use crate::command::Unit;
use crate::pos::REPORT;
use kernel::{AppError, AppResult, Db, RequestContext, ShiftId};

/// The shift's figures as of now, against `counted` cash if closing.
pub(crate) async fn figures(
    unit: &Unit<'_>,
    shift: &Shift,
    counted: Option<i64>,
) -> AppResult<ShiftReport> {
    let f = store::figures(&**unit, unit.tenant, shift).await?;
    let expected =
        shift.opening_float_minor + f.cash + f.cash_tips - f.cash_refunds + f.cash_in - f.cash_out;
    let closed = shift.status == ShiftStatus::Closed;
    Ok(ShiftReport {
        kind: if closed { ReportKind::Z } else { ReportKind::X },
        shift_id: shift.id,
        location_id: shift.location_id,
        currency: shift.currency.clone(),
        opened_at: shift.opened_at,
        closed_at: shift.closed_at,
        tickets_settled: f.tickets,
        gross_sales_minor: f.gross,
        discounts_minor: f.discounts,
        tax_minor: f.tax,
        service_charge_minor: f.service,
        total_sales_minor: f.total,
        payments_count: f.payments,
        cash_payments_minor: f.cash,
        card_payments_minor: f.card,
        tips_minor: f.tips,
        cash_refunds_minor: f.cash_refunds,
        card_refunds_minor: f.card_refunds,
        opening_float_minor: shift.opening_float_minor,
        cash_in_minor: f.cash_in,
        cash_out_minor: f.cash_out,
        expected_cash_minor: expected,
        counted_cash_minor: counted,
        variance_minor: counted.map(|c| c - expected),
        generated_at: unit.now(),
    })
}

/// The X report of an open shift, or the Z report of a closed one.
pub async fn report(db: &Db, ctx: &RequestContext, shift_id: ShiftId) -> AppResult<ShiftReport> {
    let unit = Unit::begin(db, ctx, REPORT).await?;
    let shift = store::find(&*unit, unit.tenant, shift_id)
        .await?
        .ok_or_else(|| AppError::not_found("shift"))?;
    let report = match shift.status {
        ShiftStatus::Open => figures(&unit, &shift, None).await?,
        ShiftStatus::Closed => {
            let frozen = store::z_report(&*unit, unit.tenant, shift_id)
                .await?
                .ok_or_else(|| AppError::internal("closed shift without Z report"))?;
            serde_json::from_value(frozen)?
        }
    };
    unit.commit(report).await
}
