/**
 * Kysely table types for follow-up: generated protocol visits and lab imports. `DB` extends this.
 */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `date` columns are read as 'YYYY-MM-DD' strings (see database.ts). */
type CalendarDate = string;
type Json<T> = ColumnType<T, string, string>;

/** What a visit asks for, copied from the schedule when the visit was generated. */
export interface VisitExpected {
  assessments: string[];
  labs: string[];
  activities: string[];
  ltfuItems: string[];
}

/** What a long-term follow-up contact found, per LTFU item code. */
export type LtfuRecord = Record<string, { outcome: string; note: string | null }>;

export interface VisitsTable {
  id: string;
  enrolment_id: string;
  patient_id: string;
  site_id: string;
  schedule: string;
  seq: number;
  code: string;
  label: string;
  nominal_date: CalendarDate;
  nominal_day: number;
  window_start: CalendarDate;
  window_end: CalendarDate;
  registry: string | null;
  registry_window_start: CalendarDate | null;
  registry_window_end: CalendarDate | null;
  expected: Json<VisitExpected>;
  done_on: CalendarDate | null;
  missed_reason: string | null;
  /** set when the journey ended with the visit open (migration 0015) */
  closed_on: CalendarDate | null;
  closed_reason: string | null;
  /** LTFU items recorded at a long-term follow-up contact (services/ltfu.ts) */
  ltfu_record: Json<LtfuRecord> | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface VisitTables {
  visits: VisitsTable;
}
