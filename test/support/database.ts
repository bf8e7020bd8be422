/**
 * A fresh, migrated database per test file: in-memory PGlite by default, opened from the run's
 * migrated template (test/support/pglite-template.setup.ts) rather than initdb, or — when
 * TEST_DATABASE_URL is set (CI's second pass) — a throw-away schema on that PostgreSQL server,
 * dropped again on close. Same migrations, same SQL, both tiers.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { migrate } from "../../src/store/migrator.ts";
import { openSnapshot } from "../../src/store/pglite-snapshots.ts";

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

export async function testDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    // inject() exists only inside a vitest run; the benchmarks (npm run bench) use this file too.
    const template = process.env.VITEST ? inject("pgliteTemplate") : undefined;
    if (template) return openSnapshot(template);
    const database = await openDatabase({ kind: "pglite", dataDir: null }); // outside vitest's set-up
    await migrate(database);
    return database;
  }
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const database = await openDatabase({ kind: "postgres", url, schema, maxConnections: 4 });
  await migrate(database);
  const close = database.close.bind(database);
  database.close = async () => {
    await close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP SCHEMA ${schema} CASCADE`);
    await c.end();
  };
  return database;
}
