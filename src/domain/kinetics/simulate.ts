/**
 * One simulated patient: parameters + dosing → the state at the requested days. Integrates piece
 * by piece between infusions, since an infusion is a jump in the state that an adaptive solver
 * must not step across (kinetics-model.md §3.3 "Dosing and conditioning").
 */
import { assertBaselineParameters } from "./baseline.ts";
import { dopri5, type SolverOptions, type SolverStats } from "./dopri5.ts";
import { assertDosing, type Dosing, infusedBloodLevel } from "./dosing.ts";
import { buildModel, initialState, type Layout } from "./model.ts";
import type { ModelParameters } from "./parameters.ts";

export interface Trajectory {
  days: number[];
  /** one state vector per day, in the order of `layout` */
  states: Float64Array[];
  layout: Layout;
  parameters: ModelParameters;
  dosing: Dosing;
  stats: SolverStats;
}

/**
 * What-if and fitting accuracy. The relative tolerance dominates for every state that matters; the
 * absolute one only stops the solver chasing populations that CAR-T drove to ~10⁻⁹ of a cell/µL
 * (0.005 cells in the whole blood volume), where relative accuracy means nothing clinically.
 */
export const DEFAULT_SOLVER: SolverOptions = { rtol: 1e-6, atol: 1e-9 };

export function simulate(
  parameters: ModelParameters,
  dosing: Dosing,
  sampleDays: readonly number[],
  solver: SolverOptions = DEFAULT_SOLVER,
): Trajectory {
  assertDosing(dosing);
  assertBaselineParameters(parameters);
  for (let i = 0; i < sampleDays.length; i++) {
    const d = sampleDays[i]!;
    if (!(d >= 0) || !Number.isFinite(d)) throw new RangeError(`sample day ${d} must be finite and ≥ 0`);
    if (i > 0 && d < sampleDays[i - 1]!) throw new RangeError("sample days must be ascending");
  }
  const model = buildModel(parameters, dosing);
  const levels = dosing.infusions.map((inf) => infusedBloodLevel(inf, dosing.weightKg, parameters));
  let y = initialState(model, levels);
  const horizon = sampleDays.length ? sampleDays[sampleDays.length - 1]! : 0;
  const breaks = [...new Set(dosing.infusions.map((i) => i.day))]
    .filter((d) => d > 0 && d < horizon)
    .sort((a, b) => a - b);
  const stats: SolverStats = { accepted: 0, rejected: 0, evaluations: 0 };
  const states: Float64Array[] = [];
  let next = 0;
  let start = 0;
  for (const end of [...breaks, horizon]) {
    const last = end === horizon;
    // A sample on an infusion day is taken after the infusion: it belongs to the next piece.
    const outputs: number[] = [];
    while (next < sampleDays.length && (sampleDays[next]! < end || (last && sampleDays[next]! <= end)))
      outputs.push(sampleDays[next++]!);
    if (end > start) {
      const piece = dopri5(model.rhs, start, y, end, outputs, solver);
      for (const v of piece.values) states.push(v); // not push(...): 10⁵ samples overflow the stack
      y = piece.final;
      stats.accepted += piece.stats.accepted;
      stats.rejected += piece.stats.rejected;
      stats.evaluations += piece.stats.evaluations;
    } else {
      for (const _ of outputs) states.push(Float64Array.from(y));
    }
    if (!last) {
      for (const [j, inf] of dosing.infusions.entries())
        if (inf.day === end) y[model.layout.effector(j)] = y[model.layout.effector(j)]! + levels[j]!;
    }
    start = end;
  }
  // An infusion on the last sample day itself: those samples are after it, like any other.
  for (const [j, inf] of dosing.infusions.entries())
    if (inf.day > 0 && inf.day === horizon)
      for (let i = 0; i < states.length; i++)
        if (sampleDays[i] === horizon) {
          const state = states[i]!;
          const e = model.layout.effector(j);
          state[e] = state[e]! + levels[j]!;
        }
  return { days: [...sampleDays], states, layout: model.layout, parameters, dosing, stats };
}
