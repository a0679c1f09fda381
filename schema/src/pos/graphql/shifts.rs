//! Shifts over GraphQL: read them and their reports, open, move cash, close.

use crate::gql::{rc, svc};
use crate::pos::shifts::{
    self, CashMovement, NewCashMovement, NewShift, Shift, ShiftClose, ShiftReport, ShiftStatus,
};
use async_graphql::{Context, InputObject, Object};
use kernel::{LocationId, ShiftId};

#[derive(InputObject)]
pub struct MoveCashInput {
    pub shift_id: ShiftId,
    #[graphql(flatten)]
    pub movement: NewCashMovement,
}

#[derive(InputObject)]
pub struct CloseShiftInput {
    pub shift_id: ShiftId,
    #[graphql(flatten)]
    pub close: ShiftClose,
}

#[derive(Default)]
pub struct ShiftsQuery;

#[Object]
impl ShiftsQuery {
    async fn shift(&self, ctx: &Context<'_>, id: ShiftId) -> async_graphql::Result<Shift> {
        Ok(shifts::get(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// The 100 newest shifts.
    async fn shifts(
        &self,
        ctx: &Context<'_>,
        location_id: Option<LocationId>,
        status: Option<ShiftStatus>,
    ) -> async_graphql::Result<Vec<Shift>> {
        Ok(shifts::list(&svc(ctx)?.db, rc(ctx)?, location_id, status).await?)
    }

    /// The X report of an open shift or the Z report of a closed one.
    async fn shift_report(
        &self,
        ctx: &Context<'_>,
        shift_id: ShiftId,
    ) -> async_graphql::Result<ShiftReport> {
        Ok(shifts::report(&svc(ctx)?.db, rc(ctx)?, shift_id).await?)
    }
}

#[derive(Default)]
pub struct ShiftsMutation;

#[Object]
impl ShiftsMutation {
    async fn open_shift(&self, ctx: &Context<'_>, input: NewShift) -> async_graphql::Result<Shift> {
        Ok(shifts::open(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Cash put into or taken out of the drawer.
    async fn move_cash(
        &self,
        ctx: &Context<'_>,
        input: MoveCashInput,
    ) -> async_graphql::Result<CashMovement> {
        Ok(shifts::move_cash(&svc(ctx)?.db, rc(ctx)?, input.shift_id, input.movement).await?)
    }

    /// Closes the shift against the counted cash; returns the Z report.
    async fn close_shift(
        &self,
        ctx: &Context<'_>,
        input: CloseShiftInput,
    ) -> async_graphql::Result<ShiftReport> {
        Ok(shifts::close(&svc(ctx)?.db, rc(ctx)?, input.shift_id, input.close).await?)
    }
}
