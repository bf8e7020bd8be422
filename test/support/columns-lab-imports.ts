/**
 * Columns of the lab-import tables for the schema-drift test, type-checked against its Kysely
 * interface with `all<DB["table"]>({ … })`. The columns 0008 adds to observations are listed with
 * the other observation columns in schema.test.ts.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const LAB_IMPORT_COLUMNS: Record<string, string[]> = {
  lab_imports: all<DB["lab_imports"]>({
    id: true,
    site_id: true,
    format: true,
    file_name: true,
    sha256: true,
    row_count: true,
    created_at: true,
    created_by: true,
  }),
  observation_identifiers: all<DB["observation_identifiers"]>({
    site_id: true,
    system: true,
    value: true,
    observation_id: true,
  }),
};
