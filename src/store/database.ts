/**
 * Opens the one database the app uses: embedded PGlite (default, a data directory or memory) or
 * a PostgreSQL server (DATABASE_URL). Both speak the same SQL and run the same migrations; the
 * rest of the code sees only `Database`.
 */
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
import type { DB } from "./schema.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  kind: DatabaseKind;
  db: Kysely<DB>;
  /**
   * Runs `fn` on one connection held for its whole duration; `run` executes a multi-statement
   * script there and returns the rows of its last statement. The migrator needs this so its
   * advisory lock, checks and DDL all happen in one session.
   */
  session<T>(fn: (run: (script: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T>;
  /** Human-readable location for logs: a directory, "memory", or the server without password. */
  location: string;
  close(): Promise<void>;
}

export type DatabaseConfig =
  | { kind: "pglite"; dataDir: string | null } // null = in memory (tests)
  | { kind: "postgres"; url: string; schema?: string; maxConnections?: number };

const DATE_OID = 1082;

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === "pglite" ? openPglite(config.dataDir) : openPostgres(config);
}

async function openPglite(dataDir: string | null): Promise<Database> {
  let lock: DataDirLock | null = null;
  if (dataDir) lock = lockDataDir(dataDir);
  try {
    // Calendar dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the time zone.
    // Options go in one object: PGlite ignores a second argument when the first is not a string,
    // which silently dropped the date parser for in-memory databases.
    const pglite = new PGlite({
      ...(dataDir ? { dataDir: `${dataDir}/pgdata` } : {}),
      parsers: { [DATE_OID]: (value: string) => value },
    });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      kind: "pglite",
      db,
      location: dataDir ?? "memory",
      async session(fn) {
        // PGlite has a single connection; the Kysely driver serialises its own use of it.
        return fn(async (script) => {
          const results = await pglite.exec(script);
          return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
        });
      },
      async close() {
        try {
          await db.destroy(); // closes PGlite, which flushes its files
        } finally {
          lock?.release();
        }
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

async function openPostgres(config: {
  url: string;
  schema?: string;
  maxConnections?: number;
}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    // A per-test-file schema keeps parallel test files apart on one server.
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === DATE_OID
          ? (v: string) => v
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Fail now, with the server's message, rather than on the first request.
  const client = await pool.connect();
  client.release();
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(config.url);
  url.password = "";
  return {
    kind: "postgres",
    db,
    location: url.toString(),
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn(async (script) => {
          // No parameters: pg uses the simple query protocol, which accepts many statements.
          const res = (await client.query(script)) as unknown as pg.QueryResult | pg.QueryResult[];
          const last = Array.isArray(res) ? res.at(-1) : res;
          return (last?.rows ?? []) as Record<string, unknown>[];
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}
