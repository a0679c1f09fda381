//! The drawer's day: open a shift with a float, put cash in or take it out,
//! close it against the cash counted (the Z report is frozen then).

use super::report::figures;
use super::store::{self, Closing, Opening};
use super::{CashMovement, NewCashMovement, NewShift, Shift, ShiftClose, ShiftReport, ShiftStatus};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::pos::{SHIFT, check_amount, check_text};
use kernel::{
    AppError, AppResult, CashMovementId, Currency, Db, ErrorCode, RequestContext, ShiftId,
};
use serde_json::{Value, json};

/// `action` on `shift`: the shift with `detail` merged in is both the
/// audit's `after` and the event.
fn shift_event(action: &'static str, shift: &Shift, detail: Value) -> AppResult<Change> {
    let mut event = serde_json::to_value(shift)?;
    if let (Some(fields), Value::Object(extra)) = (event.as_object_mut(), &detail) {
        fields.extend(extra.clone());
    }
    Ok(Change::new(action, "pos_shift", shift.id)
        .with_after(event.clone())
        .with_event(event))
}

pub async fn open(db: &Db, ctx: &RequestContext, input: NewShift) -> AppResult<Shift> {
    let unit = Unit::begin(db, ctx, SHIFT).await?;
    check_amount("openingFloatMinor", input.opening_float_minor, true)?;
    let currency = Currency::parse("currency", &input.currency)?;
    crate::locations::service::referenced(&*unit, unit.tenant, "locationId", input.location_id)
        .await?;
    crate::billing::entitlements::check(
        &*unit,
        unit.tenant,
        crate::billing::entitlements::Limit::OpenShifts,
        unit.now(),
    )
    .await?;
    let opening = Opening {
        tenant: unit.tenant,
        location: input.location_id,
        currency: currency.as_str().to_owned(),
        float_minor: input.opening_float_minor,
        opened_by: ctx.user_id(),
        at: unit.now(),
    };
    let shift = store::insert(&*unit, opening).await.map_err(|err| {
        if err.code() == ErrorCode::Conflict {
            AppError::conflict("a shift is already open at this location")
        } else {
            err
        }
    })?;
    unit.commit_with(shift_event("pos.shift.opened", &shift, json!({}))?, shift)
        .await
}

/// The shift, locked, if it is still open.
async fn open_shift(unit: &Unit<'_>, id: ShiftId, closed: &str) -> AppResult<Shift> {
    let shift = store::find_for_update(&**unit, unit.tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("shift"))?;
    if shift.status != ShiftStatus::Open {
        return Err(AppError::conflict(closed.to_owned()));
    }
    Ok(shift)
}

pub async fn move_cash(
    db: &Db,
    ctx: &RequestContext,
    shift_id: ShiftId,
    input: NewCashMovement,
) -> AppResult<CashMovement> {
    let unit = Unit::begin(db, ctx, SHIFT).await?;
    check_amount("amountMinor", input.amount_minor, false)?;
    let reason = check_text("reason", Some(input.reason.as_str()), true)?.unwrap_or_default();
    let shift = open_shift(&unit, shift_id, "the shift is closed").await?;
    let movement = CashMovement {
        id: CashMovementId::new(),
        shift_id,
        kind: input.kind,
        amount_minor: input.amount_minor,
        reason,
        created_by: ctx.user_id(),
        created_at: unit.now(),
    };
    store::insert_movement(&*unit, unit.tenant, &movement).await?;
    unit.commit_with(
        shift_event(
            "pos.shift.cash_moved",
            &shift,
            json!({ "cashMovement": movement }),
        )?,
        movement,
    )
    .await
}

/// Closes the shift against the cash counted in the drawer; the Z report is kept.
pub async fn close(
    db: &Db,
    ctx: &RequestContext,
    shift_id: ShiftId,
    input: ShiftClose,
) -> AppResult<ShiftReport> {
    let unit = Unit::begin(db, ctx, SHIFT).await?;
    check_amount("countedCashMinor", input.counted_cash_minor, true)?;
    let note = check_text("note", input.note.as_deref(), false)?;
    let mut shift = open_shift(&unit, shift_id, "the shift is already closed").await?;
    let now = unit.now();
    shift.status = ShiftStatus::Closed;
    shift.closed_at = Some(now);
    let report = figures(&unit, &shift, Some(input.counted_cash_minor)).await?;
    let closing = Closing {
        counted_minor: input.counted_cash_minor,
        expected_minor: report.expected_cash_minor,
        variance_minor: report.variance_minor,
        note,
        closed_by: ctx.user_id(),
        at: now,
        z_report: serde_json::to_value(&report)?,
    };
    let closed = store::close(&*unit, unit.tenant, shift_id, closing).await?;
    unit.commit_with(
        shift_event("pos.shift.closed", &closed, json!({ "report": report }))?,
        report,
    )
    .await
}
