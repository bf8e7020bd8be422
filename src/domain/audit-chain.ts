/**
 * The audit hash chain, computed independently of the database (docs/decisions/0021): the
 * canonical form of an audit row, the link hash, and the message a checkpoint signs. Migration
 * 0012 computes the same in SQL when it links a row at commit; `verifyAuditChain` recomputes
 * everything here and compares, so a bug or a tampered function on either side shows as a break.
 */
import { createHash } from "node:crypto";

/** The audit row as text, exactly as PostgreSQL prints each column (see `auditRowText` in the store). */
export interface CanonicalAuditRow {
  id: string;
  /** UTC, microseconds: 2026-11-01T01:00:00.123000Z */
  at: string;
  actorId: string | null;
  actorName: string;
  siteId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  /** jsonb in PostgreSQL's text form (keys sorted, fixed spacing), or null */
  before: string | null;
  after: string | null;
  reason: string | null;
  requestId: string | null;
}

export const CANONICAL_FORM = "v2v-audit/1";
export const GENESIS_CONTENT = "v2v-audit-genesis/1";
export const ZERO_HASH = Buffer.alloc(32);

const sha256 = (...parts: (string | Uint8Array)[]) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};

/** '|~' for null, else '|' + UTF-8 byte length + ':' + text: unambiguous whatever the fields hold. */
const field = (v: string | null) => (v === null ? "|~" : `|${Buffer.byteLength(v, "utf8")}:${v}`);

export function canonicalForm(r: CanonicalAuditRow): string {
  return (
    CANONICAL_FORM +
    field(r.id) +
    field(r.at) +
    field(r.actorId) +
    field(r.actorName) +
    field(r.siteId) +
    field(r.action) +
    field(r.entityType) +
    field(r.entityId) +
    field(r.before) +
    field(r.after) +
    field(r.reason) +
    field(r.requestId)
  );
}

export const contentHash = (r: CanonicalAuditRow): Buffer => sha256(Buffer.from(canonicalForm(r), "utf8"));

export const genesisContentHash = (): Buffer => sha256(Buffer.from(GENESIS_CONTENT, "utf8"));

/** sha256(seq as 8-byte big-endian integer || previous link hash || content hash) */
export function linkHash(seq: number, prev: Uint8Array, content: Uint8Array): Buffer {
  const s = Buffer.alloc(8);
  s.writeBigInt64BE(BigInt(seq));
  return sha256(s, prev, content);
}

export interface CheckpointFacts {
  number: number;
  at: Date;
  chainSeq: number;
  chainHash: Uint8Array;
  /** the previous checkpoint's signature; null for checkpoint 1 */
  prevSignature: Uint8Array | null;
}

/** What a checkpoint's Ed25519 signature covers (one line per fact, hex for bytes). */
export function checkpointMessage(c: CheckpointFacts): Buffer {
  return Buffer.from(
    [
      "v2v-audit-checkpoint/1",
      String(c.number),
      c.at.toISOString(),
      String(c.chainSeq),
      Buffer.from(c.chainHash).toString("hex"),
      c.prevSignature ? Buffer.from(c.prevSignature).toString("hex") : "-",
    ].join("\n"),
    "utf8",
  );
}

/** How a key is named in checkpoints and reports: 16 hex digits of sha256 of the raw public key. */
export const keyIdOf = (rawPublicKey: Uint8Array): string =>
  sha256(rawPublicKey).toString("hex").slice(0, 16);

/** What verification can find wrong, at the first broken position. */
export const BREAK_KINDS = [
  "content-changed", // a record (or its link) differs from what was chained
  "record-missing", // a chained record, or a whole position, is gone
  "record-inserted", // a record that was never chained, or a link slipped into the chain
  "order-changed", // records moved: a changed time, swapped positions, a link pointing elsewhere
  "checkpoint-signature-invalid", // a checkpoint's signature fails, or its key is not trusted
  "checkpoint-mismatch", // the chain at a checkpoint's position is not what the checkpoint signed
  "checkpoint-missing", // checkpoint numbers have a gap
] as const;
export type BreakKind = (typeof BREAK_KINDS)[number];
