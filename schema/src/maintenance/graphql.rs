use super::{
    CancelMaintenance, MaintenanceWindow, MaintenanceWindowPatch, NewMaintenanceWindow, commands,
    read,
};
use crate::gql::{rc, svc};
use crate::superadmin::OperatorReason;
use async_graphql::{Context, InputObject, Object};
use kernel::MaintenanceWindowId;

#[derive(InputObject)]
pub struct UpdateMaintenanceWindowInput {
    pub maintenance_window_id: MaintenanceWindowId,
    #[graphql(flatten)]
    pub patch: MaintenanceWindowPatch,
}

#[derive(InputObject)]
pub struct CancelMaintenanceWindowInput {
    pub maintenance_window_id: MaintenanceWindowId,
    #[graphql(flatten)]
    pub cancel: CancelMaintenance,
}

#[derive(InputObject)]
pub struct CompleteMaintenanceWindowInput {
    pub maintenance_window_id: MaintenanceWindowId,
    #[graphql(flatten)]
    pub reason: OperatorReason,
}

#[derive(Default)]
pub struct MaintenanceQuery;

#[Object]
impl MaintenanceQuery {
    /// Maintenance windows scheduled or running, soonest first.
    async fn maintenance_windows(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MaintenanceWindow>> {
        Ok(read::upcoming(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: open windows, or with `includePast` every one.
    async fn operator_maintenance_windows(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_past: bool,
    ) -> async_graphql::Result<Vec<MaintenanceWindow>> {
        Ok(read::list(&svc(ctx)?.db, rc(ctx)?, include_past).await?)
    }
}

#[derive(Default)]
pub struct MaintenanceMutation;

#[Object]
impl MaintenanceMutation {
    /// Superadmins: plan downtime of the platform or of some modules.
    async fn schedule_maintenance_window(
        &self,
        ctx: &Context<'_>,
        input: NewMaintenanceWindow,
    ) -> async_graphql::Result<MaintenanceWindow> {
        Ok(commands::schedule(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Superadmins: change a window that has not finished.
    async fn update_maintenance_window(
        &self,
        ctx: &Context<'_>,
        input: UpdateMaintenanceWindowInput,
    ) -> async_graphql::Result<MaintenanceWindow> {
        Ok(commands::update(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.maintenance_window_id,
            input.patch,
        )
        .await?)
    }

    /// Superadmins: call a scheduled window off.
    async fn cancel_maintenance_window(
        &self,
        ctx: &Context<'_>,
        input: CancelMaintenanceWindowInput,
    ) -> async_graphql::Result<MaintenanceWindow> {
        Ok(commands::cancel(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.maintenance_window_id,
            input.cancel,
        )
        .await?)
    }

    /// Superadmins: end a running window early.
    async fn complete_maintenance_window(
        &self,
        ctx: &Context<'_>,
        input: CompleteMaintenanceWindowInput,
    ) -> async_graphql::Result<MaintenanceWindow> {
        Ok(commands::complete(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.maintenance_window_id,
            input.reason,
        )
        .await?)
    }
}
