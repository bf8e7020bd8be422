-- Tamper evidence for the audit trail (docs/decisions/0021-audit-hash-chain.md): every audit_events
-- row gets one link in a single global hash chain, written by a deferred trigger at commit, and
-- signed checkpoints of the chain head are kept in audit_checkpoints. src/domain/audit-chain.ts
-- computes the same hashes independently; `v2v audit verify` compares the two.

-- Position 0 is the genesis link; each later position links one audit_events row.
CREATE TABLE audit_chain (
  seq           bigint PRIMARY KEY,
  event_id      uuid,              -- the audit_events row (null only at the genesis link)
  event_at      timestamptz,       -- copy of its time, so verify can tell a moved time from other edits
  content_hash  bytea NOT NULL,    -- sha256 of the row's canonical form (audit_canonical below)
  prev_hash     bytea NOT NULL,    -- hash of the link before (32 zero bytes at genesis)
  hash          bytea NOT NULL     -- sha256(int8 big-endian seq || prev_hash || content_hash)
);

-- Signed checkpoints of the chain head (Ed25519; the private key never enters the database).
CREATE TABLE audit_checkpoints (
  number          bigint PRIMARY KEY,   -- 1, 2, 3 … without gaps
  at              timestamptz NOT NULL,
  chain_seq       bigint NOT NULL,      -- the position whose hash is signed
  chain_hash      bytea NOT NULL,
  prev_signature  bytea,                -- the previous checkpoint's signature (null for number 1)
  key_id          text NOT NULL,        -- first 16 hex digits of sha256 of the public key
  public_key      bytea NOT NULL,       -- raw 32-byte Ed25519 public key
  signature       bytea NOT NULL        -- over the message in domain/audit-chain.ts checkpointMessage
);

CREATE TRIGGER audit_chain_no_update BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- The canonical form of an audit row, version 1: 'v2v-audit/1', then these twelve columns in this
-- order, each as '|~' when null, else '|' || byte length || ':' || text (so no two different rows
-- give the same string whatever their fields contain); the time in UTC to the microsecond; jsonb
-- in PostgreSQL's own text form (keys sorted, one spacing). PL/pgSQL rather than SQL functions:
-- a SQL function taking a row is not inlined, and PGlite then pays ~0.3 ms a call to set it up.
CREATE FUNCTION audit_canonical(e audit_events) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN 'v2v-audit/1'
    || coalesce('|' || octet_length(e.id::text) || ':' || e.id::text, '|~')
    || coalesce('|' || octet_length(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) || ':'
                    || to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '|~')
    || coalesce('|' || octet_length(e.actor_id::text) || ':' || e.actor_id::text, '|~')
    || coalesce('|' || octet_length(e.actor_name) || ':' || e.actor_name, '|~')
    || coalesce('|' || octet_length(e.site_id::text) || ':' || e.site_id::text, '|~')
    || coalesce('|' || octet_length(e.action) || ':' || e.action, '|~')
    || coalesce('|' || octet_length(e.entity_type) || ':' || e.entity_type, '|~')
    || coalesce('|' || octet_length(e.entity_id) || ':' || e.entity_id, '|~')
    || coalesce('|' || octet_length(e.before::text) || ':' || e.before::text, '|~')
    || coalesce('|' || octet_length(e.after::text) || ':' || e.after::text, '|~')
    || coalesce('|' || octet_length(e.reason) || ':' || e.reason, '|~')
    || coalesce('|' || octet_length(e.request_id) || ':' || e.request_id, '|~');
END;
$$;

CREATE FUNCTION audit_link_hash(seq bigint, prev bytea, content bytea) RETURNS bytea
  LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN sha256(int8send(seq) || prev || content); END; $$;

-- The serialisation point. The trigger is deferred, so it runs at COMMIT: a transaction takes the
-- chain lock only once its work is done and holds it while it links its rows (a hash and an
-- index insert each) and commits. SHARE ROW EXCLUSIVE conflicts with itself (one
-- appender at a time, so the chain never forks) but not with readers. Nothing else is locked
-- after it, so appenders queue rather than deadlock. Positions come from the head under the
-- lock, so a rolled-back transaction leaves no gap.
CREATE FUNCTION audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
  content bytea;
BEGIN
  LOCK TABLE audit_chain IN SHARE ROW EXCLUSIVE MODE;
  SELECT seq, hash INTO head_seq, head_hash FROM audit_chain ORDER BY seq DESC LIMIT 1;
  content := sha256(convert_to(audit_canonical(NEW), 'UTF8'));
  INSERT INTO audit_chain (seq, event_id, event_at, content_hash, prev_hash, hash)
  VALUES (head_seq + 1, NEW.id, NEW.at, content, head_hash, audit_link_hash(head_seq + 1, head_hash, content));
  RETURN NULL;
END;
$$;

-- Genesis, then the rows that existed before this migration, in id order (UUIDv7: time order).
-- The chain vouches for those from now on; it cannot say what happened to them before.
DO $$
DECLARE
  e audit_events;
  n bigint := 0;
  prev bytea;
  content bytea;
BEGIN
  content := sha256(convert_to('v2v-audit-genesis/1', 'UTF8'));
  prev := audit_link_hash(0, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, content);
  INSERT INTO audit_chain (seq, event_id, event_at, content_hash, prev_hash, hash)
  VALUES (0, NULL, NULL, content, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, prev);
  FOR e IN SELECT * FROM audit_events ORDER BY id LOOP
    n := n + 1;
    content := sha256(convert_to(audit_canonical(e), 'UTF8'));
    INSERT INTO audit_chain (seq, event_id, event_at, content_hash, prev_hash, hash)
    VALUES (n, e.id, e.at, content, prev, audit_link_hash(n, prev, content));
    prev := audit_link_hash(n, prev, content);
  END LOOP;
  INSERT INTO installation (key, value, at)
  VALUES ('audit-chain', jsonb_build_object('startedAt', now(), 'backfilled', n), now());
END;
$$;

CREATE CONSTRAINT TRIGGER audit_events_chain AFTER INSERT ON audit_events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_chain_append();
