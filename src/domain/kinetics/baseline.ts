/**
 * The untreated patient at steady state, in closed form (kinetics-model.md §3.3 "Baseline"), and
 * the rate constants that make it so. The fit works with interpretable quantities — the measured
 * B-cell count, IgG and anti-dsDNA, the share of each antibody made by CD19− long-lived plasma
 * cells (φ_G, φ_D), the niche occupancy — and the secretion rates, precursor influx, autoreactive
 * capacity and niche size follow from them.
 */
import type { ModelParameters } from "./parameters.ts";

export interface Baseline {
  /** marrow B precursors, non-autoreactive and autoreactive mature B cells (cells/µL) */
  precursors: number;
  bNaive: number;
  bAuto: number;
  /** CD19+BCMA+ short-lived plasma cells/plasmablasts, non-auto and auto (cells/µL-eq) */
  slpcNaive: number;
  slpcAuto: number;
  /** CD19−BCMA+ long-lived plasma cells (cells/µL-eq) */
  llpcNaive: number;
  llpcAuto: number;
  igG: number;
  antiDsDna: number;
}

export interface DerivedRates {
  /** precursor influx s_P (cells/µL/d) */
  precursorInflux: number;
  /** autoreactive clone capacity K_a (cells/µL) */
  autoCapacity: number;
  /** long-lived plasma-cell niche size L_max (cells/µL-eq) */
  nicheSize: number;
  /** IgG secretion per short-/long-lived plasma cell, p_S and p_L (g/L per cell/µL per day) */
  igGFromSlpc: number;
  igGFromLlpc: number;
  /** anti-dsDNA secretion per autoreactive short-/long-lived plasma cell, q_S and q_L */
  dsDnaFromSlpc: number;
  dsDnaFromLlpc: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export function baseline(p: ModelParameters): { state: Baseline; rates: DerivedRates } {
  const bNaive = (1 - p.autoreactiveFraction) * p.bCells0;
  const bAuto = p.autoreactiveFraction * p.bCells0;
  // dBn/dt = 0: k_mat·P = (d_B + k_act)·Bn, and dP/dt = 0: s_P = k_mat·P.
  const precursorInflux = bNaive * (p.dB + p.kAct);
  const precursors = precursorInflux / p.kMat;
  // dBa/dt = 0 with reseeding: r_a·Ba·(1 − Ba/K_a) + ε·k_mat·P = 0.
  const autoCapacity = bAuto > 0 ? bAuto / (1 + (p.reseeding * p.kMat * precursors) / (p.rAuto * bAuto)) : 0;
  // With the niche occupancy Λ* given, transfer into the niche is u = k_SL·(1 − Λ*) per SLPC.
  const u = p.kSL * (1 - p.nicheOccupancy0);
  const slpcNaive = (p.kAct * bNaive) / (p.dS + u);
  const slpcAuto = (p.kActAuto * bAuto) / (p.dS + u);
  const llpcNaive = (u * slpcNaive) / p.dL;
  const llpcAuto = (u * slpcAuto) / p.dL;
  const nicheSize = ratio(llpcNaive + llpcAuto, p.nicheOccupancy0);
  const slpc = slpcNaive + slpcAuto;
  const llpc = llpcNaive + llpcAuto;
  return {
    state: {
      precursors,
      bNaive,
      bAuto,
      slpcNaive,
      slpcAuto,
      llpcNaive,
      llpcAuto,
      igG: p.igG0,
      antiDsDna: p.antiDsDna0,
    },
    rates: {
      precursorInflux,
      autoCapacity,
      nicheSize,
      igGFromSlpc: ratio((1 - p.phiG) * p.kG * p.igG0, slpc),
      igGFromLlpc: ratio(p.phiG * p.kG * p.igG0, llpc),
      dsDnaFromSlpc: ratio((1 - p.phiD) * p.kD * p.antiDsDna0, slpcAuto),
      dsDnaFromLlpc: ratio(p.phiD * p.kD * p.antiDsDna0, llpcAuto),
    },
  };
}

export function assertBaselineParameters(p: ModelParameters): void {
  const fractions = ["autoreactiveFraction", "phiG", "phiD", "conditioningDepletion"] as const;
  for (const k of fractions)
    if (!(p[k] >= 0 && p[k] <= 1)) throw new RangeError(`${k} = ${p[k]} must lie in [0, 1]`);
  if (!(p.nicheOccupancy0 > 0 && p.nicheOccupancy0 < 1))
    throw new RangeError(`nicheOccupancy0 = ${p.nicheOccupancy0} must lie in (0, 1)`);
  for (const k of ["kMat", "dS", "dL", "kG", "kD", "rAuto", "tmax"] as const)
    if (!(p[k] > 0)) throw new RangeError(`${k} = ${p[k]} must be > 0`);
  for (const k of [
    "bCells0",
    "igG0",
    "antiDsDna0",
    "tumour0",
    "kAct",
    "kActAuto",
    "dB",
    "kSL",
    "reseeding",
  ] as const)
    if (!(p[k] >= 0) || !Number.isFinite(p[k])) throw new RangeError(`${k} = ${p[k]} must be finite and ≥ 0`);
  // the Gompertz term divides by ln(T_cap/T0) and the cure factor needs a threshold below T0
  if (p.tumour0 > 0 && !(p.tumourCapacityFold > 1 && p.tumourCureFraction > 0 && p.tumourCureFraction < 1))
    throw new RangeError(
      "with a lymphoma, tumourCapacityFold must exceed 1 and tumourCureFraction lie in (0, 1)",
    );
  if (p.antiDsDna0 > 0 && !(p.autoreactiveFraction > 0 && p.kActAuto > 0))
    throw new RangeError(
      "anti-dsDNA above 0 needs autoreactive B cells (autoreactiveFraction, kActAuto > 0)",
    );
}
