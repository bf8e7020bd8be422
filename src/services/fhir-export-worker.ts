/**
 * The worker that runs bulk export jobs inside the server (decision 0032): it claims a job from
 * the job table (FOR UPDATE SKIP LOCKED, so several servers on one PostgreSQL share the queue),
 * runs it a page at a time (fhir-bulk-export.ts: each page read on the reports' connection, then
 * written in one transaction that also moves the job's resume point and renews its lease), and
 * sleeps when there is nothing to do, until the next poll or a kick-off in this process wakes it.
 * A job whose worker died is taken over once its lease lapses; PGlite has one process per data
 * directory (decision 0009), so there the worker takes every running job back at start instead
 * of waiting.
 */
import { hostname } from "node:os";
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { DomainError } from "../domain/errors.ts";
import {
  claimExportJob,
  deleteExpiredExportJobs,
  hasPendingExportJobs,
  releaseExportLease,
  releaseExportLeases,
} from "../store/fhir-export-jobs.ts";
import type { DB } from "../store/schema.ts";
import {
  failExport,
  onExportQueued,
  runExportStep,
  type StepOptions,
  type StepResult,
} from "./fhir-bulk-export.ts";

export interface ExportWorkerOptions {
  /** resources per page, and so per transaction (default 1000, the search's largest page) */
  pageSize?: number;
  /** how long a claimed job stays this worker's without a step (default 60 s) */
  leaseMs?: number;
  /** how often an idle worker looks for work (default 2 s) */
  pollMs?: number;
  /** take back running jobs at start: only where no other worker can be alive (PGlite) */
  reclaimOnStart?: boolean;
  /** attempts (claims) before a job that keeps failing is marked failed (default 3) */
  maxAttempts?: number;
  now?: () => Date;
  log?: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /**
   * where pages are read: Database.reports, a replica's pool when DATABASE_REPORTS_URL is set
   * (decision 0060); the primary when not given
   */
  reports?: Kysely<DB>;
  /** called after each step (tests stop the worker part-way through a job) */
  afterStep?: (jobId: string, result: StepResult) => void | Promise<void>;
}

export interface ExportWorker {
  /** Stops after the step under way; `abandon` keeps the lease, as a crash would. */
  stop(options?: { abandon?: boolean }): Promise<void>;
  wake(): void;
}

export function startExportWorker(db: Kysely<DB>, options: ExportWorkerOptions = {}): ExportWorker {
  const owner = `${hostname()}:${process.pid}:${uuidv7()}`;
  const pageSize = options.pageSize ?? 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 2000;
  const maxAttempts = options.maxAttempts ?? 3;
  const now = options.now ?? (() => new Date());
  const stepOptions: StepOptions = {
    owner,
    pageSize,
    leaseMs,
    now,
    ...(options.reports ? { reports: options.reports } : {}),
  };
  let stopping = false;
  let abandon = false;
  let held: string | null = null;
  let sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  const wake = () => {
    if (!sleeper) return;
    clearTimeout(sleeper.timer);
    sleeper.resolve();
    sleeper = null;
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        sleeper = null;
        resolve();
      }, ms);
      sleeper = { timer, resolve };
    });
  const unsubscribe = onExportQueued(wake);

  async function runJob(jobId: string, attempts: number) {
    held = jobId;
    let waited = false;
    try {
      for (;;) {
        if (stopping) return;
        let result: StepResult;
        try {
          result = await runExportStep(db, jobId, stepOptions);
        } catch (e) {
          const refused = e instanceof DomainError;
          options.log?.error({ err: e, jobId }, "bulk export step failed");
          if (refused || attempts >= maxAttempts)
            await failExport(db, jobId, e instanceof Error ? e.message : String(e), now());
          // otherwise leave it to be claimed again (a passing fault), counting the attempt
          else await releaseExportLease(db, jobId, owner);
          return;
        }
        await options.afterStep?.(jobId, result);
        // A replica behind the kick-off: the job stays this worker's, tried again after a pause.
        if (result === "waiting") {
          if (!waited)
            options.log?.info({ jobId }, "bulk export waits for the reports' replica to replay its kick-off");
          waited = true;
          await sleep(pollMs);
        } else if (result !== "more") return;
      }
    } finally {
      held = null;
    }
  }

  const loop = (async () => {
    if (options.reclaimOnStart) await releaseExportLeases(db);
    let lastSweep = 0;
    while (!stopping) {
      try {
        const t = now();
        if (t.getTime() - lastSweep > 60_000) {
          lastSweep = t.getTime();
          const removed = await deleteExpiredExportJobs(db, t);
          if (removed > 0) options.log?.info({ removed }, "expired bulk exports removed");
        }
        const job = (await hasPendingExportJobs(db))
          ? await claimExportJob(db, owner, t, new Date(t.getTime() + leaseMs))
          : undefined;
        if (job) {
          await runJob(job.id, job.attempts);
          continue;
        }
      } catch (e) {
        options.log?.error({ err: e }, "bulk export worker");
      }
      if (!stopping) await sleep(pollMs);
    }
  })();

  return {
    wake,
    async stop(o = {}) {
      stopping = true;
      abandon = o.abandon ?? false;
      unsubscribe();
      wake();
      const heldAtStop = held;
      await loop;
      // a clean stop hands the job on at once instead of after its lease
      if (heldAtStop && !abandon) await releaseExportLease(db, heldAtStop, owner).catch(() => {});
    },
  };
}
