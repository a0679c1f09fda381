//! The audit trail (append-only, partitioned by month) and the transactional outbox.

use crate::Sql;

const UP: &str = r#"
-- tenant_id is NULL for platform-level actions (a superadmin editing the
-- module registry); row-level security hides those rows from every tenant.
CREATE TABLE audit_events (
  id          uuid NOT NULL,
  tenant_id   uuid,
  actor_type  text NOT NULL CHECK (actor_type IN ('anonymous', 'user', 'api_key', 'superadmin', 'system')),
  actor_id    uuid,
  action      text NOT NULL,
  entity_type text NOT NULL,
  entity_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE INDEX audit_events_tenant_created_idx ON audit_events (tenant_id, created_at DESC, id DESC);
CREATE INDEX audit_events_tenant_entity_idx ON audit_events (tenant_id, entity_type, entity_id);

-- Append-only for everybody, the owner included; old partitions are detached
-- and dropped whole for retention, never edited row by row.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update_or_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Creates the monthly partitions from last month to `months_ahead` months
-- ahead; safe to call from several replicas at once. Returns how many it made.
CREATE FUNCTION ensure_audit_partitions(months_ahead integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  first_month date := (date_trunc('month', now() AT TIME ZONE 'UTC'))::date;
  month_start date;
  part text;
  made integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('ensure_audit_partitions'));
  FOR i IN -1..greatest(months_ahead, 0) LOOP
    month_start := (first_month + make_interval(months => i))::date;
    part := format('audit_events_%s', to_char(month_start, 'YYYYMM'));
    IF to_regclass(part) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
        part,
        month_start::text || ' 00:00:00+00',
        (month_start + interval '1 month')::date::text || ' 00:00:00+00');
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END
$$;
REVOKE ALL ON FUNCTION ensure_audit_partitions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_audit_partitions(integer) TO platform_system;
SELECT ensure_audit_partitions(3);

GRANT SELECT, INSERT ON audit_events TO platform_app, platform_system;

-- One row per domain event, written in the same transaction as the change.
-- The relay claims pending rows across tenants (as platform_system), which is
-- why its claim index leads with the schedule rather than the tenant.
CREATE TABLE event_outbox (
  id              uuid PRIMARY KEY,
  tenant_id       uuid,
  event_type      text NOT NULL CHECK (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  entity_id       text,
  entity_version  bigint NOT NULL DEFAULT 1,
  payload         jsonb NOT NULL DEFAULT '{}',
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dispatched', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  dispatched_at   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_outbox_tenant_created_idx ON event_outbox (tenant_id, created_at);
CREATE INDEX event_outbox_claim_idx ON event_outbox (next_attempt_at) WHERE status = 'pending';

-- Wakes the relay when events commit (NOTIFY is delivered at commit).
CREATE FUNCTION event_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('event_outbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER event_outbox_notify AFTER INSERT ON event_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION event_outbox_notify();

GRANT SELECT, INSERT ON event_outbox TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON event_outbox TO platform_system;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS event_outbox;
DROP FUNCTION IF EXISTS event_outbox_notify();
DROP TABLE IF EXISTS audit_events;
DROP FUNCTION IF EXISTS ensure_audit_partitions(integer);
DROP FUNCTION IF EXISTS audit_events_append_only();
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261124_000003_audit_and_outbox",
    up: UP,
    tenant_tables: &["audit_events", "event_outbox"],
    down: DOWN,
};
