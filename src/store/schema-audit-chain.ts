/**
 * Kysely table types for the audit hash chain and its signed checkpoints (migration 0012).
 * `DB` extends `AuditChainTables`. Byte columns read as Buffer (pg) or Uint8Array (PGlite).
 */
import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** bigint: pg reads it as a string, PGlite as a number; queries cast where they need one form. */
type BigInt8 = ColumnType<string | number, number | string, number | string>;

export interface AuditChainTable {
  seq: BigInt8;
  event_id: string | null;
  event_at: Timestamp | null;
  content_hash: Uint8Array;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

export interface AuditCheckpointsTable {
  number: BigInt8;
  at: Timestamp;
  chain_seq: BigInt8;
  chain_hash: Uint8Array;
  prev_signature: Uint8Array | null;
  key_id: string;
  public_key: Uint8Array;
  signature: Uint8Array;
}

export interface AuditChainTables {
  audit_chain: AuditChainTable;
  audit_checkpoints: AuditCheckpointsTable;
}
