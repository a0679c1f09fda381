//! Locations (the business's sites), per-location menu availability, the
//! inventory (stock items, an append-only movement ledger, levels, counts,
//! transfers, recipes) and idempotency keys for writes a terminal retries.

use crate::Sql;

const UP: &str = r#"
CREATE TABLE locations (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id         uuid NOT NULL,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- IANA zone: the business day (ticket numbers, Z reports) follows local time
  timezone   text NOT NULL DEFAULT 'UTC',
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX locations_tenant_name_key ON locations (tenant_id, lower(name));

-- An item is available everywhere unless a row here says otherwise.
CREATE TABLE menu_item_locations (
  tenant_id   uuid NOT NULL,
  item_id     uuid NOT NULL,
  location_id uuid NOT NULL,
  sold_out    boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, item_id, location_id),
  FOREIGN KEY (tenant_id, item_id) REFERENCES menu_items (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE stock_items (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  sku          text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  unit         text NOT NULL CHECK (unit IN ('each', 'g', 'kg', 'ml', 'l')),
  -- a retail item: selling this menu item consumes one of this stock item
  menu_item_id uuid,
  active       boolean NOT NULL DEFAULT true,
  version      bigint NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, menu_item_id) REFERENCES menu_items (tenant_id, id)
);
CREATE UNIQUE INDEX stock_items_tenant_sku_key ON stock_items (tenant_id, lower(sku));
CREATE UNIQUE INDEX stock_items_tenant_menu_item_key ON stock_items (tenant_id, menu_item_id) WHERE menu_item_id IS NOT NULL;

-- Quantities are thousandths of the stock item's unit.
CREATE TABLE stock_levels (
  tenant_id           uuid NOT NULL,
  stock_item_id       uuid NOT NULL,
  location_id         uuid NOT NULL,
  on_hand_milli       bigint NOT NULL DEFAULT 0,
  reorder_point_milli bigint CHECK (reorder_point_milli >= 0),
  -- the count movement that on-hand starts from (NULL: from zero)
  last_count_at       timestamptz,
  last_count_id       uuid,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, stock_item_id, location_id),
  FOREIGN KEY (tenant_id, stock_item_id) REFERENCES stock_items (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX stock_levels_tenant_location_idx ON stock_levels (tenant_id, location_id);

-- Append-only: the application role may only read and insert.
CREATE TABLE stock_movements (
  tenant_id      uuid NOT NULL,
  id             uuid NOT NULL,
  stock_item_id  uuid NOT NULL,
  location_id    uuid NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('received', 'sale', 'waste', 'count_correction',
                                               'transfer_out', 'transfer_in', 'refund_return')),
  -- the signed change; for a count, the variance it revealed
  quantity_milli bigint NOT NULL,
  -- a count's absolute quantity: on-hand restarts from it
  counted_milli  bigint,
  occurred_at    timestamptz NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  reason         text CHECK (length(reason) <= 500),
  source_type    text,
  source_id      uuid,
  actor_id       uuid,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, stock_item_id) REFERENCES stock_items (tenant_id, id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id),
  CHECK ((kind = 'count_correction') = (counted_milli IS NOT NULL)),
  CHECK (kind = 'count_correction' OR quantity_milli <> 0)
);
CREATE INDEX stock_movements_level_idx ON stock_movements (tenant_id, stock_item_id, location_id, occurred_at, id);
CREATE INDEX stock_movements_source_idx ON stock_movements (tenant_id, source_type, source_id);

CREATE TABLE stock_counts (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  location_id uuid NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'posted', 'cancelled')),
  note        text CHECK (length(note) <= 500),
  started_by  uuid,
  started_at  timestamptz NOT NULL DEFAULT now(),
  closed_at   timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id)
);

CREATE TABLE stock_count_lines (
  tenant_id      uuid NOT NULL,
  count_id       uuid NOT NULL,
  stock_item_id  uuid NOT NULL,
  counted_milli  bigint NOT NULL CHECK (counted_milli >= 0),
  counted_at     timestamptz NOT NULL,
  -- filled when the count is posted
  expected_milli bigint,
  PRIMARY KEY (tenant_id, count_id, stock_item_id),
  FOREIGN KEY (tenant_id, count_id) REFERENCES stock_counts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, stock_item_id) REFERENCES stock_items (tenant_id, id)
);

CREATE TABLE stock_transfers (
  tenant_id        uuid NOT NULL,
  id               uuid NOT NULL,
  from_location_id uuid NOT NULL,
  to_location_id   uuid NOT NULL,
  status           text NOT NULL DEFAULT 'in_transit' CHECK (status IN ('in_transit', 'received', 'cancelled')),
  note             text CHECK (length(note) <= 500),
  created_by       uuid,
  sent_at          timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, from_location_id) REFERENCES locations (tenant_id, id),
  FOREIGN KEY (tenant_id, to_location_id) REFERENCES locations (tenant_id, id),
  CHECK (from_location_id <> to_location_id)
);

CREATE TABLE stock_transfer_lines (
  tenant_id      uuid NOT NULL,
  transfer_id    uuid NOT NULL,
  stock_item_id  uuid NOT NULL,
  quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
  PRIMARY KEY (tenant_id, transfer_id, stock_item_id),
  FOREIGN KEY (tenant_id, transfer_id) REFERENCES stock_transfers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, stock_item_id) REFERENCES stock_items (tenant_id, id)
);

-- What selling a menu item (or choosing a modifier) consumes.
CREATE TABLE recipe_components (
  tenant_id      uuid NOT NULL,
  id             uuid NOT NULL,
  menu_item_id   uuid,
  modifier_id    uuid,
  stock_item_id  uuid NOT NULL,
  quantity_milli bigint NOT NULL CHECK (quantity_milli > 0),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, menu_item_id) REFERENCES menu_items (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, modifier_id) REFERENCES modifiers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, stock_item_id) REFERENCES stock_items (tenant_id, id) ON DELETE CASCADE,
  CHECK (num_nonnulls(menu_item_id, modifier_id) = 1)
);
CREATE UNIQUE INDEX recipe_components_item_key ON recipe_components (tenant_id, menu_item_id, stock_item_id) WHERE menu_item_id IS NOT NULL;
CREATE UNIQUE INDEX recipe_components_modifier_key ON recipe_components (tenant_id, modifier_id, stock_item_id) WHERE modifier_id IS NOT NULL;

-- A retried write returns its first result. The unique key makes a
-- concurrent duplicate wait on the first transaction's row.
CREATE TABLE idempotency_keys (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  operation    text NOT NULL,
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash text NOT NULL,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, operation, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

GRANT SELECT, INSERT, UPDATE, DELETE
  ON locations, menu_item_locations, stock_items, stock_levels, stock_counts, stock_count_lines,
     stock_transfers, stock_transfer_lines, recipe_components
  TO platform_app, platform_system;
GRANT SELECT, INSERT ON stock_movements TO platform_app, platform_system;
GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO platform_system;
"#;

const TABLES: &[&str] = &[
    "locations",
    "menu_item_locations",
    "stock_items",
    "stock_levels",
    "stock_movements",
    "stock_counts",
    "stock_count_lines",
    "stock_transfers",
    "stock_transfer_lines",
    "recipe_components",
    "idempotency_keys",
];

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261125_000008_locations_inventory",
    up: UP,
    tenant_tables: TABLES,
    down: "DROP TABLE IF EXISTS idempotency_keys, recipe_components, stock_transfer_lines, stock_transfers,
               stock_count_lines, stock_counts, stock_movements, stock_levels, stock_items,
               menu_item_locations, locations;",
};
