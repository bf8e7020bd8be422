/**
 * Named prepared statements (store/prepared-statements.ts): a marked statement answers the same
 * on both databases; on PostgreSQL it is prepared once per connection under a name, at most 64
 * names a connection (later marked statements run unnamed), and not at all when switched off.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { PREPARED_STATEMENT, prepared } from "../../src/store/prepared-statements.ts";
import { siteVersions, siteVersionsAndSites } from "../../src/store/site-versions.ts";
import { testDatabase, usingPostgres } from "../support/database.ts";

const plusOne = (database: Database, x: number, variant = 0) =>
  prepared(sql<{ y: number }>`SELECT ${x}::int + 1 + ${sql.lit(variant)} AS y`)
    .execute(database.db)
    .then((r) => r.rows[0]!.y);

/** The marked statements prepared on the one connection of `database`. */
const preparedHere = async (database: Database) =>
  (
    await sql<{
      name: string;
      statement: string;
    }>`SELECT name, statement FROM pg_prepared_statements`.execute(database.db)
  ).rows.filter((r) => r.statement.startsWith(PREPARED_STATEMENT));

describe("prepared statements", () => {
  it("a marked statement answers as the same statement unmarked", async () => {
    const database = await testDatabase();
    try {
      for (const x of [1, 41, -5]) expect(await plusOne(database, x)).toBe(x + 1);
    } finally {
      await database.close();
    }
  });

  describe.runIf(usingPostgres())("on PostgreSQL", () => {
    const open = (preparedStatements?: boolean) =>
      openDatabase({
        kind: "postgres",
        url: process.env.TEST_DATABASE_URL!,
        maxConnections: 1,
        ...(preparedStatements === undefined ? {} : { preparedStatements }),
      });

    it("prepares a marked statement once per connection, under a name, and reuses it", async () => {
      const database = await open();
      try {
        for (const x of [1, 2, 3]) expect(await plusOne(database, x)).toBe(x + 1);
        const statements = await preparedHere(database);
        expect(statements).toHaveLength(1);
        expect(statements[0]!.name).toMatch(/^v2v_[\w-]{24}$/);
      } finally {
        await database.close();
      }
    });

    it("names at most 64 statements a connection; the rest run unnamed and answer the same", async () => {
      const database = await open();
      try {
        for (let v = 0; v < 70; v++) expect(await plusOne(database, 1, v)).toBe(2 + v);
        expect(await preparedHere(database)).toHaveLength(64);
      } finally {
        await database.close();
      }
    });

    it("plans the held answers' version reads once a connection: the plan cache keeps the generic plan", async () => {
      // Every request to a held list reads its sites' versions. Planned at every execution (a
      // custom plan each time), the read cost the database ~2.5 times what it costs planned once.
      const database = await testDatabase();
      const siteIds = [randomUUID(), randomUUID()];
      try {
        await database.db.connection().execute(async (db) => {
          for (let i = 0; i < 12; i++) {
            await siteVersionsAndSites(db, ["dashboard", "ltfu"], siteIds);
            await siteVersions(db, "observations", siteIds);
          }
          const plans = (
            await sql<{ statement: string; generic_plans: string; custom_plans: string }>`
              SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements`.execute(db)
          ).rows.filter((r) => r.statement.startsWith(PREPARED_STATEMENT));
          expect(plans).toHaveLength(2);
          for (const p of plans) {
            // PostgreSQL makes custom plans for the first five executions, then keeps the generic
            // one if it is no dearer (src/backend/utils/cache/plancache.c, choose_custom_plan).
            expect(Number(p.custom_plans), p.statement).toBeLessThanOrEqual(5);
            expect(Number(p.generic_plans), p.statement).toBeGreaterThanOrEqual(7);
          }
        });
      } finally {
        await database.close();
      }
    });

    it("prepares nothing when switched off (DATABASE_PREPARED_STATEMENTS=off, for a pooler)", async () => {
      const database = await open(false);
      try {
        expect(await plusOne(database, 1)).toBe(2);
        expect(await preparedHere(database)).toEqual([]);
      } finally {
        await database.close();
      }
    });
  });
});
