/**
 * Columns of the scheduling tables (migration 0007) for the schema-drift test; each entry is
 * type-checked against its Kysely interface with `all<DB["table"]>({ … })`.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const SCHEDULING_COLUMNS: Record<string, string[]> = {
  manufacturing_slots: all<DB["manufacturing_slots"]>({
    id: true,
    car_product_id: true,
    site_id: true,
    facility: true,
    starts_on: true,
    collection_window_days: true,
    capacity: true,
    booked: true,
    note: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
  manufacturing_slot_bookings: all<DB["manufacturing_slot_bookings"]>({
    id: true,
    slot_id: true,
    journey_id: true,
    site_id: true,
    apheresis_date: true,
    status: true,
    booked_at: true,
    booked_by: true,
    freed_at: true,
    freed_by: true,
    freed_reason: true,
  }),
  lymphodepletion_regimens: all<DB["lymphodepletion_regimens"]>({
    id: true,
    study_id: true,
    arm_code: true,
    name: true,
    regimen: true,
    renal_rule: true,
    bsa_formula: true,
    crcl_weight_basis: true,
    version: true,
    created_at: true,
    created_by: true,
    updated_at: true,
  }),
};
