-- Issue 15: an observation batch's audit record holds every row (decision 0040), ~190 KB of jsonb
-- for 1,000 rows, compressed into TOAST as it is written and read back whole when the audit chain
-- links it at commit (0012, 0030). PostgreSQL's default compression, pglz, took ~6.5 ms to write
-- such a record on the 2-core bench machine; lz4 took ~4.2 ms for the same size on disk (both
-- ~49 KB), and reads back a little faster. Values are the same either way: the chain hashes the
-- text, not the stored bytes, and a dump holds the text.
--
-- Only where the server was built with lz4 (PostgreSQL's Debian and most distribution builds
-- are; PGlite is not and keeps pglz). SET COMPRESSION changes only how new values are stored;
-- records already written stay as they are, readable alike.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings
              WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE audit_events ALTER COLUMN "after" SET COMPRESSION lz4;
    ALTER TABLE audit_events ALTER COLUMN "before" SET COMPRESSION lz4;
  END IF;
END $$;
