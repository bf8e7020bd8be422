/**
 * Columns of the cohort tables (saved cohorts, facts, record versions) for the schema-drift test, type-checked against its Kysely
 * interface with `all<DB["table"]>({ … })`.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const COHORT_COLUMNS: Record<string, string[]> = {
  saved_cohorts: all<DB["saved_cohorts"]>({
    id: true,
    name: true,
    query: true,
    created_at: true,
    created_by: true,
  }),
  cohort_patient_facts: all<DB["cohort_patient_facts"]>({
    patient_id: true,
    version: true,
    facts_version: true,
    infusion_date: true,
    time_zone: true,
    horizon_at: true,
    horizon_date: true,
    facts: true,
    facts_digest: true,
    changed_xid: true,
  }),
  patient_record_versions: all<DB["patient_record_versions"]>({
    patient_id: true,
    version: true,
    changed_xid: true,
  }),
};
