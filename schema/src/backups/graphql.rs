use super::{OffboardInput, Offboarding, RestoreInput, RestoreReport, offboarding, restore};
use crate::gql::{rc, svc};
use crate::reporting::exports::{self, Export};
use async_graphql::{Context, InputObject, Object};
use kernel::{ExportId, TenantId};

#[derive(InputObject)]
pub struct RestoreBackupInput {
    /// The business the backup was taken of.
    pub tenant_id: TenantId,
    /// The backup: a finished `TENANT_BACKUP` export of that business.
    pub export_id: ExportId,
    #[graphql(flatten)]
    pub restore: RestoreInput,
}

#[derive(InputObject)]
pub struct OffboardTenantInput {
    pub tenant_id: TenantId,
    #[graphql(flatten)]
    pub offboard: OffboardInput,
}

#[derive(Default)]
pub struct BackupsQuery;

#[Object]
impl BackupsQuery {
    /// Superadmins: a business's backups, newest first.
    async fn tenant_backups(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
    ) -> async_graphql::Result<Vec<Export>> {
        Ok(exports::backups(svc(ctx)?, rc(ctx)?, tenant_id).await?)
    }
}

#[derive(Default)]
pub struct BackupsMutation;

#[Object]
impl BackupsMutation {
    /// Superadmins: restore a backup into the same business (its slug typed
    /// back) or as a new business, in one transaction whose counts and
    /// hashes equal the backup's, or not at all.
    async fn restore_backup(
        &self,
        ctx: &Context<'_>,
        input: RestoreBackupInput,
    ) -> async_graphql::Result<RestoreReport> {
        Ok(restore::restore(
            svc(ctx)?,
            rc(ctx)?,
            (input.tenant_id, input.export_id),
            input.restore,
        )
        .await?)
    }

    /// Superadmins: suspend a business, take its final backup and delete its
    /// data after `TENANT_RETENTION_DAYS` (reactivating it cancels that).
    async fn offboard_tenant(
        &self,
        ctx: &Context<'_>,
        input: OffboardTenantInput,
    ) -> async_graphql::Result<Offboarding> {
        Ok(offboarding::offboard(svc(ctx)?, rc(ctx)?, input.tenant_id, input.offboard).await?)
    }
}
