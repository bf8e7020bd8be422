/**
 * Parameters of the dual-target CAR-T kinetics model: unit, default, population prior, source and
 * how sure we are of the number. Grades follow ../shared/domain/kinetics-model.md:
 * - "V": read in the source (the paper, its model file or abstract);
 * - "R": recalled from the literature or a textbook, not re-read: check before relying on it;
 * - "A": an assumption or a hand-tuned default, to be fitted or calibrated.
 *
 * Units: time in days; cells as "blood-equivalent" cells/µL (a whole-body pool scaled so that its
 * blood readout equals the state; marrow and tissue pools share the unit without being seen in
 * blood); IgG in g/L; anti-dsDNA in IU/mL.
 *
 * Priors are log-normal (median, sd of the log) for rates and amounts, and logit-normal for
 * fractions in (0, 1), so a MAP fit works on an unconstrained scale. A parameter without a prior
 * is fixed in a fit (baselines are taken from the patient's own pre-treatment values).
 */

export type Grade = "V" | "R" | "A";

export type Prior =
  | { kind: "logNormal"; median: number; sdLog: number }
  | { kind: "logitNormal"; median: number; sdLogit: number };

export interface ParameterSpec {
  unit: string;
  value: number;
  prior: Prior | null;
  grade: Grade;
  source: string;
}

const logNormal = (median: number, sdLog: number): Prior => ({ kind: "logNormal", median, sdLog });
const logitNormal = (median: number, sdLogit: number): Prior => ({ kind: "logitNormal", median, sdLogit });

// Stein AM et al. CPT Pharmacometrics Syst Pharmacol 2019;8:285–295, Table 1 (tisagenlecleucel,
// ELIANA + ENSIGN, 90 patients; final model = base model): fold expansion 3,900 (IIV ω² 2.4),
// Tmax 9.3 d (ω² 0.38), α 0.16/d (ω² 0.91), FB 0.0079 (ω² 0.80), β 0.0032/d (ω² 0.86).
const STEIN = { foldx: 3900, tmax: 9.3, alpha: 0.16, fb: 0.0079, beta: 0.0032 };
const STEIN_OMEGA2 = { foldx: 2.4, tmax: 0.38, alpha: 0.91, fb: 0.8, beta: 0.86 };
// Stein's biexponential as E → M compartments (kinetics-model.md §1.1): α = k_E + k_EM and
// FB = k_EM/(α − β), so k_EM = FB·(α − β) and k_E = α − k_EM.
const STEIN_KEM = STEIN.fb * (STEIN.alpha - STEIN.beta);

/** Both half-lives in days → a first-order rate in 1/day. */
const perDay = (halfLifeDays: number) => Math.LN2 / halfLifeDays;

export const PARAMETERS = {
  // ── CAR-T cells, per cell; shared by every infused product unless a product overrides them ──
  rho: {
    unit: "1/d",
    value: Math.log(STEIN.foldx) / STEIN.tmax,
    // sd of log ρ by the delta method from ω²(foldx) = 2.4, since ρ = ln(foldx)/Tmax:
    // sd(ln ρ) ≈ sd(ln foldx)/ln(foldx) = √2.4/ln 3900 ≈ 0.19 (Tmax's own variability is in tmax).
    prior: logNormal(
      Math.log(STEIN.foldx) / STEIN.tmax,
      Math.sqrt(STEIN_OMEGA2.foldx) / Math.log(STEIN.foldx),
    ),
    grade: "V",
    source:
      "Stein 2019 Table 1: ρ = ln(3900)/9.3 = 0.889/d; liso-cel TRANSCEND (Clin Pharmacokinet 2021) doubling 0.755 d = 0.918/d. Prior sd derived [A]",
  },
  tmax: {
    unit: "d",
    value: STEIN.tmax,
    prior: logNormal(STEIN.tmax, Math.sqrt(STEIN_OMEGA2.tmax)),
    grade: "V",
    source: "Stein 2019 Table 1: Tmax 9.3 d, ω² 0.38; liso-cel 9.29 d; cilta-cel NCA median 12.71 d",
  },
  gateSteepness: {
    unit: "1",
    value: 8,
    prior: null,
    grade: "A",
    source:
      "Hill exponent of the smooth Tmax gate 1/(1 + (t/Tmax)^h); kinetics-model.md §3.4 suggests 8–10, after Li & Cheng (preprint) on smooth gating. Chaudhury's SBML uses h = 3 for the tumour, not for this gate",
  },
  kE: {
    unit: "1/d",
    value: STEIN.alpha - STEIN_KEM,
    prior: logNormal(STEIN.alpha - STEIN_KEM, Math.sqrt(STEIN_OMEGA2.alpha)),
    grade: "V",
    source:
      "Stein 2019 Table 1: α = 0.16/d (ω² 0.91), k_E = α − k_EM = 0.159/d; liso-cel initial t½ 5.0 d = 0.139/d",
  },
  kEM: {
    unit: "1/d",
    value: STEIN_KEM,
    prior: logNormal(STEIN_KEM, Math.sqrt(STEIN_OMEGA2.fb)),
    grade: "V",
    source:
      "Stein 2019 Table 1: k_EM = FB·(α − β) = 0.0079 × 0.1568 = 0.00124/d; prior sd from ω²(FB) 0.80 (k_EM ∝ FB at fixed α, β)",
  },
  beta: {
    unit: "1/d",
    value: STEIN.beta,
    prior: logNormal(STEIN.beta, Math.sqrt(STEIN_OMEGA2.beta)),
    grade: "V",
    source:
      "Stein 2019 Table 1: β = 0.0032/d (t½ ≈ 217 d), ω² 0.86; liso-cel terminal t½ 352 d = 0.0020/d; cilta-cel NCA t½ 23.5 d = 0.030/d",
  },
  kME: {
    unit: "1/d",
    value: 0,
    prior: null,
    grade: "A",
    source:
      "memory → effector reactivation by antigen, after CARTmath's θ·T·C_M term (Cancers 2021;13:2941); off by default",
  },
  antigenHalfSaturation: {
    unit: "cells/µL",
    value: 5,
    prior: null,
    grade: "A",
    source: "K_ρ, antigen load at half-maximal expansion; Chaudhury 2020 SBML EC50_ρ = 1 in its own units",
  },
  memoryKillFactor: {
    unit: "1",
    value: 1,
    prior: null,
    grade: "A",
    source: "φ_M, killing by memory relative to effector cells (kinetics-model.md §3.4)",
  },
  kKill: {
    unit: "1/d",
    value: 4,
    prior: logNormal(4, 1),
    grade: "A",
    source:
      "maximal kill rate; kinetics-model.md §3.4 default 3–5. For scale: Kimmel 2021 Table 1 γ_B = 1.15/d [V], Chaudhury 2020 d = 0.35/d [V]. Prior sd 1 is ours [A]",
  },
  killHalfSaturation: {
    unit: "cells/µL",
    value: 1,
    prior: null,
    grade: "A",
    source:
      "K_kill of the ratio-dependent kill term; fixed because kill rate and saturation are not jointly identifiable (Kimmel 2021: correlations 0.94/−0.96)",
  },
  bloodFraction: {
    unit: "1",
    value: 0.01,
    prior: null,
    grade: "A",
    source:
      "F_b, share of infused cells in blood at t = 0: derived from Kimmel 2021 (C(0) 1.8×10⁸ cells, plotted 0.36/µL read as per µL); the unit reading is unverified",
  },
  bloodVolume: {
    unit: "µL",
    value: 5e6,
    prior: null,
    grade: "R",
    source: "about 5 L of blood in an adult (textbook, ~70 mL/kg); kinetics-model.md §3.3",
  },

  // ── Baselines: the patient's own pre-treatment values when recorded ──
  bCells0: {
    unit: "cells/µL",
    value: 100,
    prior: null,
    grade: "R",
    source:
      "CD19+ B cells; adults ~100–500/µL, often lower in SLE on immunosuppression (kinetics-model.md §2)",
  },
  autoreactiveFraction: {
    unit: "1",
    value: 0.1,
    prior: null,
    grade: "A",
    source: "share of mature B cells in the self-renewing autoreactive clone (K_a = this × baseline B)",
  },
  igG0: {
    unit: "g/L",
    value: 10,
    prior: null,
    grade: "R",
    source: "serum IgG; adult reference range about 7–16 g/L (textbook)",
  },
  antiDsDna0: {
    unit: "IU/mL",
    value: 200,
    prior: null,
    grade: "A",
    source: "baseline anti-dsDNA of active lupus; set from the patient's own value",
  },
  tumour0: {
    unit: "cells/µL-eq",
    value: 0,
    prior: null,
    grade: "A",
    source:
      "lymphoma burden at infusion, 0 without lymphoma; kinetics-model.md §3.5 used 10³/µL-eq for DLBCL. Imaging (SPD, MTV) is read relative to it",
  },

  // ── B lineage ──
  kMat: {
    unit: "1/d",
    value: 0.1,
    prior: null,
    grade: "A",
    source: "marrow precursor → mature B cell (kinetics-model.md §3.4)",
  },
  dB: {
    unit: "1/d",
    value: 1 / 60,
    prior: null,
    grade: "V",
    source:
      "mature B-cell loss, lifespan τ_B = 60 d (León-Triana 2021, Commun Nonlinear Sci Numer Simul 94:105570); Macallan 2005 (Blood 105:3633) B division 1.9 ± 1.0 %/d in young adults",
  },
  kAct: {
    unit: "1/d",
    value: 0.01,
    prior: null,
    grade: "A",
    source: "activation of non-autoreactive B cells to plasmablasts (kinetics-model.md §3.4)",
  },
  kActAuto: {
    unit: "1/d",
    value: 0.02,
    prior: null,
    grade: "A",
    source: "activation of autoreactive B cells to plasmablasts (kinetics-model.md §3.4)",
  },
  rAuto: {
    unit: "1/d",
    value: 0.03,
    prior: null,
    grade: "A",
    source:
      "self-renewal of the autoreactive clone (logistic, capacity = its baseline) (kinetics-model.md §3.4)",
  },
  reseeding: {
    unit: "1",
    value: 0,
    prior: null,
    grade: "A",
    source:
      "ε, share of new B cells that re-found autoreactivity; 0 by default, the relapse-risk scenario knob (kinetics-model.md §3.3)",
  },
  dS: {
    unit: "1/d",
    value: 0.25,
    prior: null,
    grade: "V",
    source: "plasmablast / short-lived plasma cell loss, lifespan 3–5 d (Amanna & Slifka, Immunol Rev 2010)",
  },
  kSL: {
    unit: "1/d",
    value: 0.02,
    prior: null,
    grade: "A",
    source: "short-lived → long-lived plasma cell, into free niche space (kinetics-model.md §3.4)",
  },
  nicheOccupancy0: {
    unit: "1",
    value: 0.5,
    prior: null,
    grade: "A",
    source:
      "long-lived plasma-cell niche occupancy at baseline; sets L_max, which kinetics-model.md §3.4 leaves to be chosen with φ_G",
  },
  dL: {
    unit: "1/d",
    value: perDay(3 * 365),
    prior: null,
    grade: "A",
    source:
      "long-lived plasma-cell loss, t½ 3 y (range 1 to >10 y); antibody half-lives of years (Amanna & Slifka 2010) motivate it",
  },
  kG: {
    unit: "1/d",
    value: perDay(21),
    prior: logNormal(perDay(21), Math.log(0.05 / 0.02) / (2 * 1.96)),
    grade: "V",
    source:
      "IgG elimination, t½ 21 d: biological half-life 21–24 d for IgG1, IgG2 and IgG4, 7–8 d for IgG3 (review table, Cancer Immunol Immunother 2024;73:242, Table 1; IgG3 is ~7 % of IgG there, so total IgG follows the 21–24 d); prior sd puts 95% in 0.02–0.05/d (kinetics-model.md §3.4) [A]",
  },
  kD: {
    unit: "1/d",
    value: perDay(21),
    prior: logNormal(perDay(21), Math.log(0.05 / 0.02) / (2 * 1.96)),
    grade: "A",
    source:
      "anti-dsDNA elimination, taken as IgG's t½ 21 d (an assumption: anti-dsDNA is mostly IgG1/IgG3, and its own clearance was not measured in a source read here)",
  },
  phiG: {
    unit: "1",
    value: 0.5,
    prior: logitNormal(0.5, 1),
    grade: "A",
    source:
      "φ_G, share of IgG made by CD19− long-lived plasma cells (range 0.3–0.8); stable vaccine titres under CD19 B-cell aplasia (Bhoj 2016 Blood; Walti 2019 Blood Adv 3:3590) need it large",
  },
  phiD: {
    unit: "1",
    value: 0.05,
    prior: logitNormal(0.05, 1.5),
    grade: "A",
    source:
      "φ_D, share of anti-dsDNA made by CD19− long-lived plasma cells: small where CD19 CAR-T seroconverted (Mackensen 2022 Nat Med 28:2124), 0.5+ in refractory cases (Feng 2025 Nat Med 31:3725)",
  },
  conditioningDepletion: {
    unit: "1",
    value: 0.9,
    prior: null,
    grade: "A",
    source:
      "f_LD, fraction of precursors, B cells and plasmablasts removed by lymphodepletion at day 0; long-lived plasma cells spared. Regimen-specific (Flu/Cy vs Cy only)",
  },

  // ── Lymphoma ──
  gT: {
    unit: "1/d",
    value: Math.sqrt(0.02 * 0.2),
    prior: logNormal(Math.sqrt(0.02 * 0.2), Math.log(0.2 / 0.02) / (2 * 1.96)),
    grade: "A",
    source:
      "Gompertz growth rate at the baseline burden; geometric middle of 0.02–0.2/d, the prior's 95% range (Kimmel 2021 Table 1 r_B 0.01–0.5/d [V]; Chaudhury 2020 g = 0.2/d [V])",
  },
  tumourCapacityFold: {
    unit: "1",
    value: 1e4,
    prior: null,
    grade: "A",
    source: "Gompertz capacity as a multiple of the baseline burden (kinetics-model.md §3.4)",
  },
  tumourCureFraction: {
    unit: "1",
    value: 1e-4,
    prior: null,
    grade: "A",
    source:
      "burden (× baseline) below which growth stops, F_cure = 1/(1 + (U_crit/U)^h): Chaudhury 2020 SBML U_crit/U(0) = 0.1/900 ≈ 1.1×10⁻⁴ [V], illustrative values [A]",
  },
  tumourHill: {
    unit: "1",
    value: 3,
    prior: null,
    grade: "V",
    source: "h of F_cure, Chaudhury 2020 (BioModels BIOMD0000001025) h_T = 3",
  },
  tumourCd19: {
    unit: "1",
    value: 1,
    prior: null,
    grade: "A",
    source: "CD19 on the lymphoma (0 for a CD19-negative relapse clone)",
  },
  tumourBcma: {
    unit: "1",
    value: 0,
    prior: null,
    grade: "A",
    source: "BCMA on the lymphoma, 0 by default: BCMA on DLBCL unchecked (kinetics-model.md §6)",
  },

  // ── Observation ──
  vectorCopies: {
    unit: "copies/cell",
    value: 2,
    prior: null,
    grade: "A",
    source: "vector copies per transduced cell, ~1–3 (product-specific; kinetics-model.md §3.3)",
  },
  nucleatedCells: {
    unit: "cells/µL",
    value: 5000,
    prior: null,
    grade: "R",
    source:
      "white cells/µL, to turn CAR-T cells/µL into copies/µg DNA; adult reference ~4,000–11,000/µL, lower after lymphodepletion: set from the patient",
  },
} satisfies Record<string, ParameterSpec>;

export type ParameterName = keyof typeof PARAMETERS;
export type ModelParameters = Record<ParameterName, number>;

export const PARAMETER_NAMES = Object.keys(PARAMETERS) as ParameterName[];

/** The defaults of every parameter, overridden by `overrides`. */
export function modelParameters(overrides: Partial<ModelParameters> = {}): ModelParameters {
  const p = Object.fromEntries(PARAMETER_NAMES.map((k) => [k, PARAMETERS[k].value])) as ModelParameters;
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in PARAMETERS)) throw new RangeError(`unknown kinetics parameter ${k}`);
    p[k as ParameterName] = v as number;
  }
  return p;
}

/**
 * CAR-T persistence in autoimmune disease, hand-tuned (not fitted) in kinetics-model.md §3.5 so
 * that CD19 CAR-T B-cell aplasia ends after months, as observed: B cells reappeared after a mean of
 * 110 ± 32 d in SLE (Mackensen 2022 Nat Med 28:2124, abstract) and 2–6 months after the BCMA-CD19
 * compound CAR (Ann Rheum Dis 2024;83:1304). Stein's lymphoma values keep CAR-T memory so long that
 * aplasia lasts years. [A]
 */
export const SLE_CAR_KINETICS = { kEM: 0.05, beta: 0.015 } as const satisfies Partial<ModelParameters>;
