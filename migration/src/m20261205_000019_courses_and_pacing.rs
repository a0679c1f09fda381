//! Courses and pacing: ticket lines carry a course (and a seat, for splits);
//! kitchen items may be held before they are fired (until the previous
//! course is bumped, until a time, or until someone fires them) and know
//! their prep time, so a ticket's items can be fired to finish together.
//! Tickets can be merged into another (the merged one keeps its number, as
//! `merged`, pointing at the ticket that took its lines).

use crate::Sql;

const UP: &str = r#"
ALTER TABLE pos_ticket_lines
  ADD COLUMN course integer NOT NULL DEFAULT 1 CHECK (course BETWEEN 1 AND 9),
  ADD COLUMN seat   integer CHECK (seat BETWEEN 1 AND 99);

ALTER TABLE pos_tickets
  DROP CONSTRAINT pos_tickets_status_check,
  ADD CONSTRAINT pos_tickets_status_check CHECK (status IN ('open', 'settled', 'voided', 'merged')),
  ADD COLUMN merged_into uuid,
  ADD CONSTRAINT pos_tickets_merged_into_fkey
    FOREIGN KEY (tenant_id, merged_into) REFERENCES pos_tickets (tenant_id, id),
  ADD CONSTRAINT pos_tickets_merged_check CHECK ((status = 'merged') = (merged_into IS NOT NULL));

-- How long the item takes to make; the station's target when unset.
ALTER TABLE menu_items
  ADD COLUMN prep_secs integer CHECK (prep_secs BETWEEN 1 AND 86400);

ALTER TABLE kitchen_items
  DROP CONSTRAINT kitchen_items_status_check,
  ADD CONSTRAINT kitchen_items_status_check
    CHECK (status IN ('held', 'fired', 'started', 'ready', 'bumped', 'recalled', 'voided')),
  ALTER COLUMN fired_at DROP NOT NULL,
  ADD COLUMN course    integer NOT NULL DEFAULT 1 CHECK (course BETWEEN 1 AND 9),
  -- When the item reached the kitchen, held or fired.
  ADD COLUMN sent_at   timestamptz,
  -- Why it was held: until the previous course is bumped, until fire_at,
  -- or until someone fires it. Kept once fired, for the record.
  ADD COLUMN hold      text CHECK (hold IN ('course', 'time', 'hand')),
  ADD COLUMN fire_at   timestamptz,
  -- Fired with its ticket's other items so they finish together.
  ADD COLUMN paced     boolean NOT NULL DEFAULT false,
  ADD COLUMN prep_secs integer NOT NULL DEFAULT 600 CHECK (prep_secs BETWEEN 1 AND 86400);
UPDATE kitchen_items SET sent_at = fired_at;
ALTER TABLE kitchen_items
  ALTER COLUMN sent_at SET NOT NULL,
  -- Held work has not been fired; everything else was, except work voided
  -- while it was held.
  ADD CONSTRAINT kitchen_items_held_check CHECK (
    (status = 'held' AND fired_at IS NULL AND hold IS NOT NULL)
    OR (status = 'voided' AND fired_at IS NULL)
    OR (status NOT IN ('held') AND fired_at IS NOT NULL)),
  ADD CONSTRAINT kitchen_items_timed_check CHECK (hold IS DISTINCT FROM 'time' OR fire_at IS NOT NULL),
  ADD CONSTRAINT kitchen_items_sent_check CHECK (fired_at IS NULL OR fired_at >= sent_at);
-- The scheduler's scan: held work due at a time, across tenants.
CREATE INDEX kitchen_items_due ON kitchen_items (fire_at) WHERE status = 'held' AND hold = 'time';
"#;

const DOWN: &str = r#"
DROP INDEX IF EXISTS kitchen_items_due;
DELETE FROM kitchen_items WHERE fired_at IS NULL;
ALTER TABLE kitchen_items
  DROP CONSTRAINT IF EXISTS kitchen_items_held_check,
  DROP CONSTRAINT IF EXISTS kitchen_items_timed_check,
  DROP CONSTRAINT IF EXISTS kitchen_items_sent_check,
  DROP COLUMN IF EXISTS course, DROP COLUMN IF EXISTS sent_at, DROP COLUMN IF EXISTS hold,
  DROP COLUMN IF EXISTS fire_at, DROP COLUMN IF EXISTS paced, DROP COLUMN IF EXISTS prep_secs,
  ALTER COLUMN fired_at SET NOT NULL,
  DROP CONSTRAINT kitchen_items_status_check,
  ADD CONSTRAINT kitchen_items_status_check
    CHECK (status IN ('fired', 'started', 'ready', 'bumped', 'recalled', 'voided'));
ALTER TABLE menu_items DROP COLUMN IF EXISTS prep_secs;
ALTER TABLE pos_tickets
  DROP CONSTRAINT IF EXISTS pos_tickets_merged_check,
  DROP CONSTRAINT IF EXISTS pos_tickets_merged_into_fkey,
  DROP COLUMN IF EXISTS merged_into;
UPDATE pos_tickets SET status = 'voided' WHERE status = 'merged';
ALTER TABLE pos_tickets
  DROP CONSTRAINT pos_tickets_status_check,
  ADD CONSTRAINT pos_tickets_status_check CHECK (status IN ('open', 'settled', 'voided'));
ALTER TABLE pos_ticket_lines DROP COLUMN IF EXISTS course, DROP COLUMN IF EXISTS seat;
"#;

pub(crate) const MIGRATION: Sql = Sql {
    name: "m20261205_000019_courses_and_pacing",
    up: UP,
    tenant_tables: &[],
    down: DOWN,
};
