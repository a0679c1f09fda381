//! Maintenance windows: the operator's planned downtime of the platform or
//! of chosen modules, with Statuspage's states, a reminder, weekly
//! recurrence in a stated time zone. The request guard reads them through
//! the access statement (`schema::maintenance::maintenance_now!`).

use crate::Sql;

const UP: &str = r#"
CREATE TABLE maintenance_windows (
  id              uuid PRIMARY KEY,
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  message         text NOT NULL DEFAULT '' CHECK (length(message) <= 5000),
  -- the modules it takes down; empty: all of them
  modules         text[] NOT NULL DEFAULT '{}',
  status          text NOT NULL DEFAULT 'scheduled'
                  CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled')),
  starts_at       timestamptz NOT NULL,
  ends_at         timestamptz NOT NULL,
  -- the zone whose wall-clock time a weekly window keeps
  time_zone       text NOT NULL DEFAULT 'UTC',
  repeats_weekly  boolean NOT NULL DEFAULT false,
  -- the first occurrence's id: every occurrence of a weekly window shares it
  series_id       uuid NOT NULL,
  remind_minutes  integer NOT NULL DEFAULT 60 CHECK (remind_minutes BETWEEN 0 AND 10080),
  reminded_at     timestamptz,
  started_at      timestamptz,
  finished_at     timestamptz,
  -- the banner that tells tenants about it
  announcement_id uuid REFERENCES announcements (id),
  created_by      uuid,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  CHECK (ends_at > starts_at),
  CHECK ((status IN ('completed', 'cancelled')) = (finished_at IS NOT NULL))
);
CREATE INDEX maintenance_windows_open ON maintenance_windows (starts_at)
  WHERE status IN ('scheduled', 'in_progress');
-- one next occurrence per weekly series
CREATE UNIQUE INDEX maintenance_windows_series_start ON maintenance_windows (series_id, starts_at);
GRANT SELECT ON maintenance_windows TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON maintenance_windows TO platform_system;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS maintenance_windows;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000013_maintenance_windows",
    up: UP,
    tenant_tables: &[],
    down: DOWN,
};
