/**
 * Databases and data for the benchmarks. Everything is written through the services (sites,
 * patients, observations), exactly as the app would, by one investigator of one site.
 */
import { sql } from "kysely";
import { type ServiceContext, systemActor } from "../src/services/context.ts";
import { createPatient } from "../src/services/patients.ts";
import { createSite } from "../src/services/sites.ts";
import type { Database } from "../src/store/database.ts";
import { testDatabase } from "../test/support/database.ts";

export type Backend = "pglite" | "postgres";

/**
 * A fresh, migrated database: in-memory PGlite, or a throw-away schema on the PostgreSQL server
 * at `url` (dropped again by `close()`), both via test/support/database.ts.
 */
export async function openBackend(backend: Backend, url?: string): Promise<Database> {
  const saved = process.env.TEST_DATABASE_URL;
  try {
    if (backend === "postgres") {
      if (!url) throw new Error("PostgreSQL benchmarks need BENCH_DATABASE_URL");
      process.env.TEST_DATABASE_URL = url;
    } else {
      delete process.env.TEST_DATABASE_URL;
    }
    return await testDatabase();
  } finally {
    if (saved === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = saved;
  }
}

/** LOINC codes with valid check digits: haemoglobin, creatinine, WBC, platelets, ALT. */
export const CODES = ["718-7", "2160-0", "6690-2", "777-3", "1742-6"] as const;
const UNITS: Record<(typeof CODES)[number], string> = {
  "718-7": "g/dL",
  "2160-0": "mg/dL",
  "6690-2": "10*3/uL",
  "777-3": "10*3/uL",
  "1742-6": "U/L",
};
/**
 * Values spread over an ordinary clinical range of each code (adult reference ranges widened a
 * little), well inside the plausibility limits of src/domain/plausibility.ts, which refuse e.g.
 * haemoglobin above 30 g/dL: a value outside them makes a batch 400 instead of being measured.
 */
const RANGES: Record<(typeof CODES)[number], [number, number]> = {
  "718-7": [7, 17],
  "2160-0": [0.4, 2],
  "6690-2": [1, 15],
  "777-3": [20, 450],
  "1742-6": [5, 120],
};

/** All data starts here; observation i of a stream is `i * stepMinutes` later. */
export const EPOCH = Date.parse("2024-01-01T00:00:00Z");
const MINUTE = 60_000;

export interface ObservationInput {
  patientId: string;
  code: string;
  valueNumber: number;
  unit: string;
  effectiveAt: string;
  source: string;
}

/** Observation number `i` of a patient's regular stream (codes rotate, one every `stepMinutes`). */
export function observation(patientId: string, i: number, stepMinutes: number, offsetMinutes = 0) {
  const code = CODES[i % CODES.length]!;
  return {
    patientId,
    code,
    valueNumber: plausibleValue(code, i),
    unit: UNITS[code],
    effectiveAt: new Date(EPOCH + (offsetMinutes + i * stepMinutes) * MINUTE).toISOString(),
    source: "bench",
  } satisfies ObservationInput;
}

/** A deterministic value of `code` for row `i`, inside RANGES, to one decimal. */
function plausibleValue(code: (typeof CODES)[number], i: number): number {
  const [low, high] = RANGES[code];
  return Math.round((low + (((i * 7919) % 1000) / 1000) * (high - low)) * 10) / 10;
}

export interface Site {
  database: Database;
  siteId: string;
  /** an investigator at the site: may read and write clinical data there */
  ctx: ServiceContext;
  close(): Promise<void>;
}

/** A database with one site (code `BN`) and an investigator context for it. */
export async function openSite(backend: Backend, url?: string): Promise<Site> {
  const database = await openBackend(backend, url);
  const now = () => new Date();
  const system: ServiceContext = { db: database.db, actor: systemActor(), now };
  const site = await createSite(system, {
    code: "BN",
    name: "Bench site",
    department: "Hematology",
    timeZone: "Asia/Shanghai",
    isSynthetic: true,
  });
  const ctx: ServiceContext = {
    db: database.db,
    actor: systemActor([{ siteId: site.id, role: "investigator" }]),
    now,
  };
  if (backend === "postgres") {
    // Keep the server's autovacuum from analysing tables halfway through a run, so the "no
    // statistics" phase means the same on both backends (PGlite never runs autovacuum). The
    // schema is a throw-away one, dropped on close.
    for (const table of await schemaTables(database))
      await sql`ALTER TABLE ${sql.table(table)} SET (autovacuum_enabled = false)`.execute(database.db);
  }
  return { database, siteId: site.id, ctx, close: () => database.close() };
}

/** The tables of the database's own schema (public on PGlite, the throw-away one on PostgreSQL). */
async function schemaTables(database: Database): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`.execute(
    database.db,
  );
  return rows.map((r) => r.name);
}

/** ANALYZE of every table (so ones added by later migrations are included), as `v2v serve` does. */
export async function analyzeTables(database: Database): Promise<void> {
  for (const table of await schemaTables(database))
    await sql`ANALYZE ${sql.table(table)}`.execute(database.db);
}

/**
 * The planner-statistics states a read benchmark runs in: as loaded (what an embedded PGlite
 * database has, since nothing in the app runs ANALYZE), then after ANALYZE of the tables read.
 */
export const STATISTICS_PHASES = ["no planner statistics", "after ANALYZE"] as const;
export type StatisticsPhase = (typeof STATISTICS_PHASES)[number];

export async function enterPhase(site: Site, phase: StatisticsPhase): Promise<void> {
  const db = site.database.db;
  if (phase === "after ANALYZE") await analyzeTables(site.database);
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'observations'`.execute(
    db,
  );
  const has = (rows[0]?.n ?? 0) > 0;
  if (has !== (phase === "after ANALYZE"))
    throw new Error(`benchmark setup: observations ${has ? "has" : "lacks"} statistics in phase "${phase}"`);
}

export async function addPatient(site: Site, n: number): Promise<string> {
  const p = await createPatient(site.ctx, {
    siteId: site.siteId,
    birthYear: 1960 + (n % 40),
    sex: n % 2 === 0 ? "female" : "male",
    isSynthetic: true,
  });
  return p.id;
}
