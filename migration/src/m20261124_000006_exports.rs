//! Files made by background jobs (report exports, tenant backups), which
//! only their tenant may download.

use crate::{run, tenant_rls};
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000006_exports"
    }
}

const UP: &str = r#"
CREATE TABLE exports (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('users_csv', 'audit_csv', 'tenant_backup')),
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
  progress     integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  file_name    text,
  byte_size    bigint,
  error        text,
  requested_by uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX exports_tenant_created_idx ON exports (tenant_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE ON exports TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON exports TO platform_system;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await?;
        run(manager, &tenant_rls("exports")).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, "DROP TABLE IF EXISTS exports;").await
    }
}
