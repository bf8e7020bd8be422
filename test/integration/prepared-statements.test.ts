/**
 * Named prepared statements (store/prepared-statements.ts): a marked statement answers the same
 * on both databases; on PostgreSQL it is prepared once per connection under a name, at most 64
 * names a connection (later marked statements run unnamed), and not at all when switched off.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { PREPARED_STATEMENT, prepared } from "../../src/store/prepared-statements.ts";
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
