/**
 * The solver and right-hand side were made cheaper for the virtual cohort (decision 0039): outputs
 * in one buffer instead of one allocation each, and the Tmax gate's power computed once per time
 * instead of once per call. Neither may change an answer (both are meant to be exact). `test/fixtures/kinetics/before-0039.json` holds what
 * the code before the change (commit 8d3da16) computed for the same virtual patients — outcomes
 * under several strategies, with and without lymphoma, and raw states of a co-infusion (14 states) —
 * and every number here must agree with it to 1e-9 relative.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  COMPOUND_CD19_BCMA_CAR,
  cohortOutcomes,
  modelParameters,
  SLE_CAR_KINETICS,
  type Strategy,
  simulate,
  single,
  strategyDosing,
  virtualPatients,
} from "../../../src/domain/kinetics/index.ts";

interface Recorded {
  horizonDays: number;
  sampleDays: number[];
  cases: { name: "lupus" | "lymphoma"; seed: number; n: number; strategy: Strategy; outcomes: unknown[] }[];
  states: number[][][];
}
const before = JSON.parse(
  readFileSync(new URL("../../fixtures/kinetics/before-0039.json", import.meta.url), "utf8"),
) as Recorded;

const BASES = {
  lupus: modelParameters({ ...SLE_CAR_KINETICS, antiDsDna0: 250 }),
  lymphoma: modelParameters({ tumour0: 1000 }),
};
const dosing = single(COMPOUND_CD19_BCMA_CAR, 3e6, 60);

/** Largest relative difference between two JSON-like values; Infinity where their shapes differ. */
function maxRelativeDifference(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number")
    return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object")
    return a === b ? 0 : Infinity;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  let worst = 0;
  for (const k of keys)
    worst = Math.max(
      worst,
      maxRelativeDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    );
  return worst;
}

describe("the cheaper integration gives the answers it gave before", () => {
  it("virtual patients' outcomes, per strategy, agree to 1e-9 relative", () => {
    expect(before.cases.length).toBe(8);
    for (const c of before.cases) {
      const patients = virtualPatients(BASES[c.name], c.n, c.seed);
      const now = JSON.parse(
        JSON.stringify(cohortOutcomes(patients, dosing, c.strategy, before.horizonDays)),
      );
      expect(now).toHaveLength(c.n);
      expect(maxRelativeDifference(now, c.outcomes), `${c.name} ${c.strategy}`).toBeLessThanOrEqual(1e-9);
    }
  });

  it("states between solver steps (dense output, two products) agree to 1e-9 relative", () => {
    const patients = virtualPatients(BASES.lymphoma, before.states.length, 99);
    patients.forEach((p, i) => {
      const t = simulate(p, strategyDosing("co-infusion", dosing), before.sampleDays);
      const now = t.states.map((s) => Array.from(s));
      expect(now[0]).toHaveLength(14);
      expect(maxRelativeDifference(now, before.states[i])).toBeLessThanOrEqual(1e-9);
    });
  });

  it("the comparison would see a real change", () => {
    const c = before.cases[0]!;
    const shifted = virtualPatients(BASES[c.name], c.n, c.seed).map((p) => ({
      ...p,
      kKill: p.kKill * 1.001,
    }));
    const now = JSON.parse(JSON.stringify(cohortOutcomes(shifted, dosing, c.strategy, before.horizonDays)));
    expect(maxRelativeDifference(now, c.outcomes)).toBeGreaterThan(1e-6);
  });
});
