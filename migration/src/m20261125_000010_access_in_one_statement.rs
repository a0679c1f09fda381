//! The access every authenticated request loads, in one statement.
//!
//! `app_user_access` sets the tenant for its own statement and reads under
//! row-level security as the calling role, so the request pool can run it
//! outside a transaction: one round trip instead of four (begin, set the
//! tenant, read, commit). It must not be called inside a transaction, where
//! the tenant setting would outlive it; the server never does.

use crate::Sql;

const UP: &str = r#"
CREATE FUNCTION app_user_access(p_tenant uuid, p_user uuid)
RETURNS TABLE (tenant_status text, user_status text, permissions text[], modules text[])
LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY
    SELECT t.status, u.status,
      ARRAY(SELECT DISTINCT rp.permission FROM user_roles ur
            JOIN role_permissions rp ON rp.tenant_id = ur.tenant_id AND rp.role_id = ur.role_id
            WHERE ur.tenant_id = p_tenant AND ur.user_id = p_user),
      ARRAY(SELECT module_key FROM tenant_modules WHERE tenant_id = p_tenant AND enabled)
    FROM tenants t JOIN users u ON u.tenant_id = t.id
    WHERE t.id = p_tenant AND u.id = p_user AND u.deleted_at IS NULL AND t.deleted_at IS NULL;
END
$$;
REVOKE ALL ON FUNCTION app_user_access(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_access(uuid, uuid) TO platform_app, platform_system;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261125_000010_access_in_one_statement",
    up: UP,
    tenant_tables: &[],
    down: "DROP FUNCTION IF EXISTS app_user_access(uuid, uuid);",
};
