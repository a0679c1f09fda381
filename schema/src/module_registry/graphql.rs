use super::service::{self, EntryPatch, RegistryEntry, TenantModule};
use crate::gql::{rc, svc};
use crate::text::Key;
use async_graphql::{Context, InputObject, Object, SimpleObject};
use kernel::TenantId;

#[derive(InputObject)]
pub struct UpdateModuleRegistryEntryInput {
    pub key: Key,
    #[graphql(flatten)]
    pub patch: EntryPatch,
}

#[derive(InputObject)]
pub struct SetTenantModuleInput {
    pub tenant_id: TenantId,
    /// A module (`pos`) or feature (`pos.tips`) key.
    pub module_key: Key,
    /// On or off for this business, over its plan; `null` drops the
    /// override so the plan (or the registry default) decides again.
    pub enabled: Option<bool>,
    /// Why the operator switches it (kept on the audit row).
    pub reason: crate::text::Reason,
}

#[derive(SimpleObject)]
pub struct ModuleRegistryEntryPayload {
    pub entry: RegistryEntry,
}

#[derive(SimpleObject)]
pub struct TenantModulePayload {
    pub module: TenantModule,
}

#[derive(Default)]
pub struct ModuleRegistryQuery;

#[Object]
impl ModuleRegistryQuery {
    /// The modules and features of the caller's business, and which are on.
    async fn modules(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TenantModule>> {
        Ok(service::tenant_modules(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: the whole catalogue.
    async fn module_registry(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RegistryEntry>> {
        Ok(service::registry(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: one business's modules.
    async fn tenant_modules(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
    ) -> async_graphql::Result<Vec<TenantModule>> {
        Ok(service::modules_of_tenant(&svc(ctx)?.db, rc(ctx)?, tenant_id).await?)
    }
}

#[derive(Default)]
pub struct ModuleRegistryMutation;

#[Object]
impl ModuleRegistryMutation {
    /// Superadmins: edit an entry's name, description or default.
    async fn update_module_registry_entry(
        &self,
        ctx: &Context<'_>,
        input: UpdateModuleRegistryEntryInput,
    ) -> async_graphql::Result<ModuleRegistryEntryPayload> {
        let entry = service::update_entry(&svc(ctx)?.db, rc(ctx)?, &input.key, input.patch).await?;
        Ok(ModuleRegistryEntryPayload { entry })
    }

    /// Superadmins: switch a module or feature on or off for a business,
    /// over its plan (or give the decision back to the plan with `null`).
    async fn set_tenant_module(
        &self,
        ctx: &Context<'_>,
        input: SetTenantModuleInput,
    ) -> async_graphql::Result<TenantModulePayload> {
        let module = service::set_tenant_module(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.tenant_id,
            &input.module_key,
            input.enabled,
            input.reason.as_str(),
        )
        .await?;
        Ok(TenantModulePayload { module })
    }
}
