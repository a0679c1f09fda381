//! The support inbox: tickets a business opens, the public conversation,
//! attachments, SLA clocks in the operator's business hours, and the
//! operator's internal notes.
//!
//! Internal notes live in a table `platform_app` has no grant on: a
//! tenant's transaction cannot read one however it asks, so no tenant-facing
//! path (query, subscription, REST, email, export, backup) can leak one.

use crate::Sql;

const UP: &str = r#"
-- The operator's support calendar and rules (one row).
CREATE TABLE support_settings (
  id               boolean PRIMARY KEY DEFAULT true CHECK (id),
  time_zone        text NOT NULL DEFAULT 'UTC',
  -- [{"weekday": 1..7 (ISO, Monday 1), "opens": minute, "closes": minute}, ...]
  hours            jsonb NOT NULL,
  holidays         date[] NOT NULL DEFAULT '{}',
  -- solved tickets close this long after they were solved
  auto_close_hours integer NOT NULL DEFAULT 96 CHECK (auto_close_hours BETWEEN 1 AND 8760),
  -- a clock is near breach once this share of its target has elapsed
  warn_percent     integer NOT NULL DEFAULT 80 CHECK (warn_percent BETWEEN 1 AND 99),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO support_settings (hours) VALUES (
  '[{"weekday":1,"opens":540,"closes":1020},{"weekday":2,"opens":540,"closes":1020},
    {"weekday":3,"opens":540,"closes":1020},{"weekday":4,"opens":540,"closes":1020},
    {"weekday":5,"opens":540,"closes":1020}]'
);

-- Targets per priority, in business minutes.
CREATE TABLE support_sla_policies (
  priority            text PRIMARY KEY CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  first_reply_minutes integer NOT NULL CHECK (first_reply_minutes BETWEEN 1 AND 525600),
  next_reply_minutes  integer NOT NULL CHECK (next_reply_minutes BETWEEN 1 AND 525600),
  resolution_minutes  integer NOT NULL CHECK (resolution_minutes BETWEEN 1 AND 525600),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
INSERT INTO support_sla_policies (priority, first_reply_minutes, next_reply_minutes, resolution_minutes) VALUES
  ('urgent', 60, 120, 480),
  ('high', 240, 480, 1440),
  ('normal', 480, 960, 2880),
  ('low', 1440, 1440, 4800);

CREATE SEQUENCE support_ticket_numbers AS integer START 1001;

CREATE TABLE support_tickets (
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id               uuid NOT NULL,
  -- what people quote on the phone: #1042
  number           integer NOT NULL DEFAULT nextval('support_ticket_numbers'),
  subject          text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  category         text NOT NULL
                   CHECK (category IN ('account', 'billing', 'technical', 'menu_and_pos', 'feature_request', 'other')),
  priority         text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status           text NOT NULL DEFAULT 'new'
                   CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
  requester_id     uuid NOT NULL,
  assignee_id      uuid REFERENCES superadmins (id),
  -- the earliest due time of a running SLA clock: the queue's sort key
  sla_due_at       timestamptz,
  sla_breached     boolean NOT NULL DEFAULT false,
  first_replied_at timestamptz,
  solved_at        timestamptz,
  closed_at        timestamptz,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (number),
  FOREIGN KEY (tenant_id, requester_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
  CHECK ((status IN ('solved', 'closed')) = (solved_at IS NOT NULL)),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX support_tickets_by_tenant ON support_tickets (tenant_id, created_at DESC);
CREATE INDEX support_tickets_queue ON support_tickets (sla_due_at NULLS LAST, created_at)
  WHERE status NOT IN ('solved', 'closed');
CREATE INDEX support_tickets_solved ON support_tickets (solved_at) WHERE status = 'solved';

-- The public conversation: what the business and the operator both see.
CREATE TABLE support_messages (
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id                 uuid NOT NULL,
  ticket_id          uuid NOT NULL,
  author_user_id     uuid,
  author_operator_id uuid,
  -- kept as written, so a tenant never reads the superadmins table
  author_name        text NOT NULL,
  body               text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_at         timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES support_tickets (tenant_id, id) ON DELETE CASCADE,
  CHECK ((author_user_id IS NULL) <> (author_operator_id IS NULL))
);
CREATE INDEX support_messages_by_ticket ON support_messages (tenant_id, ticket_id, created_at);

-- Files people attach: uploaded first, then claimed by a message.
CREATE TABLE support_attachments (
  tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id                   uuid NOT NULL,
  ticket_id            uuid,
  message_id           uuid,
  file_name            text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type         text NOT NULL CHECK (length(content_type) BETWEEN 3 AND 100),
  size_bytes           bigint NOT NULL CHECK (size_bytes > 0),
  sha256               text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_by_user     uuid,
  uploaded_by_operator uuid,
  created_at           timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES support_tickets (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, message_id) REFERENCES support_messages (tenant_id, id) ON DELETE CASCADE,
  CHECK ((ticket_id IS NULL) = (message_id IS NULL)),
  CHECK ((uploaded_by_user IS NULL) <> (uploaded_by_operator IS NULL))
);
CREATE INDEX support_attachments_by_message ON support_attachments (tenant_id, message_id);
CREATE INDEX support_attachments_unclaimed ON support_attachments (created_at) WHERE message_id IS NULL;

-- The SLA clocks of a ticket, counted in business seconds.
CREATE TABLE support_sla_clocks (
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  ticket_id       uuid NOT NULL,
  metric          text NOT NULL CHECK (metric IN ('first_reply', 'next_reply', 'resolution')),
  target_minutes  integer NOT NULL CHECK (target_minutes > 0),
  -- business seconds counted before `running_since`
  elapsed_seconds bigint NOT NULL DEFAULT 0 CHECK (elapsed_seconds >= 0),
  -- set while the clock runs; null while paused or stopped
  running_since   timestamptz,
  due_at          timestamptz,
  warn_at         timestamptz,
  warned_at       timestamptz,
  breached_at     timestamptz,
  stopped_at      timestamptz,
  PRIMARY KEY (tenant_id, ticket_id, metric),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES support_tickets (tenant_id, id) ON DELETE CASCADE,
  CHECK ((running_since IS NULL) = (due_at IS NULL)),
  CHECK (running_since IS NULL OR stopped_at IS NULL)
);
CREATE INDEX support_sla_clocks_due ON support_sla_clocks (due_at) WHERE running_since IS NOT NULL;

-- The operator's notes: never granted to platform_app.
CREATE TABLE support_internal_notes (
  id                 uuid PRIMARY KEY,
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  ticket_id          uuid NOT NULL,
  author_operator_id uuid NOT NULL REFERENCES superadmins (id),
  body               text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
  created_at         timestamptz NOT NULL,
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES support_tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX support_internal_notes_by_ticket ON support_internal_notes (tenant_id, ticket_id, created_at);

GRANT SELECT ON support_settings, support_sla_policies TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON support_settings, support_sla_policies TO platform_system;
GRANT USAGE ON SEQUENCE support_ticket_numbers TO platform_app, platform_system;
GRANT SELECT, INSERT, UPDATE ON support_tickets, support_messages, support_sla_clocks TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON support_attachments TO platform_app;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON support_tickets, support_messages, support_attachments, support_sla_clocks, support_internal_notes
  TO platform_system;
"#;

const DOWN: &str = r#"
DROP TABLE IF EXISTS support_internal_notes;
DROP TABLE IF EXISTS support_sla_clocks;
DROP TABLE IF EXISTS support_attachments;
DROP TABLE IF EXISTS support_messages;
DROP TABLE IF EXISTS support_tickets;
DROP SEQUENCE IF EXISTS support_ticket_numbers;
DROP TABLE IF EXISTS support_sla_policies;
DROP TABLE IF EXISTS support_settings;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000015_support",
    up: UP,
    tenant_tables: &[
        "support_tickets",
        "support_messages",
        "support_attachments",
        "support_sla_clocks",
        // Under the tenant policy too, though platform_app has no grant on it.
        "support_internal_notes",
    ],
    down: DOWN,
};
