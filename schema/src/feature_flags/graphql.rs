use super::{
    FeatureFlag, FeatureFlagPatch, FlagEvaluation, FlagOverride, NewFeatureFlag, commands, read,
};
use crate::gql::{rc, svc};
use crate::superadmin::OperatorReason;
use crate::text::{FlagValue, Key};
use async_graphql::{Context, InputObject, Object};
use kernel::TenantId;

#[derive(InputObject)]
pub struct UpdateFeatureFlagInput {
    pub key: Key,
    #[graphql(flatten)]
    pub patch: FeatureFlagPatch,
}

#[derive(InputObject)]
pub struct DeleteFeatureFlagInput {
    pub key: Key,
    #[graphql(flatten)]
    pub reason: OperatorReason,
}

#[derive(InputObject)]
pub struct SetTenantFeatureFlagInput {
    pub tenant_id: TenantId,
    pub key: Key,
    #[graphql(flatten)]
    pub change: FlagOverride,
}

#[derive(Default)]
pub struct FeatureFlagsQuery;

#[Object]
impl FeatureFlagsQuery {
    /// Every feature flag, evaluated for the caller's business.
    async fn feature_flags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FlagEvaluation>> {
        Ok(read::evaluate_all(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// One flag for the caller's business; an unknown flag answers
    /// `default` with reason `ERROR` and `errorCode: FLAG_NOT_FOUND`.
    async fn feature_flag(
        &self,
        ctx: &Context<'_>,
        key: Key,
        default: FlagValue,
    ) -> async_graphql::Result<FlagEvaluation> {
        Ok(read::evaluate_one(&svc(ctx)?.db, rc(ctx)?, key.as_str(), default.as_str()).await?)
    }

    /// Superadmins: every flag's definition.
    async fn operator_feature_flags(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<FeatureFlag>> {
        Ok(read::list(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: every flag evaluated for one business.
    async fn tenant_feature_flags(
        &self,
        ctx: &Context<'_>,
        tenant_id: TenantId,
    ) -> async_graphql::Result<Vec<FlagEvaluation>> {
        Ok(read::of_tenant(&svc(ctx)?.db, rc(ctx)?, tenant_id).await?)
    }
}

#[derive(Default)]
pub struct FeatureFlagsMutation;

#[Object]
impl FeatureFlagsMutation {
    /// Superadmins: define a flag.
    async fn create_feature_flag(
        &self,
        ctx: &Context<'_>,
        input: NewFeatureFlag,
    ) -> async_graphql::Result<FeatureFlag> {
        Ok(commands::create(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Superadmins: change a flag's default, switch, rollout or plan values.
    async fn update_feature_flag(
        &self,
        ctx: &Context<'_>,
        input: UpdateFeatureFlagInput,
    ) -> async_graphql::Result<FeatureFlag> {
        Ok(commands::update(&svc(ctx)?.db, rc(ctx)?, input.key.as_str(), input.patch).await?)
    }

    /// Superadmins: remove a flag with its plan values and overrides.
    async fn delete_feature_flag(
        &self,
        ctx: &Context<'_>,
        input: DeleteFeatureFlagInput,
    ) -> async_graphql::Result<FeatureFlag> {
        Ok(commands::delete(&svc(ctx)?.db, rc(ctx)?, input.key.as_str(), input.reason).await?)
    }

    /// Superadmins: set a flag for one business (or clear it with no value).
    async fn set_tenant_feature_flag(
        &self,
        ctx: &Context<'_>,
        input: SetTenantFeatureFlagInput,
    ) -> async_graphql::Result<FlagEvaluation> {
        Ok(commands::set_for_tenant(
            &svc(ctx)?.db,
            rc(ctx)?,
            input.tenant_id,
            input.key.as_str(),
            input.change,
        )
        .await?)
    }
}
