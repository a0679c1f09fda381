//! The menu: categories, items with variants, modifier groups and modifiers.

use crate::Sql;

const UP: &str = r#"
CREATE TABLE menu_categories (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id         uuid NOT NULL,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  sort_order integer NOT NULL DEFAULT 0,
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX menu_categories_tenant_name_key ON menu_categories (tenant_id, lower(name));

CREATE TABLE menu_items (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  category_id uuid NOT NULL,
  sku         text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text NOT NULL DEFAULT '',
  price_minor bigint NOT NULL CHECK (price_minor >= 0),
  currency    text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- basis points: 2000 = 20 %
  tax_rate_bp integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
  active      boolean NOT NULL DEFAULT true,
  sold_out    boolean NOT NULL DEFAULT false,
  version     bigint NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES menu_categories (tenant_id, id)
);
CREATE UNIQUE INDEX menu_items_tenant_sku_key ON menu_items (tenant_id, sku) WHERE deleted_at IS NULL;
CREATE INDEX menu_items_tenant_category_idx ON menu_items (tenant_id, category_id) WHERE deleted_at IS NULL;

CREATE TABLE menu_item_variants (
  tenant_id         uuid NOT NULL,
  id                uuid NOT NULL,
  item_id           uuid NOT NULL,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  price_delta_minor bigint NOT NULL DEFAULT 0,
  sort_order        integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, item_id) REFERENCES menu_items (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX menu_item_variants_name_key ON menu_item_variants (tenant_id, item_id, lower(name));

CREATE TABLE modifier_groups (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id         uuid NOT NULL,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  min_select integer NOT NULL CHECK (min_select >= 0),
  max_select integer NOT NULL CHECK (max_select >= 1),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  CHECK (min_select <= max_select)
);

CREATE TABLE modifiers (
  tenant_id         uuid NOT NULL,
  id                uuid NOT NULL,
  group_id          uuid NOT NULL,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  price_delta_minor bigint NOT NULL DEFAULT 0,
  sort_order        integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES modifier_groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX modifiers_tenant_group_idx ON modifiers (tenant_id, group_id);

CREATE TABLE menu_item_modifier_groups (
  tenant_id  uuid NOT NULL,
  item_id    uuid NOT NULL,
  group_id   uuid NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, item_id, group_id),
  FOREIGN KEY (tenant_id, item_id) REFERENCES menu_items (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, group_id) REFERENCES modifier_groups (tenant_id, id) ON DELETE CASCADE
);

GRANT SELECT, INSERT, UPDATE, DELETE
  ON menu_categories, menu_items, menu_item_variants, modifier_groups, modifiers, menu_item_modifier_groups
  TO platform_app, platform_system;
"#;

const TABLES: &[&str] = &[
    "menu_categories",
    "menu_items",
    "menu_item_variants",
    "modifier_groups",
    "modifiers",
    "menu_item_modifier_groups",
];

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261124_000007_menu",
    up: UP,
    tenant_tables: TABLES,
    down: "DROP TABLE IF EXISTS menu_item_modifier_groups, modifiers, modifier_groups, menu_item_variants, menu_items, menu_categories;",
};
