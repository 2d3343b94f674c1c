-- @socket.io/postgres-adapter: socket.io broadcasts travel between Tower instances as
-- NOTIFY payloads; one over 8000 bytes (or with binary data) is stored here and the NOTIFY
-- carries its id. Rows are only read within seconds; the adapter deletes those older than
-- its cleanup interval (30 s). Unlogged: nothing here needs to survive a crash.
CREATE UNLOGGED TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  payload bytea NOT NULL
);
