//! The operator's console, first slice: announcements to tenants (with
//! per-user dismissals), tenant feature flags (definitions, per-plan values,
//! a sticky percentage rollout, per-tenant overrides), and the operator's
//! reason on audit rows.

use crate::Sql;

const UP: &str = r#"
-- Why an operator did something; required on operator writes.
ALTER TABLE audit_events ADD COLUMN reason text CHECK (length(reason) BETWEEN 1 AND 500);

-- A message from the operator to all tenants, chosen tenants, or the
-- tenants on chosen plans, shown between starts_at and ends_at.
CREATE TABLE announcements (
  id          uuid PRIMARY KEY,
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body        text NOT NULL CHECK (length(body) <= 5000),
  severity    text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  display     text NOT NULL CHECK (display IN ('banner', 'notification')),
  dismissable boolean NOT NULL,
  audience    text NOT NULL CHECK (audience IN ('all', 'tenants', 'plans')),
  tenant_ids  uuid[] NOT NULL DEFAULT '{}',
  plan_codes  text[] NOT NULL DEFAULT '{}',
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  -- an edit is a new revision; a dismissal holds for the revision it saw
  revision    integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  -- the revision last told to the addressed tenants' event streams
  published_revision integer NOT NULL DEFAULT 0,
  -- whether its end (or withdrawal) was told
  end_published boolean NOT NULL DEFAULT false,
  withdrawn_at timestamptz,
  created_by  uuid,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  CHECK (ends_at > starts_at),
  CHECK (audience <> 'tenants' OR cardinality(tenant_ids) > 0),
  CHECK (audience <> 'plans' OR cardinality(plan_codes) > 0)
);
CREATE INDEX announcements_live ON announcements (ends_at) WHERE withdrawn_at IS NULL;

-- Whether an announcement's audience takes in a tenant: the one rule the
-- row policy, the fan-out of its events and the tenant's list all apply.
CREATE FUNCTION app_announcement_for(p_tenant uuid, p_audience text, p_tenants uuid[], p_plans text[])
RETURNS boolean LANGUAGE sql STABLE SECURITY INVOKER AS $$
  SELECT p_tenant IS NOT NULL AND (
    p_audience = 'all'
    OR (p_audience = 'tenants' AND p_tenant = ANY (p_tenants))
    OR (p_audience = 'plans' AND EXISTS (
          SELECT 1 FROM billing_subscriptions s
          JOIN billing_plan_versions pv ON pv.id = s.plan_version_id
          JOIN billing_plans p ON p.id = pv.plan_id
          WHERE s.tenant_id = p_tenant AND s.status <> 'canceled' AND p.code = ANY (p_plans))))
$$;
REVOKE ALL ON FUNCTION app_announcement_for(uuid, text, uuid[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_announcement_for(uuid, text, uuid[], text[]) TO platform_app, platform_system;

-- A tenant's transaction reads only what is addressed to it: the query's
-- filter is not the only guard.
ALTER TABLE announcements ENABLE ROW LEVEL SECURITY;
ALTER TABLE announcements FORCE ROW LEVEL SECURITY;
CREATE POLICY addressed ON announcements FOR SELECT TO platform_app
  USING (app_announcement_for(app_current_tenant(), audience, tenant_ids, plan_codes));
GRANT SELECT ON announcements TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON announcements TO platform_system;

CREATE TABLE announcement_dismissals (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  announcement_id uuid NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
  revision        integer NOT NULL,
  dismissed_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, announcement_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
GRANT SELECT, INSERT, UPDATE, DELETE ON announcement_dismissals TO platform_app, platform_system;

-- A flag: a boolean or one of several string variants, with a default.
CREATE TABLE feature_flags (
  key             text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.-]{0,99}$'),
  description     text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
  kind            text NOT NULL CHECK (kind IN ('boolean', 'variant')),
  -- every value the flag may take ('false', 'true' for a boolean)
  variants        text[] NOT NULL CHECK (cardinality(variants) BETWEEN 2 AND 50),
  default_value   text NOT NULL,
  -- off: everyone gets the default (reason DISABLED)
  enabled         boolean NOT NULL DEFAULT true,
  -- tenants whose bucket (0..99) is below this get rollout_value
  rollout_percent integer NOT NULL DEFAULT 0 CHECK (rollout_percent BETWEEN 0 AND 100),
  rollout_value   text,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  CHECK (default_value = ANY (variants)),
  CHECK (rollout_value IS NULL OR rollout_value = ANY (variants)),
  CHECK (kind <> 'boolean' OR variants = '{false,true}')
);
GRANT SELECT ON feature_flags TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON feature_flags TO platform_system;

-- What a flag is for the tenants on a plan.
CREATE TABLE feature_flag_plan_values (
  flag_key text NOT NULL REFERENCES feature_flags (key) ON DELETE CASCADE,
  plan_id  uuid NOT NULL REFERENCES billing_plans (id),
  value    text NOT NULL,
  PRIMARY KEY (flag_key, plan_id)
);
GRANT SELECT ON feature_flag_plan_values TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON feature_flag_plan_values TO platform_system;

-- The per-tenant table of the first migration becomes the operator's
-- override of a defined flag (it was never written).
DELETE FROM tenant_feature_flags;
ALTER TABLE tenant_feature_flags
  DROP COLUMN enabled,
  DROP COLUMN value,
  ADD COLUMN value text NOT NULL,
  ADD CONSTRAINT tenant_feature_flags_flag FOREIGN KEY (flag_key)
    REFERENCES feature_flags (key) ON DELETE CASCADE;
"#;

const TABLES: &[&str] = &["announcement_dismissals"];

const DOWN: &str = r#"
DELETE FROM tenant_feature_flags;
ALTER TABLE tenant_feature_flags
  DROP CONSTRAINT tenant_feature_flags_flag,
  DROP COLUMN value,
  ADD COLUMN enabled boolean NOT NULL DEFAULT false,
  ADD COLUMN value jsonb;
DROP TABLE IF EXISTS feature_flag_plan_values, feature_flags, announcement_dismissals, announcements;
DROP FUNCTION IF EXISTS app_announcement_for(uuid, text, uuid[], text[]);
ALTER TABLE audit_events DROP COLUMN IF EXISTS reason;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000012_announcements_and_flags",
    up: UP,
    tenant_tables: TABLES,
    down: DOWN,
};
