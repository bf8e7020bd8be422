/**
 * Fixed scenarios shared by the kinetics tests: the same parameters go to R (deSolve) and to ours.
 */
import {
  BCMA_CAR,
  CD19_CAR,
  COMPOUND_CD19_BCMA_CAR,
  coInfusion,
  type Dosing,
  type ModelParameters,
  modelParameters,
  SLE_CAR_KINETICS,
  single,
} from "../../../src/domain/kinetics/index.ts";

export interface Scenario {
  name: string;
  parameters: ModelParameters;
  dosing: Dosing;
}

/** Day 0 to 2 years, dense where the CAR-T cells expand. */
export const SAMPLE_DAYS = [
  0, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 17, 21, 28, 35, 42, 56, 70, 90, 120, 150, 180, 240, 270,
  365, 450, 540, 730,
];

export const SCENARIOS: Scenario[] = [
  {
    // Erlangen-like: lupus, CD19 CAR-T at 1 × 10⁶/kg (Mackensen 2022)
    name: "cd19-sle",
    parameters: modelParameters({ ...SLE_CAR_KINETICS, bCells0: 80, antiDsDna0: 300 }),
    dosing: single(CD19_CAR, 1e6, 62),
  },
  {
    // the reference case: lupus with DLBCL, compound CD19/BCMA CAR at 3 × 10⁶/kg
    name: "ccar-lymphoma-sle",
    parameters: modelParameters({ tumour0: 1000, gT: 0.08, antiDsDna0: 250 }),
    dosing: single(COMPOUND_CD19_BCMA_CAR, 3e6, 58),
  },
  {
    // two products with their own kinetics, every optional term switched on
    name: "co-infusion-all-terms",
    parameters: modelParameters({
      ...SLE_CAR_KINETICS,
      tumour0: 50,
      tumourBcma: 0.5,
      kME: 0.02,
      reseeding: 0.01,
      memoryKillFactor: 0.5,
      phiD: 0.3,
    }),
    dosing: coInfusion(
      { product: CD19_CAR, cellsPerKg: 1e6 },
      { product: { ...BCMA_CAR, kinetics: { tmax: 12.7, beta: Math.LN2 / 23.5 } }, cellsPerKg: 2e6 },
      70,
    ),
  },
];
