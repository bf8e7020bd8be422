/**
 * Opens the one database the app uses: embedded PGlite (default, a data directory or memory) or
 * a PostgreSQL server (DATABASE_URL). Both speak the same SQL and run the same migrations; the
 * rest of the code sees only `Database`.
 */
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, type LogEvent, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
import { keepReadsUntilWrite, ReadsUntilWrite } from "./reads-until-write.ts";
import type { DB } from "./schema.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  kind: DatabaseKind;
  db: Kysely<DB>;
  /**
   * Reports' and exports' reads (decision 0060), in read-only transactions (readOnlySnapshot). On
   * PostgreSQL a pool of its own, on DATABASE_REPORTS_URL when set (a streaming replica) and else
   * on the primary: a long export does not hold one of the clinic's connections. On PGlite, one
   * connection: `db` itself.
   */
  reports: Kysely<DB>;
  /**
   * Runs `fn` on one connection held for its whole duration; `run` executes a multi-statement
   * script there and returns the rows of its last statement. The migrator needs this so its
   * advisory lock, checks and DDL all happen in one session.
   */
  session<T>(fn: (run: (script: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T>;
  /**
   * Calls `listener` after every statement run through `db` (transactions included) until the
   * returned function is called: tests count the queries a request makes, the bench captures a
   * route's main query. Costs nothing while nobody listens.
   */
  observeQueries(listener: QueryListener): () => void;
  /**
   * PostgreSQL only: calls `listener` when the server closes one of the pools' connections (a
   * restart, a failover, an administrator's `pg_terminate_backend`, `idle_session_timeout`), until
   * the returned function is called. The app goes on: the pool drops that connection and opens
   * another when one is needed (store/postgres-database.ts). `v2v serve` logs each as a warning.
   */
  observeLostConnections?(listener: (error: Error) => void): () => void;
  /**
   * PGlite only: the whole data directory as an uncompressed tar, which `loadDataDir` opens again
   * without initdb or migrations (test templates, the demo snapshot). Undefined on PostgreSQL.
   */
  dumpDataDir?: () => Promise<Blob>;
  /**
   * Loads rows with COPY … FROM STDIN (CSV, header-less, columns in the order given), outside any
   * transaction: the fastest way into a table, which the bench measures the API's ingest against
   * (both backends have it; a stand-in database for the OpenAPI document need not).
   */
  copyCsv?(table: string, columns: readonly string[], csv: string): Promise<void>;
  /** Human-readable location for logs: a directory, "memory", or the server without password. */
  location: string;
  close(): Promise<void>;
}

export type DatabaseConfig =
  // dataDir null = in memory (tests). loadDataDir starts from a dump of another PGlite
  // (`dumpDataDir`): about 2 s instead of initdb's 5 to 7 s.
  | { kind: "pglite"; dataDir: string | null; loadDataDir?: Blob }
  | {
      kind: "postgres";
      url: string;
      /** where `reports` reads: a replica of `url`'s database; by default `url` itself */
      reportsUrl?: string;
      schema?: string;
      maxConnections?: number;
      /** named prepared statements for the hot statements marked so (default on; store/prepared-statements.ts) */
      preparedStatements?: boolean;
    };

export const DATE_OID = 1082;

export interface QueryEvent {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
  error?: unknown;
  /** run through `Database.reports`'s own pool (PostgreSQL; on PGlite it is `db`) */
  reports?: true;
}
export type QueryListener = (event: QueryEvent) => void;

/**
 * Kysely `log` hooks feeding the database's query listeners (`reportsLog` for the reports' pool),
 * and `observeQueries` for them.
 */
export function queryObservers() {
  const listeners = new Set<QueryListener>();
  const logOf =
    (reports: boolean) =>
    (event: LogEvent): void => {
      if (listeners.size === 0) return;
      const e: QueryEvent = {
        sql: event.query.sql,
        parameters: event.query.parameters,
        ms: event.queryDurationMillis,
        ...(event.level === "error" ? { error: event.error } : {}),
        ...(reports ? { reports: true as const } : {}),
      };
      for (const l of listeners) l(e);
    };
  const log = logOf(false);
  const reportsLog = logOf(true);
  const observeQueries = (listener: QueryListener) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  return { log, reportsLog, observeQueries };
}

/** Where PGlite keeps its files inside DATA_DIR (the audit key and the lock live beside it). */
export const pgliteDataPath = (dataDir: string) => join(dataDir, "pgdata");

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === "pglite") return openPglite(config.dataDir, config.loadDataDir);
  // Loaded only for PostgreSQL: the driver is ~70 ms of an embedded start's module loading.
  const { openPostgres } = await import("./postgres-database.ts");
  return openPostgres(config);
}

/**
 * PGlite's buffer cache. Its default, PostgreSQL's 128MB, is zeroed inside the WebAssembly memory
 * on every open: about half of opening a small database (1.1 s against 0.6 s with 32MB, decision
 * 0047). The embedded database is for the demo, trying and developing, whose data fit in 32MB;
 * a registry belongs on PostgreSQL, whose own setting is the administrator's.
 */
export const PGLITE_SHARED_BUFFERS = "32MB";

async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<Database> {
  let lock: DataDirLock | null = null;
  if (dataDir) lock = lockDataDir(dataDir);
  try {
    // Calendar dates stay 'YYYY-MM-DD' strings: a JS Date would shift them by the time zone.
    // Options go in one object: PGlite ignores a second argument when the first is not a string,
    // which silently dropped the date parser for in-memory databases.
    const pglite = new PGlite({
      ...(dataDir ? { dataDir: pgliteDataPath(dataDir) } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      parsers: { [DATE_OID]: (value: string) => value },
      startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${PGLITE_SHARED_BUFFERS}`],
    });
    await pglite.waitReady;
    const observers = queryObservers();
    // Only this process writes its PGlite: reads of held answers' versions are kept until the
    // next statement that may write (store/reads-until-write.ts, decision 0063).
    const reads = new ReadsUntilWrite();
    const db = new Kysely<DB>({
      dialect: new PGliteDialect(pglite),
      log: (event) => {
        reads.statementRan(event.query.sql);
        observers.log(event);
      },
    });
    keepReadsUntilWrite(db, reads);
    return {
      kind: "pglite",
      db,
      // A second Kysely on the one PGlite would interleave its transactions with db's.
      reports: db,
      observeQueries: observers.observeQueries,
      location: dataDir ?? "memory",
      dumpDataDir: () => pglite.dumpDataDir("none"),
      async copyCsv(table, columns, csv) {
        // PGlite reads COPY's input from the blob given as /dev/blob.
        await pglite.query(copyStatement(table, columns, "'/dev/blob'"), [], { blob: new Blob([csv]) });
        reads.wrote();
      },
      async session(fn) {
        // PGlite has a single connection; the Kysely driver serialises its own use of it.
        return fn(async (script) => {
          try {
            const results = await pglite.exec(script);
            return (results.at(-1)?.rows ?? []) as Record<string, unknown>[];
          } finally {
            reads.wrote(); // a script (a migration) may write anything
          }
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

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
export function copyStatement(table: string, columns: readonly string[], from: string): string {
  for (const name of [table, ...columns])
    if (!IDENTIFIER.test(name)) throw new Error(`copyCsv: not a plain identifier: ${name}`);
  return `COPY ${table} (${columns.join(", ")}) FROM ${from} WITH (FORMAT csv)`;
}

/**
 * Refreshes the planner's statistics. PGlite has no autovacuum, so without this the planner never
 * learns the table sizes and ignores the indexes (bench/: lists 6–9× slower before ANALYZE).
 */
export async function refreshPlannerStatistics(database: Database): Promise<void> {
  await sql`ANALYZE`.execute(database.db);
}
