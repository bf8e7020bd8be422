-- Electronic signatures (21 CFR Part 11; issue 10; docs/decisions/0022-electronic-signatures.md).
-- One row per signature: who signed (the account, and the username and printed name it had at
-- signing), in which role, when (the server's clock), what it means (a fixed vocabulary), the record
-- it signs (kind and id) and the SHA-256 of that record's canonical content as signed
-- (src/domain/signatures.ts). The signer re-entered their username and password in the request that
-- signed; the password is never stored. Rows are appended, never changed or removed, and each is
-- audited (so also hash-chained, decision 0021).
--
-- Before this migration the bedside check's second verifier, the OOS exception's "signatures" and
-- QA's quarantine decision were user ids nobody authenticated, and passing QC results released a bag
-- by themselves. Those records stay as they were; none of them counts as a signature: a bag
-- verified at the bedside before it must be verified again before infusion, an OOS exception
-- signed before it must be signed again before shipping (oos_exception_signatures is kept as history
-- and no longer written).

CREATE TABLE electronic_signatures (
  id               uuid PRIMARY KEY,
  site_id          uuid NOT NULL REFERENCES sites(id),
  -- the product unit the signed record is about, for the product's page
  product_id       uuid REFERENCES product_units(id),
  record_kind      text NOT NULL CHECK (record_kind IN
                     ('bedside-attempt', 'product-release', 'oos-exception', 'quarantine-decision')),
  record_id        uuid NOT NULL,
  signer_id        uuid NOT NULL REFERENCES users(id),
  signer_username  text NOT NULL,
  printed_name     text NOT NULL,          -- the signer's display name at signing (§11.50(a)(1))
  signed_as        text NOT NULL CHECK (signed_as IN ('investigator', 'coordinator', 'quality')),
  meaning          text NOT NULL CHECK (meaning IN
                     ('verified product identity at bedside', 'released', 'approved deviation',
                      'released from quarantine', 'rejected')),
  signed_at        timestamptz NOT NULL,
  -- both identification components (username and password) re-entered at signing (§11.200(a)(1))
  method           text NOT NULL CHECK (method IN ('username-password')),
  content_form     text NOT NULL CHECK (content_form IN ('v2v-signed-content/1')),
  content_hash     text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  -- two signatures on one record come from two different people
  UNIQUE (record_kind, record_id, signer_id)
);
CREATE INDEX electronic_signatures_record_idx ON electronic_signatures (record_kind, record_id);
CREATE INDEX electronic_signatures_product_idx ON electronic_signatures (product_id, signed_at, id);

CREATE TRIGGER electronic_signatures_no_update BEFORE UPDATE OR DELETE ON electronic_signatures
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER electronic_signatures_no_truncate BEFORE TRUNCATE ON electronic_signatures
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- The second verifier of a bedside attempt is now an authenticated user (it was text as entered).
-- Rows from before keep what was typed; new rows hold a user id.
COMMENT ON COLUMN bedside_attempts.second_verifier_id IS
  'user id of the second signer (authenticated with their password since migration 0016); before it, as entered';
