/**
 * docs/scaling.md: observations and the audit trail are the tables that grow without end, and the
 * ones a registry would partition by time. This file keeps them ready for it, on the demo:
 *
 * - their ids are UUIDv7, whose first 48 bits are the instant the row was made (RFC 9562 §5.7),
 *   so a range partition on the primary key is a partition by recording time, and the key stays
 *   the key;
 * - no foreign key points at them (PostgreSQL would need one to every partition's key);
 * - their only unique indexes are their primary keys. A partitioned table's unique index must
 *   contain the partition key, so the lab identifier's uniqueness per site lives in a table of its
 *   own (migration 0039), kept by statement triggers that work on a partitioned table too. A new
 *   unique index fails this test until it is weighed the same way.
 */
import { sql, type Transaction } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/store/database.ts";
import type { DB } from "../../src/store/schema.ts";
import { demoDatabase } from "../support/demo-database.ts";
import { refusal, rolledBack } from "../support/rolled-back.ts";

const GROWING = ["observations", "audit_events"];
let database: Database;

beforeAll(async () => {
  ({ database } = await demoDatabase(() => new Date("2026-11-01T09:00:00+08:00")));
}, 300_000);
afterAll(async () => {
  await database?.close();
});

describe("the growing tables stay ready to be partitioned by recording time", () => {
  it("have UUIDv7 ids only, so their keys are in recording order", async () => {
    for (const table of GROWING) {
      const { rows } = await sql<{ rows: number; v7: number }>`
        SELECT count(*)::int AS rows,
               count(*) FILTER (WHERE substring(id::text, 15, 1) = '7'
                                  AND substring(id::text, 20, 1) IN ('8', '9', 'a', 'b'))::int AS v7
          FROM ${sql.table(table)}`.execute(database.db);
      expect(rows[0]!.rows, table).toBeGreaterThan(100);
      expect(rows[0]!.v7, table).toBe(rows[0]!.rows);
    }
  });

  it("are referenced by no foreign key", async () => {
    const { rows } = await sql<{ name: string }>`
      SELECT conname AS name FROM pg_constraint
       WHERE contype = 'f' AND confrelid::regclass::text = ANY(${GROWING})
         AND connamespace = current_schema()::regnamespace`.execute(database.db);
    expect(rows).toEqual([]);
  });

  it("have no unique index but their primary keys", async () => {
    const { rows } = await sql<{ table: string; index: string; columns: string }>`
      SELECT t.relname AS "table", i.relname AS "index",
             pg_get_indexdef(i.oid) AS columns
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       WHERE x.indisunique AND t.relname = ANY(${GROWING})
         AND t.relnamespace = current_schema()::regnamespace
       ORDER BY 1, 2`.execute(database.db);
    expect(rows.map((r) => `${r.table}.${r.index}`)).toEqual([
      "audit_events.audit_events_pkey",
      "observations.observations_pkey",
    ]);
    // The keys are the id alone: a range partition on it keeps them as they are.
    for (const r of rows.filter((r) => r.index.endsWith("_pkey"))) expect(r.columns).toMatch(/\(id\)$/);
  });

  it("can be partitioned by range of the key as it is, and a partition is chosen by recording time", async () => {
    const db = database.db;
    // The median observation's instant, read from its id, as the boundary of two partitions.
    const { rows } = await sql<{ id: string }>`
      SELECT id::text FROM observations ORDER BY id
      OFFSET (SELECT count(*) / 2 FROM observations) LIMIT 1`.execute(db);
    const ms = Number.parseInt(rows[0]!.id.replaceAll("-", "").slice(0, 12), 16);
    const hex = ms.toString(16).padStart(12, "0");
    const bound = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
    await sql`CREATE TABLE observations_by_recording (LIKE observations INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
                PARTITION BY RANGE (id)`.execute(db);
    try {
      await sql`ALTER TABLE observations_by_recording ADD PRIMARY KEY (id)`.execute(db);
      await sql
        .raw(`CREATE TABLE observations_recorded_before PARTITION OF observations_by_recording
                       FOR VALUES FROM (MINVALUE) TO ('${bound}')`)
        .execute(db);
      await sql
        .raw(`CREATE TABLE observations_recorded_after PARTITION OF observations_by_recording
                       FOR VALUES FROM ('${bound}') TO (MAXVALUE)`)
        .execute(db);
      await sql`INSERT INTO observations_by_recording SELECT * FROM observations`.execute(db);
      // The instant each observation's id carries: its first 48 bits.
      const counts = await sql<{ before: number; after: number; earlier: number; later: number }>`
        WITH made AS (
          SELECT ('x' || substring(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint AS ms FROM observations)
        SELECT (SELECT count(*)::int FROM observations_recorded_before) AS before,
               (SELECT count(*)::int FROM observations_recorded_after) AS after,
               (SELECT count(*)::int FROM made WHERE ms < ${ms}) AS earlier,
               (SELECT count(*)::int FROM made WHERE ms >= ${ms}) AS later`.execute(db);
      const c = counts.rows[0]!;
      // Each row went to the partition of the instant in its id.
      expect(c.before).toBe(c.earlier);
      expect(c.after).toBe(c.later);
      expect(c.before).toBeGreaterThan(0);
      expect(c.after).toBeGreaterThan(0);
      // A read of recent rows by key touches the recent partition only.
      const plan = await sql<Record<string, string>>`
        EXPLAIN SELECT count(*) FROM observations_by_recording WHERE id >= ${bound}::uuid`.execute(db);
      const text = plan.rows.map((r) => Object.values(r)[0]).join("\n");
      expect(text).toContain("observations_recorded_after");
      expect(text).not.toContain("observations_recorded_before");
      // Why the lab identifier's uniqueness moved out (0039): as an index here it is refused.
      await expect(
        sql`CREATE UNIQUE INDEX ON observations_by_recording (site_id, coalesce(identifier_system, ''), identifier_value)
              WHERE identifier_value IS NOT NULL`.execute(db),
      ).rejects.toThrow(/unique constraint on partitioned table must include all partitioning columns/);
      // Its own table's triggers hold it across partitions: the first and the last observation
      // (one in each partition, same site) cannot carry the same lab identifier.
      await sql`CREATE TRIGGER by_recording_identifiers_ins AFTER INSERT ON observations_by_recording
                  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                  EXECUTE FUNCTION observation_identifiers_inserted()`.execute(db);
      await sql`CREATE TRIGGER by_recording_identifiers_upd AFTER UPDATE ON observations_by_recording
                  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
                  EXECUTE FUNCTION observation_identifiers_updated()`.execute(db);
      const ends = await sql<{ first: string; last: string }>`
        SELECT (SELECT id::text FROM observations_recorded_before
                 WHERE site_id = o.site_id ORDER BY id LIMIT 1) AS first,
               (SELECT id::text FROM observations_recorded_after
                 WHERE site_id = o.site_id ORDER BY id DESC LIMIT 1) AS last
          FROM observations o ORDER BY id LIMIT 1`.execute(db);
      const { first, last } = ends.rows[0]!;
      expect(first && last).toBeTruthy();
      const identify = (trx: Transaction<DB>, id: string) =>
        sql`UPDATE observations_by_recording
               SET identifier_system = 'urn:example:lab', identifier_value = 'PARTITION-1'
             WHERE id = ${id}::uuid`.execute(trx);
      await rolledBack(db, async (trx) => {
        await identify(trx, first);
        expect(await refusal(trx, () => identify(trx, last))).toMatchObject({ code: "23505" });
        // Inserted, not updated: the same.
        expect(
          await refusal(trx, () =>
            sql`INSERT INTO observations_by_recording
              SELECT (jsonb_populate_record(NULL::observations_by_recording, to_jsonb(o)
                      || '{"id": "ffffffff-ffff-7fff-bfff-ffffffffffff", "identifier_system": "urn:example:lab",
                           "identifier_value": "PARTITION-1"}'::jsonb)).*
                FROM observations_by_recording o WHERE o.id = ${last}::uuid`.execute(trx),
          ),
        ).toMatchObject({ code: "23505" });
        // Written by the trigger, and gone with the transaction (the demo's table is untouched).
        const held = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM observation_identifiers WHERE value = 'PARTITION-1'`.execute(trx);
        expect(held.rows[0]!.n).toBe(1);
      });
    } finally {
      await sql`DROP TABLE observations_by_recording`.execute(db);
    }
  });
});
