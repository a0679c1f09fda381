//! The database roles the server runs as, and the tenant setting that
//! row-level security keys on.

use crate::Sql;

// Roles are cluster-wide and may already exist (another database of the same
// cluster, a test template); creating them tolerates that and a concurrent creator.
const UP: &str = r#"
DO $$
BEGIN
  BEGIN
    CREATE ROLE platform_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE platform_system NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE BYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$;

GRANT USAGE ON SCHEMA public TO platform_app, platform_system;

-- The tenant of the current transaction, or NULL when none is set. Policies
-- compare tenant_id with it, and NULL never compares equal: no tenant, no rows.
CREATE OR REPLACE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
"#;

const DOWN: &str = r#"
DROP FUNCTION IF EXISTS app_current_tenant();
REVOKE USAGE ON SCHEMA public FROM platform_app, platform_system;
-- Other databases of the cluster may still use the roles; keep them then.
DO $$
BEGIN
  BEGIN DROP ROLE IF EXISTS platform_app;
  EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END;
  BEGIN DROP ROLE IF EXISTS platform_system;
  EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END;
END
$$;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261124_000001_roles_and_tenancy",
    up: UP,
    tenant_tables: &[],
    down: DOWN,
};
