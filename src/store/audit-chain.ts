/**
 * Reading the audit hash chain and writing its checkpoints. Links are written only by the
 * database (migration 0012's deferred trigger). Every byte column is read as hex and every
 * column of an audit row as PostgreSQL's text of it, so both drivers give the verifier the
 * same strings and the canonical form never depends on how a driver parses types.
 */
import { type Kysely, sql } from "kysely";
import type { DB } from "./schema.ts";

const UTC_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

export interface ChainRow {
  seq: number;
  eventId: string | null;
  eventAt: string | null;
  contentHash: string;
  prevHash: string;
  hash: string;
  /** the audit row the link names, as text; null when that row is gone */
  event: {
    id: string;
    at: string;
    actorId: string | null;
    actorName: string;
    siteId: string | null;
    action: string;
    entityType: string;
    entityId: string;
    before: string | null;
    after: string | null;
    reason: string | null;
    requestId: string | null;
  } | null;
}

interface RawChainRow {
  seq: string;
  event_id: string | null;
  event_at: string | null;
  content_hash: string;
  prev_hash: string;
  hash: string;
  e_id: string | null;
  e_at: string | null;
  e_actor_id: string | null;
  e_actor_name: string | null;
  e_site_id: string | null;
  e_action: string | null;
  e_entity_type: string | null;
  e_entity_id: string | null;
  e_before: string | null;
  e_after: string | null;
  e_reason: string | null;
  e_request_id: string | null;
}

/** Links after position `afterSeq` in order, each with the audit row it names. */
export async function chainPage(db: Kysely<DB>, afterSeq: number, limit: number): Promise<ChainRow[]> {
  const res = await sql<RawChainRow>`
    SELECT c.seq::text AS seq, c.event_id::text AS event_id,
           to_char(c.event_at AT TIME ZONE 'UTC', ${sql.raw(UTC_MICROS)}) AS event_at,
           encode(c.content_hash, 'hex') AS content_hash, encode(c.prev_hash, 'hex') AS prev_hash,
           encode(c.hash, 'hex') AS hash,
           e.id::text AS e_id, to_char(e.at AT TIME ZONE 'UTC', ${sql.raw(UTC_MICROS)}) AS e_at,
           e.actor_id::text AS e_actor_id, e.actor_name AS e_actor_name, e.site_id::text AS e_site_id,
           e.action AS e_action, e.entity_type AS e_entity_type, e.entity_id AS e_entity_id,
           e.before::text AS e_before, e.after::text AS e_after, e.reason AS e_reason,
           e.request_id AS e_request_id
      FROM audit_chain c LEFT JOIN audit_events e ON e.id = c.event_id
     WHERE c.seq > ${afterSeq}
     ORDER BY c.seq
     LIMIT ${limit}`.execute(db);
  return res.rows.map((r) => ({
    seq: Number(r.seq),
    eventId: r.event_id,
    eventAt: r.event_at,
    contentHash: r.content_hash,
    prevHash: r.prev_hash,
    hash: r.hash,
    event:
      r.e_id === null
        ? null
        : {
            id: r.e_id,
            at: r.e_at!,
            actorId: r.e_actor_id,
            actorName: r.e_actor_name!,
            siteId: r.e_site_id,
            action: r.e_action!,
            entityType: r.e_entity_type!,
            entityId: r.e_entity_id!,
            before: r.e_before,
            after: r.e_after,
            reason: r.e_reason,
            requestId: r.e_request_id,
          },
  }));
}

/** Positions of links whose hash (or content hash) is `hex`: used to explain a break. */
export async function positionsWithHash(
  db: Kysely<DB>,
  column: "hash" | "content_hash",
  hex: string,
): Promise<number[]> {
  const res = await sql<{ seq: string }>`
    SELECT c.seq::text AS seq FROM audit_chain c WHERE ${sql.ref(`c.${column}`)} = decode(${hex}, 'hex') ORDER BY c.seq LIMIT 5`.execute(
    db,
  );
  return res.rows.map((r) => Number(r.seq));
}

export async function chainHead(db: Kysely<DB>): Promise<{ seq: number; hash: string } | null> {
  const res = await sql<{ seq: string; hash: string }>`
    SELECT c.seq::text AS seq, encode(c.hash, 'hex') AS hash FROM audit_chain c ORDER BY c.seq DESC LIMIT 1`.execute(
    db,
  );
  const r = res.rows[0];
  return r ? { seq: Number(r.seq), hash: r.hash } : null;
}

export async function linkAt(db: Kysely<DB>, seq: number): Promise<{ seq: number; hash: string } | null> {
  const res = await sql<{ seq: string; hash: string }>`
    SELECT seq::text AS seq, encode(hash, 'hex') AS hash FROM audit_chain WHERE seq = ${seq}`.execute(db);
  const r = res.rows[0];
  return r ? { seq: Number(r.seq), hash: r.hash } : null;
}

/**
 * Audit rows without a link, oldest id first. Every committed row has one (the link is written in
 * the row's own transaction), so any found here was written past the trigger.
 */
export async function unchainedEvents(
  db: Kysely<DB>,
  limit: number,
): Promise<{ id: string; at: string; siteId: string | null }[]> {
  // EXCEPT (a hashed set operation) rather than NOT EXISTS: there is no index on
  // audit_chain.event_id (it would cost every append), and without statistics the planner
  // picks a nested loop for the anti-join, quadratic in the trail's length.
  const res = await sql<{ id: string; at: string; site_id: string | null }>`
    SELECT e.id::text AS id, to_char(e.at AT TIME ZONE 'UTC', ${sql.raw(UTC_MICROS)}) AS at,
           e.site_id::text AS site_id
      FROM audit_events e
      JOIN (SELECT id FROM audit_events EXCEPT SELECT event_id FROM audit_chain WHERE event_id IS NOT NULL) u
        ON u.id = e.id
     ORDER BY e.id
     LIMIT ${limit}`.execute(db);
  return res.rows.map((r) => ({ id: r.id, at: r.at, siteId: r.site_id }));
}

/** The last position whose record has an id below `eventId` (UUIDv7 ids sort by time). */
export async function positionBefore(db: Kysely<DB>, eventId: string): Promise<number> {
  const res = await sql<{ seq: string | null }>`
    SELECT max(c.seq)::text AS seq FROM audit_chain c WHERE c.event_id < ${eventId}::uuid`.execute(db);
  return Number(res.rows[0]?.seq ?? 0);
}

export async function siteOfEvent(db: Kysely<DB>, eventId: string): Promise<string | null> {
  const row = await db
    .selectFrom("audit_events")
    .select("site_id")
    .where("id", "=", eventId)
    .executeTakeFirst();
  return row?.site_id ?? null;
}

export interface CheckpointRow {
  number: number;
  at: Date;
  chainSeq: number;
  chainHash: string;
  prevSignature: string | null;
  keyId: string;
  publicKey: string;
  signature: string;
}

interface RawCheckpoint {
  number: string;
  at: Date;
  chain_seq: string;
  chain_hash: string;
  prev_signature: string | null;
  key_id: string;
  public_key: string;
  signature: string;
}

const checkpointColumns = sql`number::text AS number, at, chain_seq::text AS chain_seq,
  encode(chain_hash, 'hex') AS chain_hash, encode(prev_signature, 'hex') AS prev_signature, key_id,
  encode(public_key, 'hex') AS public_key, encode(signature, 'hex') AS signature`;

const toCheckpoint = (r: RawCheckpoint): CheckpointRow => ({
  number: Number(r.number),
  at: new Date(r.at),
  chainSeq: Number(r.chain_seq),
  chainHash: r.chain_hash,
  prevSignature: r.prev_signature,
  keyId: r.key_id,
  publicKey: r.public_key,
  signature: r.signature,
});

export async function listCheckpoints(db: Kysely<DB>): Promise<CheckpointRow[]> {
  const res = await sql<RawCheckpoint>`
    SELECT ${checkpointColumns} FROM audit_checkpoints k ORDER BY k.number`.execute(db);
  return res.rows.map(toCheckpoint);
}

export async function lastCheckpoint(db: Kysely<DB>): Promise<CheckpointRow | null> {
  const res = await sql<RawCheckpoint>`
    SELECT ${checkpointColumns} FROM audit_checkpoints k ORDER BY k.number DESC LIMIT 1`.execute(db);
  return res.rows[0] ? toCheckpoint(res.rows[0]) : null;
}

/** One checkpoint writer at a time (held to the end of the caller's transaction). */
export async function lockCheckpoints(db: Kysely<DB>): Promise<void> {
  await sql`LOCK TABLE audit_checkpoints IN SHARE ROW EXCLUSIVE MODE`.execute(db);
}

export async function insertCheckpoint(
  db: Kysely<DB>,
  c: {
    number: number;
    at: Date;
    chainSeq: number;
    chainHash: string;
    prevSignature: string | null;
    keyId: string;
    publicKey: string;
    signature: string;
  },
): Promise<void> {
  await sql`
    INSERT INTO audit_checkpoints (number, at, chain_seq, chain_hash, prev_signature, key_id, public_key, signature)
    VALUES (${c.number}, ${c.at}, ${c.chainSeq}, decode(${c.chainHash}, 'hex'),
            decode(${c.prevSignature}, 'hex'), ${c.keyId}, decode(${c.publicKey}, 'hex'),
            decode(${c.signature}, 'hex'))`.execute(db);
}

/** When the chain began and how many older rows migration 0012 linked (installation 'audit-chain'). */
export async function chainStart(db: Kysely<DB>): Promise<{ startedAt: string; backfilled: number } | null> {
  const row = await db
    .selectFrom("installation")
    .select("value")
    .where("key", "=", "audit-chain")
    .executeTakeFirst();
  return (row?.value as { startedAt: string; backfilled: number } | undefined) ?? null;
}
