/**
 * PostgreSQL behind `Database` (store/database.ts): the clinic's pool with named prepared
 * statements for the hot statements, and the reports' pool (decision 0060). A module of its own so
 * an embedded start never loads the driver.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyStatement, DATE_OID, type Database, queryObservers } from "./database.ts";
import { preparingPool } from "./prepared-statements.ts";
import type { DB } from "./schema.ts";
import { SharedReads, shareReads } from "./shared-reads.ts";

/** Reports' connections: an export holds one for its whole read (decision 0060). */
const REPORT_CONNECTIONS = 3;

export async function openPostgres(config: {
  url: string;
  reportsUrl?: string;
  schema?: string;
  maxConnections?: number;
  preparedStatements?: boolean;
}): Promise<Database> {
  // A per-test-file schema keeps parallel test files apart on one server.
  const searchPath = config.schema ? [`-c search_path=${config.schema}`] : [];
  const types = {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === DATE_OID
        ? (v: string) => v
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    ...(searchPath.length ? { options: searchPath.join(" ") } : {}),
    types,
  });
  // Read-only by transaction (services/context.ts's readOnlySnapshot), not by a startup option:
  // pgbouncer refuses `-c default_transaction_read_only` in a connection's options (it passes
  // only the settings it tracks), and a replica refuses writes by itself. application_name it keeps.
  const reportsPool = new pg.Pool({
    connectionString: config.reportsUrl ?? config.url,
    max: REPORT_CONNECTIONS,
    ...(searchPath.length ? { options: searchPath.join(" ") } : {}),
    application_name: "vein2vein reports",
    types,
  });
  // Fail now, with the server's message, rather than on the first request (or the first export,
  // for a replica of its own).
  const client = await pool.connect();
  client.release();
  if (config.reportsUrl)
    try {
      (await reportsPool.connect()).release();
    } catch (e) {
      await Promise.all([pool.end(), reportsPool.end()]);
      throw e;
    }
  const observers = queryObservers();
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: config.preparedStatements === false ? pool : preparingPool(pool) }),
    log: observers.log,
  });
  // Held answers' version reads asked for at once share one statement (decision 0064).
  shareReads(db, new SharedReads());
  const reports = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: reportsPool }),
    log: observers.reportsLog,
  });
  const url = new URL(config.url);
  url.password = "";
  return {
    kind: "postgres",
    db,
    reports,
    observeQueries: observers.observeQueries,
    location: url.toString(),
    async copyCsv(table, columns, csv) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyFrom(copyStatement(table, columns, "STDIN")));
        await pipeline(Readable.from([csv]), stream);
      } finally {
        client.release();
      }
    },
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
      await Promise.all([db.destroy(), reports.destroy()]);
    },
  };
}
