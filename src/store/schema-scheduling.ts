/**
 * Kysely table types for scheduling (migration 0007): manufacturing slots, the journeys' bookings
 * of them, and the studies' lymphodepletion regimens. `DB` extends this.
 */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** `date` columns are read as 'YYYY-MM-DD' strings (see database.ts). */
type CalendarDate = string;
type Json<T> = ColumnType<T, string, string>;

export interface ManufacturingSlotsTable {
  id: string;
  car_product_id: string;
  site_id: string;
  facility: string;
  starts_on: CalendarDate;
  collection_window_days: number;
  capacity: number;
  booked: Generated<number>;
  note: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export type SlotBookingStatus = "booked" | "used" | "freed";

export interface ManufacturingSlotBookingsTable {
  id: string;
  slot_id: string;
  journey_id: string;
  site_id: string;
  apheresis_date: CalendarDate;
  status: SlotBookingStatus;
  booked_at: Timestamp;
  booked_by: string;
  freed_at: Timestamp | null;
  freed_by: string | null;
  freed_reason: string | null;
}

export interface LymphodepletionRegimensTable {
  id: string;
  study_id: string;
  arm_code: Generated<string>;
  name: string;
  regimen: Json<unknown>;
  renal_rule: Json<unknown>;
  bsa_formula: string;
  crcl_weight_basis: string;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
}

export interface SchedulingTables {
  manufacturing_slots: ManufacturingSlotsTable;
  manufacturing_slot_bookings: ManufacturingSlotBookingsTable;
  lymphodepletion_regimens: LymphodepletionRegimensTable;
}
