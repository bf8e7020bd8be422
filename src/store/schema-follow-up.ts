/**
 * Kysely table types for per-study visit schedules (migration 0009). `DB` extends this.
 */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface StudyVisitSchedulesTable {
  id: string;
  study_id: string;
  /** null: the study's schedule for every arm without one of its own */
  arm_code: string | null;
  name: string;
  /** a VisitSchedule as parsed by domain/visit-schedule.ts */
  schedule: Json<unknown>;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface FollowUpTables {
  study_visit_schedules: StudyVisitSchedulesTable;
}
