//! Accountable operators: a superadmin may act as a tenant user for a
//! limited time, saying why; every audited action then carries both.

use crate::Sql;

const UP: &str = r#"
-- The operator behind an action done as a tenant user.
ALTER TABLE audit_events ADD COLUMN impersonator_id uuid;

CREATE TABLE impersonations (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id          uuid NOT NULL,
  operator_id uuid NOT NULL REFERENCES superadmins (id),
  user_id     uuid NOT NULL,
  reason      text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  started_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
  CHECK (expires_at > started_at)
);
CREATE INDEX impersonations_operator_open ON impersonations (operator_id) WHERE ended_at IS NULL;
GRANT SELECT ON impersonations TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON impersonations TO platform_system;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS impersonations;
ALTER TABLE audit_events DROP COLUMN IF EXISTS impersonator_id;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000014_impersonation",
    up: UP,
    tenant_tables: &["impersonations"],
    down: DOWN,
};
