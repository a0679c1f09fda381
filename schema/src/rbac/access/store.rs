//! The one statement every authenticated request runs.

use entities::tenants::TenantStatus;
use entities::users::UserStatus;
use kernel::db::sql;
use kernel::{AppResult, TenantId, UserId};
use sea_orm::{ConnectionTrait, FromQueryResult};

#[derive(FromQueryResult)]
pub(crate) struct AccessRow {
    pub tenant_status: TenantStatus,
    pub user_status: UserStatus,
    pub permissions: Vec<String>,
    pub modules: Vec<String>,
    pub billing_status: Option<String>,
    pub maintenance: serde_json::Value,
}

/// A user's standing, permissions and the tenant's modules. The function
/// scopes the tenant to its own statement (see migration 10), so it runs
/// outside a transaction, in one round trip.
pub(crate) async fn user_access(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    user: UserId,
) -> AppResult<Option<AccessRow>> {
    Ok(AccessRow::find_by_statement(sql(
        concat!(
            "SELECT tenant_status, user_status, permissions, modules, billing_status, ",
            crate::maintenance::maintenance_now!(),
            " AS maintenance FROM app_user_access($1, $2)"
        ),
        [tenant.into(), user.into()],
    ))
    .one(conn)
    .await?)
}
