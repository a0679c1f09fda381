use super::service::{self, NewRole, Permission, Role, RoleAssignment, RolePatch};
use crate::gql::{rc, svc};
use async_graphql::{Context, InputObject, Object, SimpleObject};
use kernel::RoleId;

#[derive(InputObject)]
pub struct UpdateRoleInput {
    pub role_id: RoleId,
    #[graphql(flatten)]
    pub patch: RolePatch,
}

#[derive(InputObject)]
pub struct RoleIdInput {
    pub role_id: RoleId,
}

#[derive(SimpleObject)]
pub struct RolePayload {
    pub role: Role,
}

/// Whether the caller may use a permission right now, and if not, why
/// (for UIs that hide or grey out what the user cannot do).
#[derive(SimpleObject)]
pub struct PermissionCheck {
    pub permission: String,
    pub allowed: bool,
    /// The error code a guarded operation would answer with (`AUTHN`, `AUTHZ`).
    pub code: Option<String>,
    pub reason: Option<String>,
    /// The module that is switched off, when that is the reason.
    pub module: Option<String>,
}

#[derive(Default)]
pub struct RbacQuery;

#[Object]
impl RbacQuery {
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Role>> {
        Ok(service::list_roles(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    async fn role(&self, ctx: &Context<'_>, id: RoleId) -> async_graphql::Result<Role> {
        Ok(service::get_role(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }

    /// Every permission the module registry defines.
    async fn permissions(&self) -> async_graphql::Result<Vec<Permission>> {
        Ok(service::permission_catalog()?)
    }

    /// Runs the permission guard for each permission without doing anything.
    async fn permission_check(
        &self,
        ctx: &Context<'_>,
        permissions: Vec<String>,
    ) -> async_graphql::Result<Vec<PermissionCheck>> {
        let rc = rc(ctx)?;
        Ok(permissions
            .into_iter()
            .map(|permission| match rc.require(&permission) {
                Ok(_) => PermissionCheck {
                    permission,
                    allowed: true,
                    code: None,
                    reason: None,
                    module: None,
                },
                Err(err) => PermissionCheck {
                    module: err
                        .details()
                        .and_then(|d| d.get("module"))
                        .and_then(|m| m.as_str())
                        .map(str::to_owned),
                    code: Some(err.code().as_str().to_owned()),
                    reason: Some(err.message().to_owned()),
                    permission,
                    allowed: false,
                },
            })
            .collect())
    }

    /// The permissions the caller holds right now.
    async fn my_permissions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let rc = rc(ctx)?;
        rc.require_tenant()?;
        Ok(rc
            .access
            .as_deref()
            .map(|a| a.permissions.iter().cloned().collect())
            .unwrap_or_default())
    }
}

#[derive(Default)]
pub struct RbacMutation;

#[Object]
impl RbacMutation {
    async fn create_role(
        &self,
        ctx: &Context<'_>,
        input: NewRole,
    ) -> async_graphql::Result<RolePayload> {
        let role = service::create_role(&svc(ctx)?.db, rc(ctx)?, input).await?;
        Ok(RolePayload { role })
    }

    async fn update_role(
        &self,
        ctx: &Context<'_>,
        input: UpdateRoleInput,
    ) -> async_graphql::Result<RolePayload> {
        let role =
            service::update_role(&svc(ctx)?.db, rc(ctx)?, input.role_id, input.patch).await?;
        Ok(RolePayload { role })
    }

    /// Deletes a custom role that nobody holds.
    async fn delete_role(
        &self,
        ctx: &Context<'_>,
        input: RoleIdInput,
    ) -> async_graphql::Result<RolePayload> {
        let role = service::delete_role(&svc(ctx)?.db, rc(ctx)?, input.role_id).await?;
        Ok(RolePayload { role })
    }

    async fn assign_role(
        &self,
        ctx: &Context<'_>,
        input: RoleAssignment,
    ) -> async_graphql::Result<RolePayload> {
        let role =
            service::assign_role(&svc(ctx)?.db, rc(ctx)?, input.user_id, input.role_id).await?;
        Ok(RolePayload { role })
    }

    async fn unassign_role(
        &self,
        ctx: &Context<'_>,
        input: RoleAssignment,
    ) -> async_graphql::Result<RolePayload> {
        let role =
            service::unassign_role(&svc(ctx)?.db, rc(ctx)?, input.user_id, input.role_id).await?;
        Ok(RolePayload { role })
    }
}
