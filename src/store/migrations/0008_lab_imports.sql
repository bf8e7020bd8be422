-- Lab import: one row per imported file (who, when, which file, its SHA-256, how many results),
-- and on each observation the value and unit exactly as the file gave them, the lab's reference
-- range, and the import it came from. Normalised value_number/unit stay the ones analyses use.
CREATE TABLE lab_imports (
  id          uuid PRIMARY KEY,
  site_id     uuid NOT NULL REFERENCES sites(id),
  format      text NOT NULL CHECK (format IN ('csv', 'fhir')),
  file_name   text,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  row_count   integer NOT NULL CHECK (row_count > 0),
  created_at  timestamptz NOT NULL,
  created_by  uuid NOT NULL REFERENCES users(id),
  -- The same file imported twice at a site would double every result.
  CONSTRAINT lab_imports_site_sha256_key UNIQUE (site_id, sha256)
);

ALTER TABLE observations
  ADD COLUMN original_value  double precision,
  ADD COLUMN original_unit   text,
  ADD COLUMN reference_range text,
  ADD COLUMN lab_import_id   uuid REFERENCES lab_imports(id);

CREATE INDEX observations_lab_import_idx ON observations (lab_import_id) WHERE lab_import_id IS NOT NULL;
