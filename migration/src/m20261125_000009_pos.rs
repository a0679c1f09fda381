//! The point of sale: shifts with their cash drawer, tickets and their lines,
//! payments, refunds, and the per-day ticket numbers.

use crate::Sql;

const UP: &str = r#"
CREATE TABLE pos_shifts (
  tenant_id           uuid NOT NULL,
  id                  uuid NOT NULL,
  location_id         uuid NOT NULL,
  currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  opening_float_minor bigint NOT NULL CHECK (opening_float_minor >= 0),
  opened_by           uuid,
  opened_at           timestamptz NOT NULL DEFAULT now(),
  counted_cash_minor  bigint,
  expected_cash_minor bigint,
  variance_minor      bigint,
  close_note          text CHECK (length(close_note) <= 500),
  closed_by           uuid,
  closed_at           timestamptz,
  -- the Z report, frozen at close
  z_report            jsonb,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id)
);
-- One drawer per location is open at a time.
CREATE UNIQUE INDEX pos_shifts_one_open ON pos_shifts (tenant_id, location_id) WHERE status = 'open';

CREATE TABLE pos_cash_movements (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL,
  shift_id     uuid NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('in', 'out')),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  created_by   uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, shift_id) REFERENCES pos_shifts (tenant_id, id)
);

CREATE TABLE pos_ticket_counters (
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  business_day date NOT NULL,
  last_number  integer NOT NULL,
  PRIMARY KEY (tenant_id, business_day)
);

CREATE TABLE pos_tickets (
  tenant_id              uuid NOT NULL,
  id                     uuid NOT NULL,
  location_id            uuid NOT NULL,
  business_day           date NOT NULL,
  number                 integer NOT NULL,
  label                  text CHECK (length(label) <= 100),
  status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'settled', 'voided')),
  -- fixed by the first line when not given at opening
  currency               text CHECK (currency ~ '^[A-Z]{3}$'),
  discount_kind          text CHECK (discount_kind IN ('percent', 'amount')),
  discount_value         bigint,
  discount_reason        text,
  service_charge_bp      integer NOT NULL DEFAULT 0 CHECK (service_charge_bp BETWEEN 0 AND 10000),
  subtotal_minor         bigint NOT NULL DEFAULT 0,
  discount_minor         bigint NOT NULL DEFAULT 0,
  tax_minor              bigint NOT NULL DEFAULT 0,
  service_charge_minor   bigint NOT NULL DEFAULT 0,
  total_minor            bigint NOT NULL DEFAULT 0,
  paid_minor             bigint NOT NULL DEFAULT 0,
  tip_minor              bigint NOT NULL DEFAULT 0,
  refunded_minor         bigint NOT NULL DEFAULT 0,
  opened_by              uuid,
  opened_at              timestamptz NOT NULL DEFAULT now(),
  sent_at                timestamptz,
  settled_at             timestamptz,
  voided_at              timestamptz,
  void_reason            text,
  version                bigint NOT NULL DEFAULT 1,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, location_id) REFERENCES locations (tenant_id, id),
  UNIQUE (tenant_id, business_day, number),
  CHECK ((discount_kind IS NULL) = (discount_value IS NULL)),
  CHECK (paid_minor <= total_minor)
);
CREATE INDEX pos_tickets_location_idx ON pos_tickets (tenant_id, location_id, status, id);

CREATE TABLE pos_ticket_lines (
  tenant_id        uuid NOT NULL,
  id               uuid NOT NULL,
  ticket_id        uuid NOT NULL,
  position         integer NOT NULL,
  menu_item_id     uuid NOT NULL,
  variant_id       uuid,
  sku              text NOT NULL,
  name             text NOT NULL,
  variant_name     text,
  quantity         integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  -- the item's price plus the variant's delta, when the line was added
  unit_price_minor bigint NOT NULL,
  -- [{modifierId, groupId, name, priceDeltaMinor}], as chosen
  modifiers        jsonb NOT NULL DEFAULT '[]',
  tax_rate_bp      integer NOT NULL,
  note             text CHECK (length(note) <= 500),
  discount_kind    text CHECK (discount_kind IN ('percent', 'amount')),
  discount_value   bigint,
  discount_reason  text,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'voided')),
  void_reason      text,
  gross_minor      bigint NOT NULL DEFAULT 0,
  discount_minor   bigint NOT NULL DEFAULT 0,
  net_minor        bigint NOT NULL DEFAULT 0,
  tax_minor        bigint NOT NULL DEFAULT 0,
  -- how many of this line have been refunded with restock (never more than quantity)
  returned         integer NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= quantity),
  sent_at          timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES pos_tickets (tenant_id, id),
  FOREIGN KEY (tenant_id, menu_item_id) REFERENCES menu_items (tenant_id, id),
  CHECK ((discount_kind IS NULL) = (discount_value IS NULL))
);
CREATE INDEX pos_ticket_lines_ticket_idx ON pos_ticket_lines (tenant_id, ticket_id, position);

CREATE TABLE pos_payments (
  tenant_id       uuid NOT NULL,
  id              uuid NOT NULL,
  ticket_id       uuid NOT NULL,
  shift_id        uuid,
  method          text NOT NULL CHECK (method IN ('cash', 'card')),
  -- what the payment put against the ticket's total
  amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
  tip_minor       bigint NOT NULL DEFAULT 0 CHECK (tip_minor >= 0),
  tendered_minor  bigint,
  change_minor    bigint NOT NULL DEFAULT 0 CHECK (change_minor >= 0),
  currency        text NOT NULL,
  card_brand      text,
  card_last4      text,
  provider_ref    text,
  refunded_minor  bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES pos_tickets (tenant_id, id),
  FOREIGN KEY (tenant_id, shift_id) REFERENCES pos_shifts (tenant_id, id),
  CHECK (refunded_minor <= amount_minor + tip_minor)
);
CREATE INDEX pos_payments_ticket_idx ON pos_payments (tenant_id, ticket_id);
CREATE INDEX pos_payments_shift_idx ON pos_payments (tenant_id, shift_id);

CREATE TABLE pos_refunds (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL,
  ticket_id    uuid NOT NULL,
  payment_id   uuid NOT NULL,
  shift_id     uuid,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  restock      boolean NOT NULL,
  -- [{lineId, quantity}] put back on the shelf
  lines        jsonb NOT NULL DEFAULT '[]',
  provider_ref text,
  created_by   uuid,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES pos_payments (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES pos_tickets (tenant_id, id),
  FOREIGN KEY (tenant_id, shift_id) REFERENCES pos_shifts (tenant_id, id)
);
CREATE INDEX pos_refunds_ticket_idx ON pos_refunds (tenant_id, ticket_id);

GRANT SELECT, INSERT, UPDATE
  ON pos_shifts, pos_cash_movements, pos_ticket_counters, pos_tickets, pos_ticket_lines, pos_payments, pos_refunds
  TO platform_app, platform_system;
"#;

const TABLES: &[&str] = &[
    "pos_shifts",
    "pos_cash_movements",
    "pos_ticket_counters",
    "pos_tickets",
    "pos_ticket_lines",
    "pos_payments",
    "pos_refunds",
];

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261125_000009_pos",
    up: UP,
    tenant_tables: TABLES,
    down: "DROP TABLE IF EXISTS pos_refunds, pos_payments, pos_ticket_lines, pos_tickets,
               pos_ticket_counters, pos_cash_movements, pos_shifts;",
};
