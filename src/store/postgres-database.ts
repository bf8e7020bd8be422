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
  const maxConnections = config.maxConnections ?? 10;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: maxConnections,
    // Connections are kept once opened: node-postgres closes one idle for 10 s, and the first
    // burst after a quiet spell then waited for new ones (a backend started, the hot statements
    // prepared again, decision 0054). Tier M, worklist, 50 clients: p99 65 and 174 ms after 12 s
    // idle, 14 ms after 1 s (2026-12-08). A fixed-size pool is what HikariCP's documentation
    // recommends for the same reason (minimumIdle left equal to maximumPoolSize).
    min: maxConnections,
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
  const lostListeners = new Set<(error: Error) => void>();
  const lost = (error: Error) => {
    for (const listener of lostListeners) listener(error);
  };
  reportLostConnections(pool, lost);
  reportLostConnections(reportsPool, lost);
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
    observeLostConnections(listener) {
      lostListeners.add(listener);
      return () => {
        lostListeners.delete(listener);
      };
    },
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

/**
 * A connection PostgreSQL closes (a restart, a failover, `pg_terminate_backend`) makes
 * node-postgres emit "error": on the pool for an idle connection, on the client for one checked out
 * between statements. An "error" event nobody listens to is thrown, and it ended `v2v serve`
 * (2026-12-08: the idle connections terminated once, the server exited). With these listeners the
 * connection is only dropped: the pool removes an idle one at once, and one checked out is no
 * longer queryable, so the pool removes it when it is released; a statement that was using it
 * fails as statements do, and `lost` hears of each.
 */
function reportLostConnections(pool: pg.Pool, lost: (error: Error) => void): void {
  pool.on("connect", (client) => {
    // A connection ends with its error, then often the socket's own: one report a connection.
    let reported = false;
    client.on("error", (error) => {
      if (!reported) lost(error);
      reported = true;
    });
  });
  // The pool repeats an idle connection's error, which the client's own listener has reported.
  pool.on("error", () => undefined);
}
