//! The kitchen: stations per location, routing rules from the menu to the
//! stations, and kitchen items (one line's work on one station, routed when
//! fired and frozen there) with their states and timings. Tickets carry a
//! dining option, which routing may depend on.

use crate::Sql;

const UP: &str = r#"
ALTER TABLE pos_tickets
  ADD COLUMN dining_option text NOT NULL DEFAULT 'dine_in'
    CHECK (dining_option IN ('dine_in', 'takeout', 'delivery'));

CREATE TABLE kitchen_stations (
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id               uuid NOT NULL,
  location_id      uuid NOT NULL,
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  is_expo          boolean NOT NULL DEFAULT false,
  expo_mode        text NOT NULL DEFAULT 'send_to_expo'
                   CHECK (expo_mode IN ('send_to_expo', 'expo_only', 'skip_expo')),
  prep_target_secs integer NOT NULL CHECK (prep_target_secs BETWEEN 1 AND 86400),
  warn_after_secs  integer NOT NULL CHECK (warn_after_secs BETWEEN 1 AND 86400),
  late_after_secs  integer NOT NULL CHECK (late_after_secs BETWEEN 1 AND 86400),
  active           boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id),
  CHECK (warn_after_secs < late_after_secs)
);
CREATE UNIQUE INDEX kitchen_stations_name_key ON kitchen_stations (tenant_id, location_id, lower(name));
-- One expo per location: the screen that sees a ticket whole.
CREATE UNIQUE INDEX kitchen_stations_one_expo ON kitchen_stations (tenant_id, location_id) WHERE is_expo;

-- A menu category's, item's or modifier's lines go to these stations (for
-- one dining option, or for any when dining_option is 'any').
CREATE TABLE kitchen_routes (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  location_id   uuid NOT NULL,
  target_kind   text NOT NULL CHECK (target_kind IN ('category', 'item', 'modifier')),
  target_id     uuid NOT NULL,
  dining_option text NOT NULL CHECK (dining_option IN ('any', 'dine_in', 'takeout', 'delivery')),
  station_id    uuid NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, location_id, target_kind, target_id, dining_option, station_id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id),
  FOREIGN KEY (tenant_id, station_id) REFERENCES kitchen_stations (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE kitchen_items (
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id            uuid NOT NULL,
  location_id   uuid NOT NULL,
  station_id    uuid NOT NULL,
  ticket_id     uuid NOT NULL,
  line_id       uuid NOT NULL,
  -- Frozen when fired: later menu or ticket edits move no work in flight.
  ticket_number integer NOT NULL,
  ticket_label  text,
  dining_option text NOT NULL CHECK (dining_option IN ('dine_in', 'takeout', 'delivery')),
  name          text NOT NULL,
  variant_name  text,
  modifiers     text[] NOT NULL DEFAULT '{}',
  note          text,
  quantity      integer NOT NULL CHECK (quantity > 0),
  then_expo     boolean NOT NULL,
  status        text NOT NULL
                CHECK (status IN ('fired', 'started', 'ready', 'bumped', 'recalled', 'voided')),
  fired_at      timestamptz NOT NULL,
  started_at    timestamptz,
  ready_at      timestamptz,
  bumped_at     timestamptz,
  recalled_at   timestamptz,
  voided_at     timestamptz,
  expo_bumped_at timestamptz,
  version       integer NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, station_id) REFERENCES kitchen_stations (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES pos_tickets (tenant_id, id),
  FOREIGN KEY (tenant_id, line_id) REFERENCES pos_ticket_lines (tenant_id, id),
  UNIQUE (tenant_id, line_id, station_id),
  CHECK (started_at IS NULL OR started_at >= fired_at),
  CHECK (ready_at IS NULL OR ready_at >= coalesce(started_at, fired_at)),
  CHECK (bumped_at IS NULL OR bumped_at >= coalesce(ready_at, started_at, fired_at))
);
-- A station's screen: its live work, oldest first.
CREATE INDEX kitchen_items_station_live ON kitchen_items (tenant_id, station_id, fired_at)
  WHERE status IN ('fired', 'started', 'ready', 'recalled');
CREATE INDEX kitchen_items_ticket ON kitchen_items (tenant_id, ticket_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON kitchen_stations, kitchen_routes TO platform_app, platform_system;
GRANT SELECT, INSERT, UPDATE ON kitchen_items TO platform_app, platform_system;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS kitchen_items;
DROP TABLE IF EXISTS kitchen_routes;
DROP TABLE IF EXISTS kitchen_stations;
ALTER TABLE pos_tickets DROP COLUMN IF EXISTS dining_option;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000018_kitchen",
    up: UP,
    tenant_tables: &["kitchen_stations", "kitchen_routes", "kitchen_items"],
    down: DOWN,
};
