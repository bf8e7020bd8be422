/**
 * The one migrator, for PGlite start-up and PostgreSQL deploys alike. Migrations are numbered
 * plain-SQL files (NNNN_name.sql) applied in order, each in its own transaction, and recorded
 * with a checksum: an applied migration that was edited afterwards stops start-up, because the
 * database would then no longer match its history.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.ts";

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Any constant works; it only has to be the same for every vein2vein process.
const MIGRATION_LOCK_KEY = 7_442_019;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .map((file) => {
      const m = FILE_PATTERN.exec(file);
      if (!m) throw new Error(`Migration file name ${file} must look like 0001_name.sql`);
      const text = readFileSync(`${dir}/${file}`, "utf8");
      return {
        version: Number(m[1]),
        name: m[2]!,
        sql: text,
        checksum: createHash("sha256").update(text).digest("hex"),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`Migrations must be numbered 1..n without gaps; found ${m.version}`);
  });
  return migrations;
}

/** Applies what is missing; returns the versions it applied. */
export function migrate(database: Database, migrations = loadMigrations()): Promise<number[]> {
  return database.session(async (run) => {
    await run(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL)`);
    // Two servers starting at once against one PostgreSQL must not both migrate.
    await run(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      const done = await run("SELECT version, name, checksum FROM schema_migrations");
      const checksums = new Map(done.map((d) => [Number(d.version), String(d.checksum)]));
      const applied: number[] = [];
      for (const m of migrations) {
        const prior = checksums.get(m.version);
        if (prior !== undefined) {
          if (prior !== m.checksum) {
            throw new Error(
              `Migration ${m.version}_${m.name} was changed after it was applied (checksum differs). ` +
                "Applied migrations are never edited: add a new migration instead.",
            );
          }
          continue;
        }
        try {
          await run(
            `BEGIN;\n${m.sql}\n;INSERT INTO schema_migrations (version, name, checksum, applied_at) ` +
              `VALUES (${m.version}, '${m.name}', '${m.checksum}', now());\nCOMMIT;`,
          );
        } catch (e) {
          await run("ROLLBACK").catch(() => {});
          throw new Error(`Migration ${m.version}_${m.name} failed: ${(e as Error).message}`);
        }
        applied.push(m.version);
      }
      return applied;
    } finally {
      await run(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  });
}

/** The migrations applied to a database, in order. */
export const appliedMigrations = (database: Database) =>
  database.db.selectFrom("schema_migrations").select(["version", "name"]).orderBy("version").execute();
