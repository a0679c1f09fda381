//! The base tables of the platform: tenants, users, roles and permissions,
//! the module registry and what each tenant has switched on.

use crate::Sql;

const TABLES: &str = r#"
CREATE TABLE tenants (
  id            uuid PRIMARY KEY,
  slug          text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status        text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'active', 'rejected', 'suspended')),
  status_reason text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  approved_at   timestamptz,
  deleted_at    timestamptz
);
CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug) WHERE deleted_at IS NULL;

-- Platform operators live apart from tenant users: the application role has
-- no grant on this table at all.
CREATE TABLE superadmins (
  id            uuid PRIMARY KEY,
  email         text NOT NULL,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
  last_login_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX superadmins_email_key ON superadmins (lower(email));

CREATE TABLE users (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  email         text NOT NULL,
  display_name  text NOT NULL,
  password_hash text,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'deactivated')),
  last_login_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE roles (
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id          uuid NOT NULL,
  key         text,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text,
  built_in    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX roles_tenant_name_key ON roles (tenant_id, lower(name));
CREATE UNIQUE INDEX roles_tenant_key_key ON roles (tenant_id, key) WHERE key IS NOT NULL;

CREATE TABLE role_permissions (
  tenant_id  uuid NOT NULL,
  role_id    uuid NOT NULL,
  permission text NOT NULL CHECK (permission ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  PRIMARY KEY (tenant_id, role_id, permission),
  FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE user_roles (
  tenant_id  uuid NOT NULL,
  user_id    uuid NOT NULL,
  role_id    uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, role_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
  -- a role still assigned cannot be deleted
  FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE RESTRICT
);
CREATE INDEX user_roles_tenant_role_idx ON user_roles (tenant_id, role_id);

-- The canonical catalogue of modules and features (synced from
-- module-registry.json); a platform table every tenant reads.
CREATE TABLE module_registry_entries (
  key             text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'),
  kind            text NOT NULL CHECK (kind IN ('module', 'feature')),
  module_key      text REFERENCES module_registry_entries (key) ON DELETE CASCADE,
  name            text NOT NULL,
  description     text NOT NULL DEFAULT '',
  permissions     text[] NOT NULL DEFAULT '{}',
  default_enabled boolean NOT NULL DEFAULT false,
  sort_order      integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'module') = (module_key IS NULL))
);

CREATE TABLE tenant_modules (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  module_key text NOT NULL REFERENCES module_registry_entries (key) ON DELETE CASCADE,
  enabled    boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, module_key)
);

CREATE TABLE tenant_feature_flags (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  flag_key   text NOT NULL CHECK (flag_key ~ '^[a-z][a-z0-9_.-]*$'),
  enabled    boolean NOT NULL DEFAULT false,
  value      jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, flag_key)
);

-- Where a tenant's data lives; data access resolves it before it queries.
CREATE TABLE tenant_connection_profiles (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  mode          text NOT NULL DEFAULT 'shared' CHECK (mode IN ('shared', 'schema', 'database')),
  schema_name   text,
  database_name text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (mode <> 'schema' OR schema_name IS NOT NULL),
  CHECK (mode <> 'database' OR database_name IS NOT NULL)
);

-- A tenant sees its own registry row; the registry itself is platform work.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (id = app_current_tenant()) WITH CHECK (id = app_current_tenant());

GRANT SELECT, UPDATE ON tenants TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, superadmins TO platform_system;
GRANT SELECT ON module_registry_entries TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON module_registry_entries TO platform_system;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON users, roles, role_permissions, user_roles, tenant_modules, tenant_feature_flags
  TO platform_app, platform_system;
GRANT SELECT ON tenant_connection_profiles TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_connection_profiles TO platform_system;
"#;

/// Tables keyed by `tenant_id` that get the standard isolation policy.
pub(crate) const TENANT_TABLES: &[&str] = &[
    "users",
    "roles",
    "role_permissions",
    "user_roles",
    "tenant_modules",
    "tenant_feature_flags",
    "tenant_connection_profiles",
];

const DOWN: &str = r#"
DROP TABLE IF EXISTS tenant_connection_profiles, tenant_feature_flags, tenant_modules,
  module_registry_entries, user_roles, role_permissions, roles, users, superadmins, tenants;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261124_000002_platform_tables",
    up: TABLES,
    tenant_tables: TENANT_TABLES,
    down: DOWN,
};
