-- Identity history (issue 10, decision 0007): when identity changes, the values it replaces are
-- kept here, readable only where identity is (investigators and coordinators of the site, every
-- read audited). The monitor-readable audit record of the change names the changed fields and a
-- salted SHA-256 digest of the values replaced (`priorDigest`), never the values: the salt is in
-- this row, so the digest cannot be matched against guessed names, and since the audit record is
-- hash-chained (decision 0021) the history row cannot be altered unnoticed either.
CREATE TABLE patient_identity_history (
  id           uuid PRIMARY KEY,
  patient_id   uuid NOT NULL REFERENCES patients(id),
  version      integer NOT NULL,          -- the identity version these values were
  family_name  text NOT NULL,
  given_name   text NOT NULL,
  sex          text NOT NULL,
  birth_date   date NOT NULL,
  phone        text,
  email        text,
  address      text,
  home_region  text,
  national_id  text,
  valid_from   timestamptz NOT NULL,      -- when these values were recorded
  replaced_at  timestamptz NOT NULL,
  replaced_by  uuid NOT NULL REFERENCES users(id),
  salt         bytea NOT NULL,            -- 32 random bytes of the digest in the audit record
  UNIQUE (patient_id, version)
);

CREATE TRIGGER patient_identity_history_no_update BEFORE UPDATE OR DELETE ON patient_identity_history
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER patient_identity_history_no_truncate BEFORE TRUNCATE ON patient_identity_history
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
