-- Issue 13: FHIR Bulk Data $export (decision 0032). A kick-off writes one job row; a worker in the
-- server claims it (FOR UPDATE SKIP LOCKED, with a lease it renews), and writes the output one page
-- at a time: each page's NDJSON and the job's resume point (type_index, cursor) commit together,
-- so a job stopped by a restart resumes after its last committed page, with nothing written twice.
-- Output lives here, not on disk, so it is wherever the database is (PGlite's data directory, or
-- the PostgreSQL server every app server shares), and goes with its job when that expires.
CREATE TABLE fhir_export_jobs (
  id               uuid PRIMARY KEY,
  requested_by     uuid NOT NULL REFERENCES users (id),
  level            text NOT NULL CHECK (level IN ('system', 'patient', 'group')),
  -- the saved cohort a Group export was asked for (kept as asked: the cohort may be removed later)
  group_id         uuid NULL CHECK ((level = 'group') = (group_id IS NOT NULL)),
  -- the patients a Group export covers, as a JSON array of ids fixed at kick-off
  patient_ids      jsonb NULL CHECK ((level = 'group') = (patient_ids IS NOT NULL)),
  -- the resource types, in the order they are written (JSON array)
  types            jsonb NOT NULL,
  since            timestamptz NULL,
  -- the kick-off URL, which the manifest repeats
  request          text NOT NULL CHECK (length(request) <= 4000),
  -- resources changed after this instant are left out, however long the job runs
  transaction_time timestamptz NOT NULL,
  state            text NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed')),
  type_index       integer NOT NULL DEFAULT 0 CHECK (type_index >= 0),
  cursor           uuid NULL,
  -- resources written so far per type (JSON object)
  counts           jsonb NOT NULL DEFAULT '{}',
  attempts         integer NOT NULL DEFAULT 0,
  lease_owner      text NULL,
  lease_until      timestamptz NULL,
  error            text NULL,
  created_at       timestamptz NOT NULL,
  started_at       timestamptz NULL,
  finished_at      timestamptz NULL,
  expires_at       timestamptz NOT NULL
);
CREATE INDEX fhir_export_jobs_pending_idx ON fhir_export_jobs (created_at)
  WHERE state IN ('queued', 'running');
CREATE INDEX fhir_export_jobs_expires_idx ON fhir_export_jobs (expires_at);

-- One page of output: up to a page of NDJSON lines of one resource type, in write order (seq).
CREATE TABLE fhir_export_parts (
  job_id        uuid NOT NULL REFERENCES fhir_export_jobs (id) ON DELETE CASCADE,
  seq           integer NOT NULL,
  resource_type text NOT NULL,
  lines         integer NOT NULL CHECK (lines > 0),
  ndjson        text NOT NULL,
  PRIMARY KEY (job_id, seq)
);
CREATE INDEX fhir_export_parts_type_idx ON fhir_export_parts (job_id, resource_type, seq);
