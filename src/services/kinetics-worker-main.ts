/**
 * A kinetics worker thread (kinetics-pool.ts): runs one task at a time — a chunk of a virtual
 * cohort under each strategy, a patient's MAP fit, or her what-if bands — and posts back the result
 * (or the error, to be rethrown on the calling thread), reporting cohort progress as it goes.
 */
import { parentPort } from "node:worker_threads";
import { DomainError } from "../domain/errors.ts";
import { type FitOptions, fitPatient } from "../domain/kinetics/fit.ts";
import type { Dosing, FitProblem, FitResult, ModelParameters, Strategy } from "../domain/kinetics/index.ts";
import { type BandOptions, cohortOutcomes, whatIf } from "../domain/kinetics/whatif.ts";

export type KineticsTask =
  | {
      kind: "cohort";
      patients: ModelParameters[];
      given: Dosing;
      strategies: Strategy[];
      horizonDays: number;
    }
  | { kind: "fit"; problem: Omit<FitProblem, "fitted">; options: FitOptions }
  | { kind: "whatIf"; fit: FitResult; strategies: Strategy[]; options: BandOptions };

export interface SerialisedError {
  name: string;
  message: string;
  code?: string;
  issues?: DomainError["issues"];
  details?: DomainError["details"];
}

function run(task: KineticsTask): unknown {
  switch (task.kind) {
    case "cohort": {
      let done = 0;
      const outcomes = task.strategies.map((strategy) =>
        cohortOutcomes(task.patients, task.given, strategy, task.horizonDays, () => {
          if (++done % 50 === 0) parentPort!.postMessage({ type: "progress", done: 50 });
        }),
      );
      if (done % 50) parentPort!.postMessage({ type: "progress", done: done % 50 });
      return outcomes;
    }
    case "fit":
      return fitPatient(task.problem, task.options);
    case "whatIf":
      return whatIf(task.fit, task.strategies, task.options);
  }
}

parentPort!.on("message", (task: KineticsTask) => {
  try {
    parentPort!.postMessage({ type: "done", result: run(task) });
  } catch (e) {
    const error: SerialisedError =
      e instanceof DomainError
        ? { name: e.name, message: e.message, code: e.code, issues: e.issues, details: e.details }
        : {
            name: e instanceof Error ? e.name : "Error",
            message: e instanceof Error ? e.message : String(e),
          };
    parentPort!.postMessage({ type: "error", error });
  }
});
