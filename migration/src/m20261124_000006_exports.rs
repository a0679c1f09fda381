//! Files made by background jobs (report exports, tenant backups), which
//! only their tenant may download.

use crate::Sql;

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

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261124_000006_exports",
    up: UP,
    tenant_tables: &["exports"],
    down: "DROP TABLE IF EXISTS exports;",
};
