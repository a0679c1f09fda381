//! Accountable operators: superadmins get TOTP multi-factor authentication
//! like tenant users (the same columns, the same rules).

use crate::Sql;

const UP: &str = r#"
ALTER TABLE superadmins
  ADD COLUMN mfa_enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN mfa_secret_enc bytea,
  ADD COLUMN mfa_pending_secret_enc bytea,
  ADD COLUMN mfa_recovery_hashes text[] NOT NULL DEFAULT '{}',
  ADD COLUMN mfa_last_step bigint,
  ADD CONSTRAINT superadmins_mfa_secret CHECK (NOT mfa_enabled OR mfa_secret_enc IS NOT NULL);
"#;

const DOWN: &str = r#"
ALTER TABLE superadmins
  DROP CONSTRAINT IF EXISTS superadmins_mfa_secret,
  DROP COLUMN IF EXISTS mfa_enabled,
  DROP COLUMN IF EXISTS mfa_secret_enc,
  DROP COLUMN IF EXISTS mfa_pending_secret_enc,
  DROP COLUMN IF EXISTS mfa_recovery_hashes,
  DROP COLUMN IF EXISTS mfa_last_step;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000016_superadmin_mfa",
    up: UP,
    tenant_tables: &[],
    down: DOWN,
};
