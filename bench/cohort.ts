/**
 * 8. Cohort results at registry size (issue 12): the whole cohort report's numbers —
 * `cohortOutcomes` reading every infused patient's records from the database and computing
 * response, toxicity, remission, Kaplan–Meier curves with risk tables and log-rank tests, and
 * competing risks — against R's `survival` on the same patients' exported times (read.csv, then
 * survfit with log–log intervals, summary at the risk-table times and survdiff, for overall and
 * progression-free survival by indication), timed inside one Rscript process so R's own start
 * (about 0.2 s) is not counted against it. Issue 12's goal: faster than R including our data
 * loading, i.e. a ratio below 1. The registry is `v2v demo scale` (BENCH_COHORT_PATIENTS,
 * default 2,000) in the suite's throw-away database.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { generateScaleRegistry } from "../src/demo/scale.ts";
import { overallSurvival, progressionFreeSurvival } from "../src/domain/cohort/patient-outcome.ts";
import { forgetHeldFacts } from "../src/services/cohort-facts-cache.ts";
import { cohortOutcomes } from "../src/services/cohort-outcomes.ts";
import { forgetHeldReports } from "../src/services/cohort-report-cache.ts";
import { systemActor } from "../src/services/context.ts";
import { analyzeTables, type Backend, openBackend } from "./fixtures.ts";
import { type Comparison, check, median } from "./harness.ts";

const PATIENTS = Number(process.env.BENCH_COHORT_PATIENTS) || 2_000;
const REPETITIONS = 3;
/** Writes, each followed by a report, per repetition: a report after a write is cheap and noisy. */
const WRITES = 5;
const run = promisify(execFile);

const R_SCRIPT = `
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
times <- c(0, 3, 6, 9, 12, 18, 24, 36, 48, 60)
for (i in seq_len(as.integer(args[2]))) {
  t0 <- proc.time()[["elapsed"]]
  d <- read.csv(file.path(args[1], "times.csv"))
  for (endpoint in c("os", "pfs")) {
    e <- d[d$endpoint == endpoint, ]
    fit <- survfit(Surv(time, event) ~ group, data = e, conf.type = "log-log")
    s <- summary(fit, times = times, extend = TRUE)
    q <- quantile(fit, probs = 0.5)
    all <- survfit(Surv(time, event) ~ 1, data = e, conf.type = "log-log")
    if (length(unique(e$group)) > 1) sd <- survdiff(Surv(time, event) ~ group, data = e)
  }
  cat(sprintf("%.3f\\n", 1000 * (proc.time()[["elapsed"]] - t0)))
}
`;

export async function cohortAtScale(backend: Backend, url: string | undefined, log: (m: string) => void) {
  const database = await openBackend(backend, url);
  const dir = await mkdtemp(join(tmpdir(), "v2v-bench-cohort-"));
  try {
    log(`  generating a ${PATIENTS.toLocaleString("en-US")}-patient registry (v2v demo scale)`);
    const started = Date.now();
    await generateScaleRegistry(database, { patients: PATIENTS, asOf: "2026-10-31" });
    log(`  generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    // A registry this size has planner statistics (autovacuum, and `v2v serve` runs ANALYZE).
    await analyzeTables(database);
    const siteIds = (await database.db.selectFrom("sites").select("id").execute()).map((s) => s.id);
    // Reports read on the reports' connection, as the server's requests do (decision 0060).
    const ctx = {
      db: database.db,
      reports: database.reports,
      actor: systemActor(siteIds.map((siteId) => ({ siteId, role: "monitor" as const }))),
      now: () => new Date("2026-10-31T12:00:00Z"),
    };
    const query = { asOf: "2026-10-31" };
    const first = await cohortOutcomes(ctx, query);
    check(first.patients.length > PATIENTS / 4, `only ${first.patients.length} infused patients`);
    // The same times R gets: months, by indication, for OS and PFS.
    const rows: string[] = ["endpoint,group,time,event"];
    for (const p of first.patients) {
      const os = overallSurvival(p);
      rows.push(`os,${p.indication ?? "none"},${os.time / (365.25 / 12)},${os.event ? 1 : 0}`);
      const pfs = progressionFreeSurvival(p);
      if (pfs) rows.push(`pfs,${p.indication ?? "none"},${pfs.time / (365.25 / 12)},${pfs.event ? 1 : 0}`);
    }
    await writeFile(join(dir, "times.csv"), `${rows.join("\n")}\n`);
    await writeFile(join(dir, "bench.R"), R_SCRIPT);

    // Warm: the stored outcome facts hold (decision 0042), as on every report after the first
    // since the last write. Cold: the facts emptied first, so every patient is derived from all of
    // its records again (what every report cost before decision 0042, plus storing the facts).
    const measuredMs: number[] = [];
    const coldMs: number[] = [];
    const computedMs: number[] = [];
    const updatedMs: number[] = [];
    // A write to one patient between reports, as a correction is: one graded patient's CRS
    // gradings marked entered in error (each write another patient).
    const corrected = first.patients.filter((p) => p.crs.maxGrade !== null).slice(0, REPETITIONS * WRITES);
    check(corrected.length === REPETITIONS * WRITES, "too few patients with a CRS grade");
    for (let i = 0; i < REPETITIONS; i++) {
      await sql`DELETE FROM cohort_patient_facts`.execute(database.db);
      forgetHeldFacts(database.db);
      forgetHeldReports(database.db);
      let t0 = performance.now();
      await cohortOutcomes(ctx, query);
      coldMs.push(performance.now() - t0);
      // Computed again from the stored facts (read once, then held in memory), no report held.
      forgetHeldReports(database.db);
      await cohortOutcomes(ctx, query);
      forgetHeldReports(database.db);
      t0 = performance.now();
      await cohortOutcomes(ctx, query);
      computedMs.push(performance.now() - t0);
      // Asked again with nothing changed: the held report, after the changes statement.
      t0 = performance.now();
      await cohortOutcomes(ctx, query);
      measuredMs.push(performance.now() - t0);
      // After one patient's write: that patient derived again, the summary computed again.
      for (const patient of corrected.slice(i * WRITES, (i + 1) * WRITES)) {
        await sql`UPDATE assessments SET status = 'entered-in-error'
                   WHERE patient_id = ${patient.patientId} AND calculator = 'crs'`.execute(database.db);
        t0 = performance.now();
        const updated = await cohortOutcomes(ctx, query);
        updatedMs.push(performance.now() - t0);
        const after = updated.patients.find((p) => p.patientId === patient.patientId);
        check(after?.crs.maxGrade === null, "the corrected patient's CRS grade still shows");
      }
    }
    const rStarted = performance.now();
    const { stdout } = await run("Rscript", [
      "--vanilla",
      join(dir, "bench.R"),
      dir,
      String(REPETITIONS + 1),
    ]);
    const rWholeMs = performance.now() - rStarted;
    // The first R repetition warms its caches, as our first call above did.
    const baselineMs = stdout.trim().split("\n").map(Number).slice(1);
    check(baselineMs.length === REPETITIONS && baselineMs.every((x) => x > 0), `R printed ${stdout}`);
    const benchmark = `cohort report numbers (${first.patients.length.toLocaleString("en-US")} infused of ${PATIENTS.toLocaleString("en-US")})`;
    const baseline = "R survival: read.csv + survfit/summary/quantile/survdiff, OS and PFS";
    const comparisons: Comparison[] = [
      {
        benchmark,
        backend,
        baseline,
        measured: "cohortOutcomes asked again, nothing changed: the changes statement, then the held report",
        baselineMs,
        measuredMs,
        notes: [
          `${(median(measuredMs) / first.patients.length).toFixed(2)} ms per patient`,
          `Rscript process incl. start and ${REPETITIONS + 1} runs: ${(rWholeMs / 1000).toFixed(1)} s`,
        ],
      },
      {
        benchmark: `${benchmark}, after a write to one patient`,
        backend,
        baseline,
        measured:
          "cohortOutcomes after one patient's CRS gradings were corrected: that patient derived again, every table, curve and test computed again",
        baselineMs,
        measuredMs: updatedMs,
        notes: [
          `${WRITES} writes a repetition`,
          `updated ÷ computed: ${(median(updatedMs) / median(computedMs)).toFixed(3)}`,
        ],
      },
      {
        benchmark: `${benchmark}, computed`,
        backend,
        baseline,
        measured:
          "cohortOutcomes with no held report: stored facts (held in memory) + every table, curve and test",
        baselineMs,
        measuredMs: computedMs,
        notes: [`held ÷ computed: ${(median(measuredMs) / median(computedMs)).toFixed(3)}`],
      },
      {
        benchmark: `${benchmark}, cold`,
        backend,
        baseline,
        measured: "cohortOutcomes with no stored facts: every record read and derived, facts stored",
        baselineMs,
        measuredMs: coldMs,
        notes: [`held ÷ cold: ${(median(measuredMs) / median(coldMs)).toFixed(3)}`],
      },
    ];
    return comparisons;
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
}
