/**
 * Reports and exports on a real streaming replica (decisions 0060 and its addenda): the reports'
 * pool connected to a hot standby of the primary, with the standby's replay paused to stand
 * still behind the primary as a lagging replica does. Runs when TEST_REPLICA_PRIMARY_URL and
 * TEST_REPLICA_URL name such a pair (`eval "$(scripts/replica-pair.sh start)"`; .ci/run starts
 * one for its PostgreSQL pass).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadDemo } from "../../src/demo/load.ts";
import type { CohortOutcomes } from "../../src/domain/cohort/results.ts";
import { actorFor } from "../../src/services/auth.ts";
import { forgetHeldFacts } from "../../src/services/cohort-facts-cache.ts";
import { cohortOutcomes } from "../../src/services/cohort-outcomes.ts";
import { forgetHeldReports } from "../../src/services/cohort-report-cache.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { kickOffExport, type StepResult } from "../../src/services/fhir-bulk-export.ts";
import { type ExportWorker, startExportWorker } from "../../src/services/fhir-export-worker.ts";
import { recordObservations } from "../../src/services/observations.ts";
import { type Database, openDatabase } from "../../src/store/database.ts";
import { migrate } from "../../src/store/migrator.ts";
import { type CliRun, runV2v } from "../support/cli.ts";

const primaryUrl = process.env.TEST_REPLICA_PRIMARY_URL;
const replicaUrl = process.env.TEST_REPLICA_URL;
const now = () => new Date("2026-11-01T09:00:00+08:00");
/** How long the standby gets to catch up, pause or finish an export. */
const WAIT = { timeout: 10_000, interval: 25 };

let database: Database;
let ctx: ServiceContext;
let primary: pg.Client;
let standby: pg.Client;
const schema = `t_${randomBytes(6).toString("hex")}`;

/** Until the standby has replayed everything the primary has written so far. */
async function caughtUp(): Promise<void> {
  const { rows } = await primary.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
  await vi.waitFor(async () => {
    const r = await standby.query<{ done: boolean }>(
      "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done",
      [rows[0]!.lsn],
    );
    expect(r.rows[0]!.done, "the standby caught up").toBe(true);
  }, WAIT);
}

/** The standby stands still where it is, as a replica behind its primary does. */
async function pauseReplay(): Promise<void> {
  await standby.query("SELECT pg_wal_replay_pause()");
  await vi.waitFor(async () => {
    const r = await standby.query<{ state: string }>("SELECT pg_get_wal_replay_pause_state() AS state");
    expect(r.rows[0]!.state).toBe("paused");
  }, WAIT);
}
const resumeReplay = () => standby.query("SELECT pg_wal_replay_resume()");

/** A CRP result for some patient, recorded on the primary (the standby may not have it yet). */
async function recordOnPrimary(valueNumber: number, effectiveAt: string): Promise<void> {
  const someone = await database.db.selectFrom("patients").select("id").limit(1).executeTakeFirstOrThrow();
  await recordObservations(ctx, {
    patientId: someone.id,
    code: "1988-5",
    valueNumber,
    unit: "mg/L",
    effectiveAt,
  });
}

describe.runIf(primaryUrl && replicaUrl)("reports on a streaming replica", () => {
  beforeAll(async () => {
    primary = new pg.Client({ connectionString: primaryUrl });
    standby = new pg.Client({ connectionString: replicaUrl });
    await Promise.all([primary.connect(), standby.connect()]);
    await primary.query(`CREATE SCHEMA ${schema}`);
    database = await openDatabase({
      kind: "postgres",
      url: primaryUrl!,
      reportsUrl: replicaUrl!,
      schema,
      maxConnections: 4,
    });
    await migrate(database);
    await loadDemo(database, now);
    const user = await database.db
      .selectFrom("users")
      .select(["id", "username"])
      .where("username", "=", "investigator")
      .executeTakeFirstOrThrow();
    ctx = {
      db: database.db,
      reports: database.reports,
      actor: await actorFor(database.db, user.id, user.username),
      now,
    };
    await caughtUp();
  }, 300_000);

  afterAll(async () => {
    await resumeReplay().catch(() => {});
    await database?.close();
    await primary?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await Promise.all([primary?.end(), standby?.end()]);
  });

  it("reads reports on the standby, which refuses writes", async () => {
    const inRecovery = async (db: Database["db"]) =>
      (await sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`.execute(db)).rows[0]!.r;
    expect(await inRecovery(database.reports)).toBe(true);
    expect(await inRecovery(database.db)).toBe(false);
    await expect(sql`UPDATE studies SET title = title`.execute(database.reports)).rejects.toThrow(
      /read-only transaction/,
    );
  });

  it("a bulk export waits while the standby has not replayed its kick-off, then exports what the primary has", async () => {
    const job = async (id: string) =>
      database.db
        .selectFrom("fhir_export_jobs")
        .select(["state", "counts"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
    const finished = (id: string) =>
      vi.waitFor(async () => {
        const j = await job(id);
        expect(["queued", "running"], "the export finished").not.toContain(j.state);
        return j;
      }, WAIT);
    const kickOff = () =>
      kickOffExport(ctx, {
        level: "system",
        query: { _type: "Patient,Observation" },
        prefer: "respond-async",
        requestUrl: "http://localhost/fhir/R4/$export?_type=Patient,Observation",
      });
    const steps: StepResult[] = [];
    let worker: ExportWorker | undefined;
    await pauseReplay();
    let onStandby: string;
    try {
      // A result recorded on the primary before the kick-off: the export's transactionTime
      // promises it, and the standby has not replayed it.
      await recordOnPrimary(12, "2026-10-31T01:00:00Z");
      ({ jobId: onStandby } = await kickOff());
      worker = startExportWorker(database.db, {
        reports: database.reports,
        pollMs: 20,
        afterStep: (_, r) => void steps.push(r),
        now,
      });
      await vi.waitFor(() => expect(steps.length).toBeGreaterThanOrEqual(3), WAIT);
      // The standby does not show the job yet: nothing read, nothing written.
      expect(new Set(steps)).toEqual(new Set(["waiting"]));
      expect(await job(onStandby)).toEqual({ state: "running", counts: {} });
    } catch (e) {
      await worker?.stop();
      throw e;
    } finally {
      await resumeReplay();
    }
    try {
      const exported = await finished(onStandby);
      expect(exported.state).toBe("completed");
      expect(steps).toContain("more");
      // The same export read on the primary alone finds the same resources.
      await worker.stop();
      worker = startExportWorker(database.db, { pollMs: 20, now });
      const { jobId: onPrimary } = await kickOff();
      const reference = await finished(onPrimary);
      expect(reference.counts).toEqual(exported.counts);
      expect((exported.counts as Record<string, number>).Observation).toBeGreaterThan(0);
    } finally {
      await worker?.stop();
    }
  });

  it("v2v export fhir waits while the standby has not replayed its start, then exports what the primary has", async () => {
    const dir = mkdtempSync(join(tmpdir(), "v2v-replica-export-"));
    const exportTo = (name: string, on: Database) =>
      runV2v(on, [
        "export",
        "fhir",
        "--out",
        join(dir, name),
        "--as",
        "investigator",
        "--type",
        "Patient,Observation",
      ]);
    const countsIn = (name: string) =>
      Object.fromEntries(
        (
          JSON.parse(readFileSync(join(dir, name, "manifest.json"), "utf8")).output as {
            type: string;
            count: number;
          }[]
        ).map((o) => [o.type, o.count]),
      );
    const records = () =>
      database.db.selectFrom("audit_events").select("id").where("entity_type", "=", "fhir-export").execute();
    try {
      const before = (await records()).length;
      let running: Promise<CliRun> | undefined;
      let finished = false;
      await pauseReplay();
      try {
        // A result recorded on the primary before the export: its transactionTime promises it,
        // and the standby has not replayed it.
        await recordOnPrimary(13, "2026-10-31T02:00:00Z");
        running = exportTo("on-standby", database);
        void running.finally(() => {
          finished = true;
        });
        // Its start is recorded on the primary; the standby does not show it, so nothing is read.
        await vi.waitFor(async () => expect(await records()).toHaveLength(before + 1), WAIT);
        await new Promise((r) => setTimeout(r, 1000));
        expect(finished).toBe(false);
        expect(readdirSync(join(dir, "on-standby"))).toEqual([]);
      } finally {
        await resumeReplay();
      }
      const run = await running;
      expect(run.status, run.stderr).toBe(0);
      // The same export read on the primary alone finds the same resources.
      const reference = await exportTo("on-primary", { ...database, reports: database.db });
      expect(reference.status, reference.stderr).toBe(0);
      expect(countsIn("on-standby")).toEqual(countsIn("on-primary"));
      expect(countsIn("on-standby").Observation).toBeGreaterThan(0);
      expect(await records()).toHaveLength(before + 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a cohort report shows a write once the standby has replayed it, and equals one made on the primary", async () => {
    const patient = (o: CohortOutcomes, id: string) => o.patients.find((p) => p.patientId === id)!;
    const before = await cohortOutcomes(ctx, {});
    const graded = before.patients.find((p) => p.crs.maxGrade !== null && p.crs.maxGrade > 0)!;
    expect(graded).toBeDefined();
    const crsInError = (inError: boolean) =>
      sql`UPDATE assessments SET status = ${inError ? "entered-in-error" : "final"}
           WHERE patient_id = ${graded.patientId} AND calculator = 'crs'`.execute(database.db);
    try {
      await pauseReplay();
      try {
        await crsInError(true);
        // Behind the primary, the standby still shows the grading.
        const behind = await cohortOutcomes(ctx, {});
        expect(patient(behind, graded.patientId).crs.maxGrade).toBe(graded.crs.maxGrade);
      } finally {
        await resumeReplay();
      }
      await caughtUp();
      const after = await cohortOutcomes(ctx, {});
      expect(patient(after, graded.patientId).crs.maxGrade).toBeNull();
      // The facts derived from the standby were stored on the primary, under its version.
      const facts = await database.db
        .selectFrom("cohort_patient_facts")
        .select(["version", "facts_version"])
        .where("patient_id", "=", graded.patientId)
        .executeTakeFirstOrThrow();
      expect(facts.facts_version).toBe(facts.version);
      // A new process reporting on the primary alone says the same.
      forgetHeldReports(database.db);
      forgetHeldFacts(database.db);
      const { reports: _, ...onPrimary } = ctx;
      const fresh = await cohortOutcomes(onPrimary, {});
      expect(JSON.stringify({ ...fresh, generatedAt: "" })).toBe(
        JSON.stringify({ ...after, generatedAt: "" }),
      );
    } finally {
      await crsInError(false);
    }
  });
});
