/**
 * Kysely table type for identity history (migration 0013): the identity values an update
 * replaced. `DB` extends `IdentityHistoryTables`. Read only through the identity service.
 */
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface PatientIdentityHistoryTable {
  id: string;
  patient_id: string;
  version: number;
  family_name: string;
  given_name: string;
  sex: string;
  /** 'YYYY-MM-DD' (see database.ts) */
  birth_date: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  home_region: string | null;
  national_id: string | null;
  valid_from: Timestamp;
  replaced_at: Timestamp;
  replaced_by: string;
  salt: Uint8Array;
}

export interface IdentityHistoryTables {
  patient_identity_history: PatientIdentityHistoryTable;
}
