/**
 * Columns of the bulk export tables (migration 0023) for the schema-drift test, type-checked
 * against their Kysely interfaces with `all<DB["table"]>({ … })`.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const FHIR_EXPORT_COLUMNS: Record<string, string[]> = {
  fhir_export_jobs: all<DB["fhir_export_jobs"]>({
    id: true,
    requested_by: true,
    level: true,
    group_id: true,
    patient_ids: true,
    types: true,
    since: true,
    request: true,
    parameters: true,
    transaction_time: true,
    state: true,
    type_index: true,
    cursor: true,
    counts: true,
    attempts: true,
    lease_owner: true,
    lease_until: true,
    error: true,
    created_at: true,
    started_at: true,
    finished_at: true,
    expires_at: true,
  }),
  fhir_export_parts: all<DB["fhir_export_parts"]>({
    job_id: true,
    seq: true,
    resource_type: true,
    lines: true,
    ndjson: true,
  }),
};
