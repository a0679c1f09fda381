//! Billing: the operator's plan catalog (versioned), one subscription per
//! tenant, invoices with gapless numbers, credit notes, per-tenant billing
//! clocks, provider webhooks, and the access function that now reads the
//! plan's entitlements and the subscription's standing.

use crate::Sql;

const UP: &str = r#"
-- The operator's catalog: platform tables that every tenant may read.
CREATE TABLE billing_plans (
  id          uuid PRIMARY KEY,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  -- the version new sign-ups get
  current_version integer NOT NULL DEFAULT 1,
  archived_at timestamptz,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- A price change makes a new version; subscriptions keep theirs until moved.
CREATE TABLE billing_plan_versions (
  id                  uuid PRIMARY KEY,
  plan_id             uuid NOT NULL REFERENCES billing_plans (id),
  version             integer NOT NULL CHECK (version >= 1),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  monthly_price_minor bigint CHECK (monthly_price_minor >= 0),
  yearly_price_minor  bigint CHECK (yearly_price_minor >= 0),
  trial_days          integer NOT NULL DEFAULT 0 CHECK (trial_days BETWEEN 0 AND 365),
  -- module and feature keys the plan switches on
  modules             text[] NOT NULL DEFAULT '{}',
  -- NULL: unlimited
  max_locations       integer CHECK (max_locations >= 0),
  max_users           integer CHECK (max_users >= 0),
  max_api_keys        integer CHECK (max_api_keys >= 0),
  max_open_shifts     integer CHECK (max_open_shifts >= 0),
  max_monthly_tickets integer CHECK (max_monthly_tickets >= 0),
  -- what the subscription becomes after the last failed dunning retry
  on_unpaid           text NOT NULL DEFAULT 'unpaid' CHECK (on_unpaid IN ('unpaid', 'canceled')),
  created_at          timestamptz NOT NULL,
  UNIQUE (plan_id, version),
  CHECK (monthly_price_minor IS NOT NULL OR yearly_price_minor IS NOT NULL)
);

-- The operator's billing settings: one row.
CREATE TABLE billing_settings (
  id             boolean PRIMARY KEY DEFAULT true CHECK (id),
  -- parts per million of the taxable amount: 20 % is 200000
  tax_rate_ppm   integer NOT NULL DEFAULT 0 CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
  tax_name       text NOT NULL DEFAULT 'VAT' CHECK (length(tax_name) BETWEEN 1 AND 40),
  invoice_prefix text NOT NULL DEFAULT 'INV' CHECK (invoice_prefix ~ '^[A-Z][A-Z0-9]{0,9}$'),
  -- days after the failed renewal when the charge is retried
  retry_days     integer[] NOT NULL DEFAULT '{1,3,5,7}',
  updated_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO billing_settings DEFAULT VALUES;

-- Gapless numbers per operator: the row is locked by the finalizing
-- transaction, so a rollback gives the number back.
CREATE TABLE billing_sequences (
  kind text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
  year integer NOT NULL,
  last bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, year)
);

CREATE TABLE billing_subscriptions (
  tenant_id               uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  id                      uuid NOT NULL UNIQUE,
  plan_version_id         uuid NOT NULL REFERENCES billing_plan_versions (id),
  interval                text NOT NULL CHECK (interval IN ('month', 'year')),
  status                  text NOT NULL CHECK (status IN
                            ('incomplete', 'trialing', 'active', 'past_due', 'unpaid', 'canceled', 'paused')),
  -- the provider's saved payment method (pm_card_ok in the sandbox)
  payment_method          text,
  trial_end               timestamptz,
  current_period_start    timestamptz NOT NULL,
  current_period_end      timestamptz NOT NULL,
  -- periods run from here in whole months (or years), so one started on the
  -- 31st renews on the last day of each shorter month and comes back
  cycle_anchor            timestamptz NOT NULL,
  cancel_at_period_end    boolean NOT NULL DEFAULT false,
  canceled_at             timestamptz,
  paused_at               timestamptz,
  -- a downgrade waiting for the period end
  pending_plan_version_id uuid REFERENCES billing_plan_versions (id),
  pending_interval        text CHECK (pending_interval IN ('month', 'year')),
  -- dunning: failed attempts on the open renewal invoice, and the next retry
  failed_attempts         integer NOT NULL DEFAULT 0,
  next_retry_at           timestamptz,
  -- the newest provider event applied; older ones never move it back
  provider_event_at       timestamptz,
  version                 bigint NOT NULL DEFAULT 1,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  CHECK (current_period_end > current_period_start),
  CHECK ((pending_plan_version_id IS NULL) = (pending_interval IS NULL))
);

-- A test clock: when a tenant has one, its billing time is frozen here and
-- moves only when a superadmin advances it.
CREATE TABLE billing_clocks (
  tenant_id  uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  frozen_at  timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE billing_invoices (
  tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id                  uuid NOT NULL,
  -- given at finalization, without gaps: INV-2026-000123
  number              text UNIQUE,
  status              text NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void', 'uncollectible')),
  reason              text NOT NULL CHECK (reason IN
                        ('subscription_create', 'subscription_cycle', 'subscription_update')),
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  subtotal_minor      bigint NOT NULL DEFAULT 0,
  discount_minor      bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
  tax_name            text NOT NULL,
  tax_rate_ppm        integer NOT NULL CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
  tax_minor           bigint NOT NULL DEFAULT 0,
  total_minor         bigint NOT NULL DEFAULT 0,
  amount_paid_minor   bigint NOT NULL DEFAULT 0,
  credited_minor      bigint NOT NULL DEFAULT 0 CHECK (credited_minor >= 0),
  period_start        timestamptz NOT NULL,
  period_end          timestamptz NOT NULL,
  payment_intent_id   text,
  attempt_count       integer NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL,
  finalized_at        timestamptz,
  paid_at             timestamptz,
  voided_at           timestamptz,
  uncollectible_at    timestamptz,
  emailed_at          timestamptz,
  PRIMARY KEY (tenant_id, id),
  CHECK (total_minor = subtotal_minor - discount_minor + tax_minor),
  CHECK (credited_minor <= greatest(total_minor, 0)),
  CHECK ((status = 'draft') = (number IS NULL)),
  CHECK ((status = 'draft') = (finalized_at IS NULL))
);
CREATE INDEX billing_invoices_tenant_created_idx ON billing_invoices (tenant_id, created_at DESC, id DESC);
CREATE INDEX billing_invoices_created_idx ON billing_invoices (created_at DESC, id DESC);

CREATE TABLE billing_invoice_lines (
  tenant_id    uuid NOT NULL,
  invoice_id   uuid NOT NULL,
  id           uuid NOT NULL,
  position     integer NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('plan', 'proration', 'credit')),
  description  text NOT NULL,
  amount_minor bigint NOT NULL,
  period_start timestamptz,
  period_end   timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, invoice_id, position),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES billing_invoices (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE billing_credit_notes (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  invoice_id   uuid NOT NULL,
  number       text NOT NULL UNIQUE,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, invoice_id) REFERENCES billing_invoices (tenant_id, id)
);
CREATE INDEX billing_credit_notes_invoice_idx ON billing_credit_notes (tenant_id, invoice_id);

-- Provider webhooks as received: the raw body, deduplicated on the
-- provider's event id, processed (and retried) by the billing-webhook-retry
-- job. A platform table: the event names its customer, not a tenant session.
CREATE TABLE billing_webhook_events (
  provider      text NOT NULL CHECK (provider ~ '^[a-z][a-z0-9_-]{0,31}$'),
  event_id      text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 255),
  event_type    text NOT NULL,
  created       timestamptz NOT NULL,
  customer      text,
  payload       jsonb NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'processed', 'ignored', 'dead')),
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  received_at   timestamptz NOT NULL,
  processed_at  timestamptz,
  PRIMARY KEY (provider, event_id)
);
CREATE INDEX billing_webhook_events_status_idx ON billing_webhook_events (status, received_at);

-- The superadmin's per-tenant toggles now override the plan; rows that only
-- record the registry default at provisioning do not.
ALTER TABLE tenant_modules ADD COLUMN overridden boolean NOT NULL DEFAULT false;

GRANT SELECT ON billing_plans, billing_plan_versions, billing_settings TO platform_app;
GRANT SELECT, INSERT, UPDATE ON billing_plans, billing_plan_versions, billing_settings TO platform_system;
GRANT SELECT, INSERT, UPDATE ON billing_sequences TO platform_app, platform_system;
GRANT SELECT, INSERT, UPDATE ON billing_subscriptions, billing_clocks, billing_invoices,
  billing_invoice_lines, billing_credit_notes TO platform_app, platform_system;
GRANT DELETE ON billing_clocks TO platform_app, platform_system;
GRANT SELECT, INSERT, UPDATE ON billing_webhook_events TO platform_system;

-- A tenant's effective modules and features, for the user and the API key
-- paths alike. An entry is on when: it is core; else the superadmin's
-- override says so; else the plan lists it (a tenant on a plan); else the
-- registry default recorded at provisioning (a tenant on no plan).
-- PL/pgSQL, not SQL: a SQL function is planned again on every call, which
-- made the access statement four times slower; PL/pgSQL keeps its plan.
CREATE FUNCTION app_effective_modules(p_tenant uuid) RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY INVOKER AS $$
BEGIN
  RETURN ARRAY(
    SELECT tm.module_key FROM tenant_modules tm
    JOIN module_registry_entries e ON e.key = tm.module_key
    LEFT JOIN billing_subscriptions s ON s.tenant_id = tm.tenant_id
    LEFT JOIN billing_plan_versions pv ON pv.id = s.plan_version_id
    WHERE tm.tenant_id = p_tenant
      AND CASE WHEN e.core THEN true
               WHEN tm.overridden THEN tm.enabled
               WHEN pv.id IS NOT NULL THEN tm.module_key = ANY (pv.modules)
               ELSE tm.enabled END
    ORDER BY tm.module_key);
END
$$;
REVOKE ALL ON FUNCTION app_effective_modules(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_effective_modules(uuid) TO platform_app, platform_system;

-- The access of a request now also says how the subscription stands.
DROP FUNCTION app_user_access(uuid, uuid);
CREATE FUNCTION app_user_access(p_tenant uuid, p_user uuid)
RETURNS TABLE (tenant_status text, user_status text, permissions text[], modules text[],
               billing_status text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY
    SELECT t.status, u.status,
      ARRAY(SELECT DISTINCT rp.permission FROM user_roles ur
            JOIN role_permissions rp ON rp.tenant_id = ur.tenant_id AND rp.role_id = ur.role_id
            WHERE ur.tenant_id = p_tenant AND ur.user_id = p_user),
      app_effective_modules(p_tenant),
      s.status
    FROM tenants t JOIN users u ON u.tenant_id = t.id
    LEFT JOIN billing_subscriptions s ON s.tenant_id = t.id
    WHERE t.id = p_tenant AND u.id = p_user AND u.deleted_at IS NULL AND t.deleted_at IS NULL;
END
$$;
REVOKE ALL ON FUNCTION app_user_access(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_user_access(uuid, uuid) TO platform_app, platform_system;
"#;

const TABLES: &[&str] = &[
    "billing_subscriptions",
    "billing_clocks",
    "billing_invoices",
    "billing_invoice_lines",
    "billing_credit_notes",
];

const DOWN: &str = r#"
DROP FUNCTION IF EXISTS app_user_access(uuid, uuid);
DROP FUNCTION IF EXISTS app_effective_modules(uuid);
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
ALTER TABLE tenant_modules DROP COLUMN IF EXISTS overridden;
DROP TABLE IF EXISTS billing_webhook_events, billing_credit_notes, billing_invoice_lines,
  billing_invoices, billing_clocks, billing_subscriptions, billing_sequences, billing_settings,
  billing_plan_versions, billing_plans;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000011_billing",
    up: UP,
    tenant_tables: TABLES,
    down: DOWN,
};
