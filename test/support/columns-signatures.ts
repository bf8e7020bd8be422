/** Columns of the electronic signatures table (migration 0016) for the schema-drift test. */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const SIGNATURE_COLUMNS: Record<string, string[]> = {
  electronic_signatures: all<DB["electronic_signatures"]>({
    id: true,
    site_id: true,
    product_id: true,
    record_kind: true,
    record_id: true,
    signer_id: true,
    signer_username: true,
    printed_name: true,
    signed_as: true,
    meaning: true,
    signed_at: true,
    method: true,
    content_form: true,
    content_hash: true,
  }),
};
