//! `/v1/pos` shifts: open, cash in and out, close, X and Z reports.

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::v1::IdPath;
use crate::rest::{Caller, Created, Data, JsonBody, PathParams, QueryParams};
use crate::state::AppState;
use kernel::LocationId;
use schema::pos::shifts::{
    self, CashMovement, NewCashMovement, NewShift, Shift, ShiftClose, ShiftReport, ShiftStatus,
};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ShiftListParams {
    pub location_id: Option<LocationId>,
    pub status: Option<ShiftStatus>,
}

#[utoipa::path(get, path = "/v1/pos/shifts", tag = "pos", security(("bearer" = [])), params(ShiftListParams),
    responses((status = 200, description = "The 100 newest shifts", body = DataDoc<Vec<Shift>>),
              (status = 400, description = "Bad location or status", body = ErrorBody),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody)))]
pub async fn list_shifts(
    Caller { state, ctx }: Caller,
    QueryParams(params): QueryParams<ShiftListParams>,
) -> Result<Data<Vec<Shift>>, ApiError> {
    Ok(Data(
        shifts::list(&state.services.db, &ctx, params.location_id, params.status).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/shifts", tag = "pos", security(("bearer" = [])), request_body = NewShift,
    responses((status = 201, description = "The open shift", body = DataDoc<Shift>),
              (status = 400, description = "Bad float or currency, or no such location", body = ErrorBody),
              (status = 403, description = "Missing `pos.shift.manage`", body = ErrorBody),
              (status = 409, description = "A shift is already open at this location", body = ErrorBody)))]
pub async fn open_shift(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<NewShift>,
) -> Result<Created<Shift>, ApiError> {
    Ok(Created(shifts::open(&state.services.db, &ctx, body).await?))
}

#[utoipa::path(get, path = "/v1/pos/shifts/{id}", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 200, description = "The shift", body = DataDoc<Shift>),
              (status = 403, description = "Missing `pos.ticket.read`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody)))]
pub async fn get_shift(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<Shift>, ApiError> {
    Ok(Data(
        shifts::get(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/shifts/{id}/cash-movements", tag = "pos", security(("bearer" = [])), request_body = NewCashMovement,
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 201, description = "The movement", body = DataDoc<CashMovement>),
              (status = 400, description = "Bad kind or amount, or no reason", body = ErrorBody),
              (status = 403, description = "Missing `pos.shift.manage`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody),
              (status = 409, description = "The shift is closed", body = ErrorBody)))]
pub async fn move_shift_cash(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<NewCashMovement>,
) -> Result<Created<CashMovement>, ApiError> {
    Ok(Created(
        shifts::move_cash(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/pos/shifts/{id}/close", tag = "pos", security(("bearer" = [])), request_body = ShiftClose,
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 200, description = "The Z report, kept as it was closed", body = DataDoc<ShiftReport>),
              (status = 400, description = "Bad counted cash or note", body = ErrorBody),
              (status = 403, description = "Missing `pos.shift.manage`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody),
              (status = 409, description = "The shift is already closed", body = ErrorBody)))]
pub async fn close_shift(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
    JsonBody(body): JsonBody<ShiftClose>,
) -> Result<Data<ShiftReport>, ApiError> {
    Ok(Data(
        shifts::close(&state.services.db, &ctx, path.id.into(), body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/pos/shifts/{id}/report", tag = "pos", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Shift id")),
    responses((status = 200, description = "The X report of an open shift, or the Z report of a closed one", body = DataDoc<ShiftReport>),
              (status = 403, description = "Missing `pos.report.read`", body = ErrorBody),
              (status = 404, description = "No such shift", body = ErrorBody)))]
pub async fn get_shift_report(
    Caller { state, ctx }: Caller,
    PathParams(path): PathParams<IdPath>,
) -> Result<Data<ShiftReport>, ApiError> {
    Ok(Data(
        shifts::report(&state.services.db, &ctx, path.id.into()).await?,
    ))
}

pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/pos/shifts", get(list_shifts).post(open_shift))
        .route("/pos/shifts/{id}", get(get_shift))
        .route("/pos/shifts/{id}/cash-movements", post(move_shift_cash))
        .route("/pos/shifts/{id}/close", post(close_shift))
        .route("/pos/shifts/{id}/report", get(get_shift_report))
}
