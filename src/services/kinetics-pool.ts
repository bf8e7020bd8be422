/**
 * The kinetics worker threads (issue 14): a small pool, one worker per core, started on first use
 * and kept, so a virtual cohort or a patient's fit does not pay a worker's start-up (the TypeScript
 * loader and a cold JIT, ~0.3 s) every time, and neither runs on the thread that answers requests.
 * A worker takes one task at a time from a queue; work is handed out as workers free up, so a
 * cohort cut into many chunks keeps both cores busy to the end even when one worker is slowed by
 * other load. Idle workers are unref'd: they never keep a process (a CLI command, a test) alive.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { DomainError } from "../domain/errors.ts";
import type { KineticsTask, SerialisedError } from "./kinetics-worker-main.ts";

interface Job {
  task: KineticsTask;
  onProgress?: (done: number) => void;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

const slots: Slot[] = [];
const queue: Job[] = [];

/** Workers the pool may start: one per core, or more if a caller asked for more. */
let limit = availableParallelism();
export const poolSize = () => limit;

function revive(e: SerialisedError): Error {
  if (e.name === "DomainError")
    return new DomainError(
      e.code as ConstructorParameters<typeof DomainError>[0],
      e.message,
      e.issues ?? [],
      e.details ?? {},
    );
  const error = e.name === "RangeError" ? new RangeError(e.message) : new Error(e.message);
  if (e.name !== "RangeError") error.name = e.name;
  return error;
}

function start(): Slot {
  const slot: Slot = { worker: new Worker(new URL("./kinetics-worker.js", import.meta.url)), job: null };
  slot.worker.unref();
  slot.worker.on(
    "message",
    (
      m:
        | { type: "progress"; done: number }
        | { type: "done"; result: unknown }
        | { type: "error"; error: SerialisedError },
    ) => {
      const job = slot.job;
      if (!job) return;
      if (m.type === "progress") {
        job.onProgress?.(m.done);
        return;
      }
      slot.job = null;
      slot.worker.unref();
      if (m.type === "done") job.resolve(m.result);
      else job.reject(revive(m.error));
      dispatch();
    },
  );
  const lost = (error: Error) => {
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    const job = slot.job;
    slot.job = null;
    job?.reject(error);
    dispatch();
  };
  slot.worker.on("error", lost);
  slot.worker.on("exit", (code) => lost(new Error(`kinetics worker exited with ${code}`)));
  slots.push(slot);
  return slot;
}

function dispatch() {
  while (queue.length) {
    const slot = slots.find((s) => s.job === null) ?? (slots.length < poolSize() ? start() : null);
    if (!slot) return;
    const job = queue.shift()!;
    slot.job = job;
    slot.worker.ref(); // a task in flight keeps the process alive until it answers
    slot.worker.postMessage(job.task);
  }
}

/** Runs one task on a pool worker; `onProgress` hears of patient-simulations done as they happen. */
export function runKineticsTask<T>(
  task: KineticsTask,
  onProgress?: (done: number) => void,
  workers?: number,
): Promise<T> {
  if (workers && workers > limit) limit = workers;
  return new Promise<T>((resolve, reject) => {
    queue.push({ task, onProgress, resolve: resolve as (value: unknown) => void, reject });
    dispatch();
  });
}

/** The kinds of the tasks running now, one per busy worker (diagnostics and tests). */
export const runningKineticsTasks = (): KineticsTask["kind"][] =>
  slots.flatMap((s) => (s.job ? [s.job.task.kind] : []));

/** Stops every worker (tests, shutdown); the next task starts new ones. */
export async function closeKineticsPool(): Promise<void> {
  const all = slots.splice(0);
  await Promise.all(all.map((s) => s.worker.terminate()));
}
