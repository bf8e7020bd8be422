/**
 * A kinetics worker thread: simulates its slice of a virtual cohort under each strategy and sends
 * back the outcomes in order (null where the solver gave up), reporting progress as it goes.
 */
import { parentPort } from "node:worker_threads";
import type { Dosing, ModelParameters, Strategy } from "../domain/kinetics/index.ts";
import { cohortOutcomes } from "../domain/kinetics/whatif.ts";

export interface WorkerTask {
  patients: ModelParameters[];
  given: Dosing;
  strategies: Strategy[];
  horizonDays: number;
}

parentPort!.on("message", (task: WorkerTask) => {
  let done = 0;
  const outcomes = task.strategies.map((strategy) =>
    cohortOutcomes(task.patients, task.given, strategy, task.horizonDays, () => {
      if (++done % 50 === 0) parentPort!.postMessage({ type: "progress", done: 50 });
    }),
  );
  parentPort!.postMessage({ type: "progress", done: done % 50 });
  parentPort!.postMessage({ type: "done", outcomes });
});
