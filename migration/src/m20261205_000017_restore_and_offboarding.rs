//! Backups that can be restored, and businesses that can leave.
//!
//! A restore writes a business's rows back under row-level security, as a
//! role of its own: `platform_app` may not delete sales or stock movements
//! (they are append-only for the application), and `platform_system` skips
//! the policies, so neither fits. `platform_restore` may write every tenant
//! table but, like the application, only the rows of the tenant its
//! transaction names: a backup of one business cannot land in another.

use crate::Sql;

const UP: &str = r#"
DO $$
BEGIN
  BEGIN
    CREATE ROLE platform_restore NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
END
$$;
GRANT USAGE ON SCHEMA public TO platform_restore;

-- Every tenant table made before this one; later ones are granted as they
-- are put under the isolation policy (migration::tenant_rls).
DO $$
DECLARE t text;
BEGIN
  FOR t IN SELECT DISTINCT tablename FROM pg_policies
           WHERE schemaname = 'public' AND policyname = 'tenant_isolation' AND tablename <> 'tenants'
  LOOP
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO platform_restore', t);
  END LOOP;
END
$$;
-- It reads the tenant it restores (its row policy shows only that one).
GRANT SELECT ON tenants TO platform_restore;

-- Offboarding: the business is suspended and its data deleted on this date,
-- unless it is reactivated first; the final backup stays.
ALTER TABLE tenants
  ADD COLUMN deletion_due_at timestamptz,
  ADD COLUMN final_backup_id uuid;
CREATE INDEX tenants_deletion_due ON tenants (deletion_due_at)
  WHERE deletion_due_at IS NOT NULL AND deleted_at IS NULL;
"#;

const DOWN: &str = r#"
DROP INDEX IF EXISTS tenants_deletion_due;
ALTER TABLE tenants DROP COLUMN IF EXISTS deletion_due_at, DROP COLUMN IF EXISTS final_backup_id;
DO $$
DECLARE t text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'platform_restore') THEN
    FOR t IN SELECT DISTINCT tablename FROM pg_policies
             WHERE schemaname = 'public' AND policyname = 'tenant_isolation'
    LOOP
      EXECUTE format('REVOKE ALL ON %I FROM platform_restore', t);
    END LOOP;
    REVOKE USAGE ON SCHEMA public FROM platform_restore;
    BEGIN DROP ROLE platform_restore;
    EXCEPTION WHEN dependent_objects_still_exist THEN NULL; END;
  END IF;
END
$$;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000017_restore_and_offboarding",
    up: UP,
    tenant_tables: &[],
    down: DOWN,
};
