-- The analytics relay (analytics/relay) copies the outbox to ClickHouse.
--
-- 1. Every statement that inserts outbox rows wakes the relays with NOTIFY outbox (empty
--    payload: the relay reads the rows itself). Statement-level, so an order's three events
--    cost one notification, and PostgreSQL folds identical notifications of one transaction
--    into one. Delivered at commit only, so a relay never wakes for a rolled-back change.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER outbox_notify
  AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();--> statement-breakpoint

-- 2. How far each ClickHouse store has been fed. `target` is the id that store keeps in its
--    own `tower_meta` table, so a new or wiped ClickHouse starts from the beginning on its own.
--    Every outbox id <= last_id is in that store (or was never committed); pending_to is the
--    batch (last_id, pending_to] being inserted right now: after a crash it is sent again,
--    identical and with the same insert_deduplication_token, so ClickHouse drops the copy.
--    generation changes on a rebuild, so the tokens of a replay never match older ones.
--    Only the relay reads and writes this table, with plain SQL (no drizzle schema).
CREATE TABLE relay_progress (
  target text PRIMARY KEY,
  last_id bigint NOT NULL DEFAULT 0,
  pending_to bigint,
  generation integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT relay_progress_pending_after_last CHECK (pending_to IS NULL OR pending_to > last_id)
);
