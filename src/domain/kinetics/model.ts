/**
 * State vector and right-hand side of the dual-target CAR-T model (kinetics-model.md §3.2–3.3).
 *
 * State, for n infused products (14 states with two):
 *   [E_1, M_1, …, E_n, M_n,  T, P, Bn, Ba, Sn, Sa, Ln, La, G, D]
 * E_j/M_j effector and memory CAR-T cells of infusion j; T lymphoma; P marrow B precursors; Bn/Ba
 * mature B cells, non-autoreactive and autoreactive; Sn/Sa CD19+BCMA+ short-lived plasma cells;
 * Ln/La CD19−BCMA+ long-lived plasma cells; G total IgG (g/L); D anti-dsDNA (IU/mL).
 *
 * Equations (t in days since the first infusion, τ_j = t − day of infusion j):
 *   gate      g_j = 1/(1 + (τ_j/Tmax_j)^h)                  smooth Tmax switch (Li & Cheng)
 *   antigen   A_j = Σ_X w_jX·X, w_jX = min(1, r_j·a_X)       recognition · expression
 *   stimulus  σ_j = A_j/(K_ρ + A_j)
 *   dE_j = ρ_j·g_j·σ_j·E_j − (1 − g_j)(k_E + k_EM)_j·E_j + k_ME·σ_j·M_j
 *   dM_j = (1 − g_j)·k_EM·E_j − β_j·M_j − k_ME·σ_j·M_j
 *   kill of X by j: κ_jX = k_kill·Ẽ_j·w_jX·X/(K_kill + Ẽ_j + A_j), Ẽ_j = E_j + φ_M·M_j
 *   dP  = s_P − k_mat·P − K_P
 *   dBn = k_mat·P − (d_B + k_act)·Bn − K_Bn
 *   dBa = r_a·Ba·(1 − Ba/K_a) + ε·k_mat·P − K_Ba
 *   dSn = k_act·Bn − d_S·Sn − k_SL·(1 − Λ)·Sn − K_Sn,   Λ = (Ln + La)/L_max
 *   dSa = k_act,a·Ba − d_S·Sa − k_SL·(1 − Λ)·Sa − K_Sa
 *   dLn = k_SL·(1 − Λ)·Sn − d_L·Ln − K_Ln,  dLa likewise from Sa
 *   dG  = p_S·(Sn + Sa) + p_L·(Ln + La) − k_G·G
 *   dD  = q_S·Sa + q_L·La − k_D·D
 *   dT  = g_T·F_cure·T·ln(T_cap/T)/ln(T_cap/T0) − K_T,   F_cure = T^h/(T^h + T_crit^h)
 *
 * Two departures from the note, both deliberate. The Gompertz term is normalised by ln(T_cap/T0)
 * instead of Chaudhury's log(U_max), so g_T is the growth rate at the baseline burden and does not
 * depend on the unit T is counted in. The tumour is never set to 0 at an extinction threshold (a
 * discontinuity); Chaudhury's smooth F_cure stops its regrowth instead, and "cleared" is read off
 * the trajectory (outcomes.ts).
 */
import { baseline } from "./baseline.ts";
import type { Rhs } from "./dopri5.ts";
import type { CarKinetics, Dosing } from "./dosing.ts";
import type { ModelParameters } from "./parameters.ts";

/** Target compartments, in state order after the CAR-T modules. */
export const TARGETS = ["T", "P", "Bn", "Ba", "Sn", "Sa", "Ln", "La"] as const;
export type Target = (typeof TARGETS)[number];
export const STATE_NAMES_AFTER_PRODUCTS = [...TARGETS, "G", "D"] as const;

/**
 * Antigen expression (CD19, BCMA) of each target, kinetics-model.md §3.3: B precursors and mature
 * B cells CD19+BCMA− (memory B may be BCMA-low; taken as 0 [A]); plasmablasts/short-lived plasma
 * cells CD19+BCMA+; long-lived plasma cells CD19−BCMA+, the "static" layer that CD19 CAR-T spares
 * (Mei 2015 Blood 125:1739; Bhoj 2016 Blood). The tumour's comes from the parameters.
 */
const EXPRESSION: Record<Exclude<Target, "T">, { cd19: number; bcma: number }> = {
  P: { cd19: 1, bcma: 0 },
  Bn: { cd19: 1, bcma: 0 },
  Ba: { cd19: 1, bcma: 0 },
  Sn: { cd19: 1, bcma: 1 },
  Sa: { cd19: 1, bcma: 1 },
  Ln: { cd19: 0, bcma: 1 },
  La: { cd19: 0, bcma: 1 },
};

export interface Layout {
  products: number;
  size: number;
  effector: (j: number) => number;
  memory: (j: number) => number;
  T: number;
  P: number;
  Bn: number;
  Ba: number;
  Sn: number;
  Sa: number;
  Ln: number;
  La: number;
  G: number;
  D: number;
  names: string[];
}

export function layout(products: number): Layout {
  const o = 2 * products;
  const names = [
    ...Array.from({ length: products }, (_, j) => [`E${j + 1}`, `M${j + 1}`]).flat(),
    ...STATE_NAMES_AFTER_PRODUCTS,
  ];
  return {
    products,
    size: o + 10,
    effector: (j) => 2 * j,
    memory: (j) => 2 * j + 1,
    T: o,
    P: o + 1,
    Bn: o + 2,
    Ba: o + 3,
    Sn: o + 4,
    Sa: o + 5,
    Ln: o + 6,
    La: o + 7,
    G: o + 8,
    D: o + 9,
    names,
  };
}

/** How well a product recognises a target: min(1, r¹⁹·a¹⁹ + r^BCMA·a^BCMA). */
export const recognitionWeight = (r: { cd19: number; bcma: number }, a: { cd19: number; bcma: number }) =>
  Math.min(1, r.cd19 * a.cd19 + r.bcma * a.bcma);

/** Everything the right-hand side needs, computed once per simulation. */
export interface Model {
  layout: Layout;
  parameters: ModelParameters;
  /** per infusion: its day and resolved kinetics */
  modules: { day: number; kinetics: CarKinetics }[];
  /** per infusion, the recognition weight of each target in TARGETS order */
  weights: Float64Array[];
  rhs: Rhs;
}

export function buildModel(p: ModelParameters, dosing: Dosing): Model {
  const n = dosing.infusions.length;
  const L = layout(n);
  const { rates } = baseline(p);
  const tumourExpression = { cd19: p.tumourCd19, bcma: p.tumourBcma };
  const modules = dosing.infusions.map((inf) => ({
    day: inf.day,
    kinetics: {
      rho: p.rho,
      tmax: p.tmax,
      kE: p.kE,
      kEM: p.kEM,
      beta: p.beta,
      kME: p.kME,
      ...inf.product.kinetics,
    },
  }));
  const weights = dosing.infusions.map((inf) =>
    Float64Array.from(TARGETS, (x) =>
      recognitionWeight(inf.product.recognition, x === "T" ? tumourExpression : EXPRESSION[x]),
    ),
  );

  // Flat copies for the hot loop: the solver calls this ~2,000 times per simulation.
  const day = Float64Array.from(modules, (m) => m.day);
  const rho = Float64Array.from(modules, (m) => m.kinetics.rho);
  const tmax = Float64Array.from(modules, (m) => m.kinetics.tmax);
  const kE = Float64Array.from(modules, (m) => m.kinetics.kE);
  const kEM = Float64Array.from(modules, (m) => m.kinetics.kEM);
  const beta = Float64Array.from(modules, (m) => m.kinetics.beta);
  const kME = Float64Array.from(modules, (m) => m.kinetics.kME);
  const h = p.gateSteepness;
  const { antigenHalfSaturation: Krho, memoryKillFactor: phiM, kKill, killHalfSaturation: Kkill } = p;
  const { kMat, dB, kAct, kActAuto, rAuto, reseeding, dS, kSL, dL, kG, kD, gT } = p;
  const { precursorInflux: sP, autoCapacity: Ka, nicheSize: Lmax } = rates;
  const { igGFromSlpc: pS, igGFromLlpc: pL, dsDnaFromSlpc: qS, dsDnaFromLlpc: qL } = rates;
  const tumourCap = p.tumourCapacityFold * p.tumour0;
  const lnCap = Math.log(tumourCap);
  const lnCapOverT0 = Math.log(p.tumourCapacityFold);
  const tumourCritH = (p.tumourCureFraction * p.tumour0) ** p.tumourHill;
  const hT = p.tumourHill;
  const X = new Float64Array(TARGETS.length); // target values
  const kill = new Float64Array(TARGETS.length); // total kill rate on each target
  const o = 2 * n;
  // The gate depends on t alone, and Math.pow is the dearest thing in here: Dormand–Prince
  // evaluates its last two stages at the same time (the trial state and the accepted one), so the
  // gates of the last call are kept and reused when t repeats — the same numbers, bit for bit.
  const gate = new Float64Array(n);
  let gateTime = Number.NaN;

  const rhs: Rhs = (t, y, dy) => {
    if (t !== gateTime) {
      for (let j = 0; j < n; j++) {
        const tau = t - day[j]!;
        // Before its infusion a module is empty, and (τ/Tmax)^h is undefined for τ < 0.
        gate[j] = tau <= 0 ? 1 : 1 / (1 + (tau / tmax[j]!) ** h);
      }
      gateTime = t;
    }
    for (let x = 0; x < X.length; x++) {
      X[x] = y[o + x]!;
      kill[x] = 0;
    }
    for (let j = 0; j < n; j++) {
      const E = y[2 * j]!;
      const M = y[2 * j + 1]!;
      const w = weights[j]!;
      let A = 0;
      for (let x = 0; x < X.length; x++) A += w[x]! * X[x]!;
      const g = gate[j]!;
      const sigma = A / (Krho + A);
      const reactivation = kME[j]! * sigma * M;
      dy[2 * j] = rho[j]! * g * sigma * E - (1 - g) * (kE[j]! + kEM[j]!) * E + reactivation;
      dy[2 * j + 1] = (1 - g) * kEM[j]! * E - beta[j]! * M - reactivation;
      const killers = E + phiM * M;
      const perTarget = (kKill * killers) / (Kkill + killers + A);
      for (let x = 0; x < X.length; x++) kill[x] = kill[x]! + perTarget * w[x]! * X[x]!;
    }
    const T = X[0]!;
    const P = X[1]!;
    const Bn = X[2]!;
    const Ba = X[3]!;
    const Sn = X[4]!;
    const Sa = X[5]!;
    const Ln = X[6]!;
    const La = X[7]!;
    const G = y[o + 8]!;
    const D = y[o + 9]!;
    const toNiche = Lmax > 0 ? kSL * (1 - (Ln + La) / Lmax) : 0;
    // Growth only while T > 0: ln(T_cap/T) is undefined at 0, and the limit T·ln(1/T) → 0 anyway.
    // ln T_cap − ln T, not ln(T_cap/T): a cleared tumour reaches ~1e-300, where the quotient
    // overflows to Infinity and Infinity·F_cure(≈0) would be NaN.
    const tumourGrowth =
      T > 0 && tumourCap > 0
        ? (((gT * T * (lnCap - Math.log(T))) / lnCapOverT0) * T ** hT) / (T ** hT + tumourCritH)
        : 0;
    dy[o] = tumourGrowth - kill[0]!;
    dy[o + 1] = sP - kMat * P - kill[1]!;
    dy[o + 2] = kMat * P - (dB + kAct) * Bn - kill[2]!;
    dy[o + 3] = (Ka > 0 ? rAuto * Ba * (1 - Ba / Ka) : 0) + reseeding * kMat * P - kill[3]!;
    dy[o + 4] = kAct * Bn - dS * Sn - toNiche * Sn - kill[4]!;
    dy[o + 5] = kActAuto * Ba - dS * Sa - toNiche * Sa - kill[5]!;
    dy[o + 6] = toNiche * Sn - dL * Ln - kill[6]!;
    dy[o + 7] = toNiche * Sa - dL * La - kill[7]!;
    dy[o + 8] = pS * (Sn + Sa) + pL * (Ln + La) - kG * G;
    dy[o + 9] = qS * Sa + qL * La - kD * D;
  };

  return { layout: L, parameters: p, modules, weights, rhs };
}

/**
 * State at day 0: the untreated steady state, then lymphodepletion (a fraction f_LD of precursors,
 * B cells and short-lived plasma cells removed; long-lived plasma cells and antibodies kept,
 * kinetics-model.md §3.3), then the CAR-T cells of infusions given on day 0.
 */
export function initialState(model: Model, bloodLevels: readonly number[]): Float64Array {
  const p = model.parameters;
  const L = model.layout;
  const { state: b } = baseline(p);
  const keep = 1 - p.conditioningDepletion;
  const y = new Float64Array(L.size);
  for (let j = 0; j < L.products; j++) if (model.modules[j]!.day === 0) y[L.effector(j)] = bloodLevels[j]!;
  y[L.T] = p.tumour0;
  y[L.P] = keep * b.precursors;
  y[L.Bn] = keep * b.bNaive;
  y[L.Ba] = keep * b.bAuto;
  y[L.Sn] = keep * b.slpcNaive;
  y[L.Sa] = keep * b.slpcAuto;
  y[L.Ln] = b.llpcNaive;
  y[L.La] = b.llpcAuto;
  y[L.G] = b.igG;
  y[L.D] = b.antiDsDna;
  return y;
}
