//! Sessions, password resets, MFA, API keys, and the module registry's
//! flags: what identity, RBAC and the module registry need.

use crate::Sql;

const UP: &str = r#"
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- TOTP secrets are encrypted with pgcrypto under the server's data key;
-- recovery codes are stored as SHA-256 digests (they are random, not chosen).
ALTER TABLE users
  ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN mfa_secret_enc bytea,
  ADD COLUMN mfa_pending_secret_enc bytea,
  ADD COLUMN mfa_recovery_hashes text[] NOT NULL DEFAULT '{}',
  -- the last TOTP time step accepted, so a code cannot be replayed
  ADD COLUMN mfa_last_step bigint,
  ADD COLUMN password_changed_at timestamptz;

-- Refresh tokens, one row per issued token; a family is one login's chain of
-- rotations. Presented without any other credential, so they are looked up
-- by hash under the platform role; the application role only sees (and can
-- revoke) its own tenant's rows.
CREATE TABLE sessions (
  id           uuid PRIMARY KEY,
  tenant_id    uuid REFERENCES tenants (id) ON DELETE CASCADE,
  subject_kind text NOT NULL CHECK (subject_kind IN ('user', 'superadmin')),
  subject_id   uuid NOT NULL,
  family_id    uuid NOT NULL,
  token_hash   bytea NOT NULL,
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'rotated', 'revoked')),
  expires_at   timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  used_at      timestamptz,
  revoked_at   timestamptz,
  CHECK ((subject_kind = 'user') = (tenant_id IS NOT NULL))
);
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_family_idx ON sessions (family_id);
CREATE INDEX sessions_tenant_subject_idx ON sessions (tenant_id, subject_id);

CREATE TABLE password_reset_tokens (
  id         uuid PRIMARY KEY,
  tenant_id  uuid NOT NULL,
  user_id    uuid NOT NULL,
  token_hash bytea NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX password_reset_tokens_hash_key ON password_reset_tokens (token_hash);
CREATE INDEX password_reset_tokens_tenant_user_idx ON password_reset_tokens (tenant_id, user_id);

-- Tenant-scoped API keys: `sk_<id>_<secret>`; only a SHA-256 digest of the
-- secret is kept. The id in the key lets the platform role find the row.
CREATE TABLE api_keys (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  prefix       text NOT NULL,
  secret_hash  bytea NOT NULL,
  permissions  text[] NOT NULL,
  created_by   uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api_keys_id_key ON api_keys (id);

-- `core` modules cannot be switched off; `edited_at` marks entries a
-- superadmin changed, whose presentation the start-up sync then keeps.
ALTER TABLE module_registry_entries
  ADD COLUMN core boolean NOT NULL DEFAULT false,
  ADD COLUMN edited_at timestamptz;

GRANT SELECT, INSERT, UPDATE, DELETE ON sessions, password_reset_tokens TO platform_system;
-- A tenant may revoke its own users' sessions and issue invitations
-- (row-level security keeps it to its own rows).
GRANT SELECT, UPDATE ON sessions TO platform_app;
GRANT SELECT, INSERT, UPDATE ON password_reset_tokens TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON api_keys TO platform_app, platform_system;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS api_keys, password_reset_tokens, sessions;
ALTER TABLE module_registry_entries DROP COLUMN IF EXISTS core, DROP COLUMN IF EXISTS edited_at;
ALTER TABLE users
  DROP COLUMN IF EXISTS mfa_enabled,
  DROP COLUMN IF EXISTS mfa_secret_enc,
  DROP COLUMN IF EXISTS mfa_pending_secret_enc,
  DROP COLUMN IF EXISTS mfa_recovery_hashes,
  DROP COLUMN IF EXISTS mfa_last_step,
  DROP COLUMN IF EXISTS password_changed_at;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261124_000004_identity",
    up: UP,
    tenant_tables: &["sessions", "password_reset_tokens", "api_keys"],
    down: DOWN,
};
