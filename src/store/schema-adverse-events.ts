/** Kysely table types for adverse events (migration 0020). `DB` extends this. */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** dates come back as YYYY-MM-DD strings (see database.ts type parsers) */
type CalendarDate = string;

export interface AdverseEventsTable {
  id: string;
  patient_id: string;
  site_id: string;
  term: string;
  soc: string;
  grade: number;
  attribution: string;
  serious: boolean;
  serious_criteria: string[];
  onset_date: CalendarDate;
  resolved_date: CalendarDate | null;
  outcome: string;
  pathogen_class: string | null;
  organism: string | null;
  note: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface AdverseEventTables {
  adverse_events: AdverseEventsTable;
}
