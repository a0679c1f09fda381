//! Per-tenant event streams and consumer bookkeeping.
//!
//! The outbox relay gives each tenant event a stream position (`sequence`)
//! from `tenant_event_streams` when it claims it, commits that, then
//! publishes. Positions follow publication order, not insert order, so a
//! client resuming "after N" can never skip an event that committed late.

use crate::Sql;

const UP: &str = r#"
ALTER TABLE event_outbox
  ADD COLUMN sequence bigint,
  ADD COLUMN published_at timestamptz;
CREATE UNIQUE INDEX event_outbox_tenant_sequence_key ON event_outbox (tenant_id, sequence) WHERE sequence IS NOT NULL;

CREATE TABLE tenant_event_streams (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  last_sequence bigint NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Which consumer applied which event: a redelivered event changes nothing.
CREATE TABLE consumed_events (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  consumer   text NOT NULL,
  event_id   uuid NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, consumer, event_id)
);

GRANT SELECT ON tenant_event_streams TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_event_streams TO platform_system;
GRANT SELECT, INSERT ON consumed_events TO platform_app;
GRANT SELECT, INSERT, DELETE ON consumed_events TO platform_system;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS consumed_events, tenant_event_streams;
DROP INDEX IF EXISTS event_outbox_tenant_sequence_key;
ALTER TABLE event_outbox DROP COLUMN IF EXISTS sequence, DROP COLUMN IF EXISTS published_at;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261124_000005_event_streams",
    up: UP,
    tenant_tables: &["tenant_event_streams", "consumed_events"],
    down: DOWN,
};
