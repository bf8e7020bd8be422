/**
 * Columns of the audit hash chain and checkpoint tables (migration 0012) for the schema-drift
 * test, type-checked against their Kysely interfaces.
 */
import type { DB } from "../../src/store/schema.ts";
import { all } from "./columns.ts";

export const AUDIT_CHAIN_COLUMNS: Record<string, string[]> = {
  audit_chain: all<DB["audit_chain"]>({
    seq: true,
    event_id: true,
    event_at: true,
    content_hash: true,
    prev_hash: true,
    hash: true,
  }),
  audit_checkpoints: all<DB["audit_checkpoints"]>({
    number: true,
    at: true,
    chain_seq: true,
    chain_hash: true,
    prev_signature: true,
    key_id: true,
    public_key: true,
    signature: true,
  }),
};
