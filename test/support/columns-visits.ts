/**
 * Columns of the follow-up tables for the schema-drift test; each entry is type-checked against
 * its Kysely interface with `all<DB["table"]>({ … })`.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const VISIT_COLUMNS: Record<string, string[]> = {
  visits: all<DB["visits"]>({
    id: true,
    enrolment_id: true,
    patient_id: true,
    site_id: true,
    schedule: true,
    seq: true,
    code: true,
    label: true,
    nominal_date: true,
    nominal_day: true,
    window_start: true,
    window_end: true,
    registry: true,
    registry_window_start: true,
    registry_window_end: true,
    expected: true,
    done_on: true,
    missed_reason: true,
    closed_on: true,
    closed_reason: true,
    ltfu_record: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
};
