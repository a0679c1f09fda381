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
mod m20261205_000011_billing;
mod m20261205_000012_announcements_and_flags;
mod m20261205_000013_maintenance_windows;
mod m20261205_000014_impersonation;
mod m20261205_000015_support;
mod m20261205_000016_superadmin_mfa;
mod m20261205_000017_restore_and_offboarding;
mod m20261205_000018_kitchen;
mod m20261205_000019_courses_and_pacing;

pub struct Migrator;

/// Every migration, in the order they run.
const ALL: &[Sql] = &[
    m20261124_000001_roles_and_tenancy::MIGRATION,
    m20261124_000002_platform_tables::MIGRATION,
    m20261124_000003_audit_and_outbox::MIGRATION,
    m20261124_000004_identity::MIGRATION,
    m20261124_000005_event_streams::MIGRATION,
    m20261124_000006_exports::MIGRATION,
    m20261124_000007_menu::MIGRATION,
    m20261125_000008_locations_inventory::MIGRATION,
    m20261125_000009_pos::MIGRATION,
    m20261125_000010_access_in_one_statement::MIGRATION,
    m20261205_000011_billing::MIGRATION,
    m20261205_000012_announcements_and_flags::MIGRATION,
    m20261205_000013_maintenance_windows::MIGRATION,
    m20261205_000014_impersonation::MIGRATION,
    m20261205_000015_support::MIGRATION,
    m20261205_000016_superadmin_mfa::MIGRATION,
    m20261205_000017_restore_and_offboarding::MIGRATION,
    m20261205_000018_kitchen::MIGRATION,
    m20261205_000019_courses_and_pacing::MIGRATION,
];

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        ALL.iter()
            .map(|m| Box::new(*m) as Box<dyn MigrationTrait>)
            .collect()
    }
}

/// The tables keyed by `tenant_id` under the standard isolation policy, as
/// the migrations create them (the `tenants` table itself has a policy of
/// its own, on `id`). Checks that every tenant table is isolated read this
/// list rather than keep their own.
pub fn tenant_tables() -> Vec<&'static str> {
    ALL.iter()
        .flat_map(|m| m.tenant_tables.iter().copied())
        .collect()
}

/// The name of the newest migration: the schema level a backup is taken at,
/// and the only one it restores into.
pub fn latest() -> &'static str {
    ALL.last().map_or("", |m| m.name)
}

/// The script up of the migration named `name`, for measurements that
/// compare with an earlier schema (`bench billing`).
pub fn script_up(name: &str) -> Option<&'static str> {
    ALL.iter().find(|m| m.name == name).map(|m| m.up)
}

/// A migration written as SQL: a script up, the tenant tables that script
/// creates (each put under the isolation policy after it), a script down.
#[derive(Clone, Copy)]
pub(crate) struct Sql {
    /// As recorded in `seaql_migrations`; never change a released one.
    pub name: &'static str,
    pub up: &'static str,
    pub tenant_tables: &'static [&'static str],
    pub down: &'static str,
}

impl MigrationName for Sql {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Sql {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, self.up).await?;
        for table in self.tenant_tables {
            run(manager, &tenant_rls(table)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, self.down).await
    }
}

/// Runs a script (sea-orm's unprepared execution, so a script may hold
/// several statements).
async fn run(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(sql)
        .await
        .map(|_| ())
}

/// Enables forced row-level security on a tenant table, keyed on `tenant_id`.
fn tenant_rls(table: &str) -> String {
    format!(
        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
         ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
         CREATE POLICY tenant_isolation ON {table}
           USING (tenant_id = app_current_tenant())
           WITH CHECK (tenant_id = app_current_tenant());
         DO $$ BEGIN
           IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'platform_restore') THEN
             GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO platform_restore;
           END IF;
         END $$;"
    )
}
