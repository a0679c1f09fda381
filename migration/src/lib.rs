//! Database migrations, written as PostgreSQL DDL because row-level security,
//! partitioning and grants are the point of them.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_roles_and_tenancy;
mod m20261124_000002_platform_tables;
mod m20261124_000003_audit_and_outbox;
mod m20261124_000004_identity;
mod m20261124_000005_event_streams;
mod m20261124_000006_exports;
mod m20261124_000007_menu;
mod m20261125_000008_locations_inventory;
mod m20261125_000009_pos;
mod m20261125_000010_access_in_one_statement;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_roles_and_tenancy::Migration),
            Box::new(m20261124_000002_platform_tables::Migration),
            Box::new(m20261124_000003_audit_and_outbox::Migration),
            Box::new(m20261124_000004_identity::Migration),
            Box::new(m20261124_000005_event_streams::Migration),
            Box::new(m20261124_000006_exports::Migration),
            Box::new(m20261124_000007_menu::Migration),
            Box::new(m20261125_000008_locations_inventory::Migration),
            Box::new(m20261125_000009_pos::Migration),
            Box::new(m20261125_000010_access_in_one_statement::Migration),
        ]
    }
}

/// Runs each statement of a script in order (sea-orm's unprepared execution
/// takes one script; keeping them separate gives clearer errors).
pub(crate) async fn run(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(sql)
        .await
        .map(|_| ())
}

/// Enables forced row-level security on a tenant table, keyed on `tenant_id`.
pub(crate) fn tenant_rls(table: &str) -> String {
    format!(
        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
         ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
         CREATE POLICY tenant_isolation ON {table}
           USING (tenant_id = app_current_tenant())
           WITH CHECK (tenant_id = app_current_tenant());"
    )
}
