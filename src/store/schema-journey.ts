/**
 * Kysely table types for the vein-to-vein tables (journeys, products, custody, bedside checks).
 * Kept apart from schema.ts so the workflow's tables have one home; `DB` extends this.
 */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface JourneysTable {
  id: string;
  enrolment_id: string;
  patient_id: string;
  site_id: string;
  state: string;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface JourneyEventsTable {
  id: string;
  journey_id: string;
  site_id: string;
  event_type: string;
  payload: Json<unknown>;
  from_state: string;
  to_state: string;
  actor_id: string;
  at: Timestamp;
  reason: string | null;
}

export interface SiteFacilitiesTable {
  site_id: string;
  fin: string;
  created_at: Timestamp;
}

export interface IsbtCountersTable {
  fin: string;
  year: number;
  kind: "din" | "coi";
  last_value: number;
}

export interface ProductUnitsTable {
  id: string;
  journey_id: string;
  patient_id: string;
  site_id: string;
  kind: "apheresis" | "final-product";
  parent_id: string | null;
  din: string;
  coi_id: string;
  product_code: string;
  state: string;
  quarantined_from: string | null;
  oos_exception: Json<unknown> | null;
  thaw_stability_minutes: number | null;
  thawed_at: Timestamp | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface ProductEventsTable {
  id: string;
  product_id: string;
  site_id: string;
  event_type: string;
  payload: Json<unknown>;
  from_state: string;
  to_state: string;
  actor: string;
  at: Timestamp;
  recorded_by: string;
  recorded_at: Timestamp;
}

export interface BedsideAttemptsTable {
  id: string;
  product_id: string;
  journey_id: string;
  site_id: string;
  first_verifier_id: string;
  second_verifier_id: string;
  scanned: Json<unknown>;
  passed: boolean;
  mismatches: Json<string[]>;
  at: Timestamp;
}

export interface JourneyTables {
  journeys: JourneysTable;
  journey_events: JourneyEventsTable;
  site_facilities: SiteFacilitiesTable;
  isbt_counters: IsbtCountersTable;
  product_units: ProductUnitsTable;
  product_events: ProductEventsTable;
  bedside_attempts: BedsideAttemptsTable;
}
