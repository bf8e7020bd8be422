/** Columns of the identity history table (migration 0013) for the schema-drift test. */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const IDENTITY_HISTORY_COLUMNS: Record<string, string[]> = {
  patient_identity_history: all<DB["patient_identity_history"]>({
    id: true,
    patient_id: true,
    version: true,
    family_name: true,
    given_name: true,
    sex: true,
    birth_date: true,
    phone: true,
    email: true,
    address: true,
    home_region: true,
    national_id: true,
    valid_from: true,
    replaced_at: true,
    replaced_by: true,
    salt: true,
  }),
};
