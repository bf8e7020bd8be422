-- Issue 13 (decision 0032): a bulk export job keeps the parameters it was asked for in a column
-- of its own, no longer inside its request URL. `request` is then the kick-off URL exactly as the
-- client sent it (for a POST, without the Parameters, as the IG's manifest asks), and its length
-- limit goes: it held the `patient` list to about 80 patients. The URL's length is bounded by the
-- HTTP server's header limit; the number of patients by the kick-off (src/fhir/bulk.ts).
--
-- `parameters` is the request's parameters in the GET form's shape, {"name": ["value", ...]}
-- (_type, _since, _typeFilter, patient, _outputFormat), which the job's every step checks again
-- with the kick-off's own parser. jsonb like the table's other JSON columns: the order of values
-- within a name is kept (arrays keep order in jsonb), only the order of names, which means
-- nothing here, is not, and no one needs the text as sent (the kick-off audit records what was asked).
--
-- No backfill: the parameters of a job queued before this migration are in its request URL and
-- are read from there (parameters IS NULL; src/services/fhir-bulk-export.ts `jobParameters`).
-- PostgreSQL has no URL decoding to do it here, and such jobs expire within 7 days.
ALTER TABLE fhir_export_jobs ADD COLUMN parameters jsonb NULL
  CHECK (parameters IS NULL OR jsonb_typeof(parameters) = 'object');
ALTER TABLE fhir_export_jobs DROP CONSTRAINT fhir_export_jobs_request_check;
