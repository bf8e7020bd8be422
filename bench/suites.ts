/**
 * The three benchmarks. Each opens its own fresh database, builds its data through the services,
 * and returns baseline-vs-measured timings; run.ts turns them into the table.
 */
import {
  forgetHeldObservationPages,
  listObservations,
  recordObservations,
} from "../src/services/observations.ts";
import { forgetHeldTimelinePages, patientTimeline } from "../src/services/timeline.ts";
import { auditChain } from "./audit-chain.ts";
import { cohortAtScale } from "./cohort.ts";
import {
  addPatient,
  type Backend,
  CODES,
  EPOCH,
  enterPhase,
  observation,
  openSite,
  type Site,
  STATISTICS_PHASES,
} from "./fixtures.ts";
import { type Comparison, check, comparePair, median } from "./harness.ts";
import { ingestVsCopy } from "./ingest.ts";
import { kineticsCohort, kineticsCohortWorkers, kineticsFit, kineticsFitStarts } from "./kinetics.ts";
import { labImport } from "./lab-import.ts";
import { startUp } from "./start.ts";

export type Log = (message: string) => void;
export type Suite = (backend: Backend, url: string | undefined, log: Log) => Promise<Comparison[]>;

const DAY = 86_400_000;
const BATCH = 1000;
/** Queries of a few milliseconds are repeated more often: noise weighs more on them. */
const QUICK_REPETITIONS = 41;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Writes `total` observations, ≤1,000 per recordObservations call; `make(i)` builds the i-th. */
async function fill(site: Site, total: number, make: (i: number) => ReturnType<typeof observation>) {
  for (let start = 0; start < total; start += BATCH) {
    const observations = [];
    for (let i = start; i < Math.min(start + BATCH, total); i++) observations.push(make(i));
    await recordObservations(site.ctx, { observations });
  }
}

async function withSite<T>(backend: Backend, url: string | undefined, fn: (site: Site) => Promise<T>) {
  const site = await openSite(backend, url);
  try {
    return await fn(site);
  } finally {
    await site.close();
  }
}

/** 1. 1,000 observations for one patient: one batch call vs 1,000 single calls (the baseline). */
export const observationBatch: Suite = (backend, url, log) =>
  withSite(backend, url, async (site) => {
    const N = 1000;
    const patientId = await addPatient(site, 1);
    let next = 0; // position in the patient's stream: every row gets its own time
    const inputs = (n: number) => Array.from({ length: n }, () => observation(patientId, next++, 1));
    const oneByOne = async (n: number) => {
      for (const o of inputs(n)) await recordObservations(site.ctx, o);
    };
    const batch = async (n: number) => {
      const stored = await recordObservations(site.ctx, { observations: inputs(n) });
      check(stored.length === n, `batch stored ${stored.length} of ${n}`);
    };
    log(`  ${N} observations × 5 repetitions, one-by-one and batched`);
    const { baselineMs, measuredMs } = await comparePair({
      warmups: 1,
      repetitions: 5,
      baseline: () => oneByOne(N),
      measured: () => batch(N),
      // A full untimed 1,000-call warm-up would double the run time; 100 rows warm the same paths.
      warmupBaseline: () => oneByOne(100),
      warmupMeasured: () => batch(100),
    });
    const stored = await site.database.db
      .selectFrom("observations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("patient_id", "=", patientId)
      .executeTakeFirstOrThrow();
    check(Number(stored.n) === next, `expected ${next} observations, found ${stored.n}`);
    const rate = (ms: number[]) => (N / median(ms)) * 1000;
    return [
      {
        benchmark: "observation batch vs one-by-one (1,000 rows)",
        backend,
        baseline: "1,000 single calls",
        measured: "1 batch call",
        baselineMs,
        measuredMs,
        notes: [
          `one-by-one ${fmt(rate(baselineMs))} rows/s`,
          `batch ${fmt(rate(measuredMs))} rows/s`,
          `speed-up ${(median(baselineMs) / median(measuredMs)).toFixed(1)}×`,
        ],
      },
    ];
  });

/**
 * 2. One patient with 50,000 observations (one every 10 minutes). Timeline: first page vs a page
 * 40,000 items in. Observation list: first page vs one code in a 30-day window.
 */
export const timelineDepth: Suite = (backend, url, log) =>
  withSite(backend, url, async (site) => {
    const TOTAL = 50_000;
    const DEPTH = 40_000;
    const STEP_MINUTES = 10;
    const LIMIT = 100;
    const patientId = await addPatient(site, 1);
    let start = performance.now();
    await fill(site, TOTAL, (i) => observation(patientId, i, STEP_MINUTES));
    log(`  setup: ${fmt(TOTAL)} observations in ${fmt(performance.now() - start)} ms`);

    // Walk the stream with the service's own cursors (pages of 1,000 to get there quickly).
    start = performance.now();
    let cursor: string | undefined;
    let seen = 0;
    while (seen < DEPTH) {
      const page = await patientTimeline(site.ctx, patientId, { limit: BATCH, cursor });
      check(page.nextCursor !== null, `timeline ended after ${seen + page.items.length} items`);
      seen += page.items.length;
      cursor = page.nextCursor;
    }
    log(`  followed cursors to item ${fmt(seen)} in ${fmt(performance.now() - start)} ms`);
    const deepCursor = cursor;
    const expectedAt = observation(patientId, DEPTH, STEP_MINUTES).effectiveAt;

    const code = CODES[0];
    const from = new Date(EPOCH + 200 * DAY).toISOString();
    const to = new Date(EPOCH + 230 * DAY).toISOString();
    const out: Comparison[] = [];
    for (const phase of STATISTICS_PHASES) {
      await enterPhase(site, phase);
      const timeline = await comparePair({
        warmups: 2,
        repetitions: 15,
        // Each page computed: a held page (decision 0056) would time a map lookup on both sides.
        baseline: async () => {
          forgetHeldTimelinePages(site.ctx.db);
          const page = await patientTimeline(site.ctx, patientId, { limit: LIMIT });
          check(
            page.items.length === LIMIT && page.items[0]!.at === new Date(EPOCH).toISOString(),
            "first page",
          );
        },
        measured: async () => {
          forgetHeldTimelinePages(site.ctx.db);
          const page = await patientTimeline(site.ctx, patientId, { limit: LIMIT, cursor: deepCursor });
          check(
            page.items.length === LIMIT && page.items[0]!.at === expectedAt,
            "deep page starts at item 40,000",
          );
        },
      });
      // Each page computed: a held page (decision 0059) would time a map lookup on both sides.
      const list = await comparePair({
        warmups: 3,
        repetitions: QUICK_REPETITIONS,
        baseline: async () => {
          forgetHeldObservationPages(site.ctx.db);
          const page = await listObservations(site.ctx, { patientId, includeErrors: false, limit: LIMIT });
          check(page.items.length === LIMIT, "observation first page");
        },
        measured: async () => {
          forgetHeldObservationPages(site.ctx.db);
          const page = await listObservations(site.ctx, {
            patientId,
            code,
            from,
            to,
            includeErrors: false,
            limit: LIMIT,
          });
          check(
            page.items.length === LIMIT &&
              page.items.every((o) => o.code === code && o.effectiveAt >= from && o.effectiveAt < to),
            "observations of one code in the window",
          );
        },
      });
      out.push(
        {
          benchmark: `timeline page depth (50,000 observations), ${phase}`,
          backend,
          baseline: "first page (100)",
          measured: "page at item 40,000 (100)",
          ...timeline,
          notes: ["≈1 if a page costs the same at any depth"],
        },
        {
          benchmark: `observation list by code + time window (same patient), ${phase}`,
          backend,
          baseline: "first page, patient only (100)",
          measured: `${code}, 30-day window (100)`,
          ...list,
        },
      );
    }
    return out;
  });

/** 3. 200 patients × 250 observations at one site: one patient + code vs the whole site. */
export const manyPatients: Suite = (backend, url, log) =>
  withSite(backend, url, async (site) => {
    const PATIENTS = 200;
    const EACH = 250;
    const LIMIT = 100;
    const start = performance.now();
    const patients: string[] = [];
    for (let p = 0; p < PATIENTS; p++) patients.push(await addPatient(site, p));
    // Daily observations; patient p measured p minutes after midnight, so rows interleave.
    await fill(site, PATIENTS * EACH, (k) =>
      observation(patients[Math.floor(k / EACH)]!, k % EACH, 24 * 60, Math.floor(k / EACH)),
    );
    log(
      `  setup: ${PATIENTS} patients, ${fmt(PATIENTS * EACH)} observations in ${fmt(performance.now() - start)} ms`,
    );
    const patientId = patients[PATIENTS / 2]!;
    const code = CODES[0];
    const out: Comparison[] = [];
    for (const phase of STATISTICS_PHASES) {
      await enterPhase(site, phase);
      // Each page computed, as in the suite above.
      const r = await comparePair({
        warmups: 3,
        repetitions: QUICK_REPETITIONS,
        baseline: async () => {
          forgetHeldObservationPages(site.ctx.db);
          const page = await listObservations(site.ctx, {
            patientId,
            code,
            includeErrors: false,
            limit: LIMIT,
          });
          check(page.items.length === EACH / CODES.length, "one patient's observations of one code");
        },
        measured: async () => {
          forgetHeldObservationPages(site.ctx.db);
          const page = await listObservations(site.ctx, { includeErrors: false, limit: LIMIT });
          check(page.items.length === LIMIT && page.nextCursor !== null, "first page of the site");
        },
      });
      out.push({
        benchmark: `observation list with many patients (200 × 250), ${phase}`,
        backend,
        baseline: `one patient + code (${EACH / CODES.length} rows)`,
        measured: "whole site, no filter (first 100)",
        ...r,
      });
    }
    return out;
  });

export const SUITES: [string, Suite][] = [
  ["observation batch vs one-by-one", observationBatch],
  ["observation ingest via API vs COPY", ingestVsCopy],
  ["timeline page depth", timelineDepth],
  ["observation list with many patients", manyPatients],
  ["lab import CSV vs observation batches", labImport],
  ["audit hash chain off vs on", auditChain],
  ["start-up", startUp],
  ["kinetics virtual cohort", kineticsCohort],
  ["cohort results at registry size", cohortAtScale],
  ["kinetics one patient fit", kineticsFit],
  ["kinetics patient fit, 3 starts on workers", kineticsFitStarts],
  ["kinetics virtual cohort on workers", kineticsCohortWorkers],
];
