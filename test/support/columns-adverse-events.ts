/**
 * Columns of the adverse-events table for the schema-drift test, type-checked against its Kysely
 * interface with `all<DB["table"]>({ … })`.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const ADVERSE_EVENT_COLUMNS: Record<string, string[]> = {
  adverse_events: all<DB["adverse_events"]>({
    id: true,
    patient_id: true,
    site_id: true,
    term: true,
    soc: true,
    grade: true,
    attribution: true,
    serious: true,
    serious_criteria: true,
    onset_date: true,
    resolved_date: true,
    outcome: true,
    pathogen_class: true,
    organism: true,
    note: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
};
