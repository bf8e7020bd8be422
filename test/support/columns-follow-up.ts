/**
 * Columns of the per-study schedule table for the schema-drift test, type-checked against its
 * Kysely interface with `all<DB["table"]>({ … })`.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const FOLLOW_UP_COLUMNS: Record<string, string[]> = {
  study_visit_schedules: all<DB["study_visit_schedules"]>({
    id: true,
    study_id: true,
    arm_code: true,
    name: true,
    schedule: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
};
