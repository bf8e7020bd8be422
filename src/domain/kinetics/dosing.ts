/**
 * Products and dosing. A product is what one CAR construct recognises (a vector over CD19 and
 * BCMA) plus, optionally, its own cell kinetics; every infusion gets its own effector/memory
 * module in the state vector. So one code path covers CD19-only (1,0), BCMA-only (0,1), a compound
 * CAR carrying both on one cell (1,1), co-infusion of two products (two infusions on day 0), a
 * second infusion later, and other doses (kinetics-model.md §3.1).
 */
import type { ModelParameters } from "./parameters.ts";

/** CAR-T cell kinetics a product may set for itself instead of the patient's shared values. */
export type CarKinetics = Pick<ModelParameters, "rho" | "tmax" | "kE" | "kEM" | "beta" | "kME">;

export interface Product {
  name: string;
  /** 1 where the construct binds the antigen, 0 where not (a fraction for partial binding) */
  recognition: { cd19: number; bcma: number };
  kinetics?: Partial<CarKinetics>;
}

export interface Infusion {
  product: Product;
  /** CAR+ cells per kg body weight */
  cellsPerKg: number;
  /** days after the first infusion (≥ 0); conditioning is at day 0 */
  day: number;
}

export interface Dosing {
  weightKg: number;
  infusions: Infusion[];
}

export const CD19_CAR: Product = { name: "CD19 CAR", recognition: { cd19: 1, bcma: 0 } };
export const BCMA_CAR: Product = { name: "BCMA CAR", recognition: { cd19: 0, bcma: 1 } };
/** One cell carrying both receptors (BCMA-CD19 cCAR, Ann Rheum Dis 2024;83:1304). */
export const COMPOUND_CD19_BCMA_CAR: Product = {
  name: "BCMA-CD19 compound CAR",
  recognition: { cd19: 1, bcma: 1 },
};

/** One product on day 0. */
export const single = (product: Product, cellsPerKg: number, weightKg: number): Dosing => ({
  weightKg,
  infusions: [{ product, cellsPerKg, day: 0 }],
});

/** Two products given together on day 0, each at its own dose. */
export const coInfusion = (
  first: { product: Product; cellsPerKg: number },
  second: { product: Product; cellsPerKg: number },
  weightKg: number,
): Dosing => ({
  weightKg,
  infusions: [
    { ...first, day: 0 },
    { ...second, day: 0 },
  ],
});

/** The same schedule with every dose multiplied by `factor` (a what-if "half the dose" is 0.5). */
export const scaleDose = (dosing: Dosing, factor: number): Dosing => {
  if (!(factor >= 0) || !Number.isFinite(factor)) throw new RangeError(`dose factor ${factor} must be ≥ 0`);
  return { ...dosing, infusions: dosing.infusions.map((i) => ({ ...i, cellsPerKg: i.cellsPerKg * factor })) };
};

/**
 * Blood CAR-T cells/µL right after an infusion: F_b · dose / blood volume. Only ~1% of the cells
 * are seen in blood at first (kinetics-model.md §1.5, from Kimmel 2021's initial condition).
 */
export const infusedBloodLevel = (infusion: Infusion, weightKg: number, p: ModelParameters): number =>
  (p.bloodFraction * infusion.cellsPerKg * weightKg) / p.bloodVolume;

export function assertDosing(dosing: Dosing): void {
  if (!(dosing.weightKg > 0)) throw new RangeError(`weight ${dosing.weightKg} kg must be > 0`);
  if (dosing.infusions.length === 0) throw new RangeError("dosing needs at least one infusion");
  for (const [i, inf] of dosing.infusions.entries()) {
    if (!(inf.cellsPerKg >= 0) || !Number.isFinite(inf.cellsPerKg))
      throw new RangeError(`infusion ${i}: dose ${inf.cellsPerKg} cells/kg must be finite and ≥ 0`);
    if (!(inf.day >= 0) || !Number.isFinite(inf.day))
      throw new RangeError(`infusion ${i}: day ${inf.day} must be finite and ≥ 0`);
    const { cd19, bcma } = inf.product.recognition;
    if (!(cd19 >= 0 && cd19 <= 1 && bcma >= 0 && bcma <= 1))
      throw new RangeError(`infusion ${i}: recognition must lie in [0, 1]`);
  }
}
