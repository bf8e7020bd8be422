/**
 * The calculator registry: every grading, score and dose rule the program uses, by its API name.
 * Each family lives in its own folder with its sources and tests.
 */
import type { Calculator } from "./calculator.ts";
import { crsIcansCalculators } from "./crs-icans/index.ts";
import { dosingKineticsCalculators } from "./dosing-kinetics/index.ts";
import { hematologicCalculators } from "./hematologic/index.ts";
import { lupusCalculators } from "./lupus/index.ts";
import { lymphomaResponseCalculators } from "./lymphoma-response/index.ts";

export type { Calculator, CalculatorResult } from "./calculator.ts";

export const CALCULATORS: readonly Calculator[] = [
  ...crsIcansCalculators,
  ...hematologicCalculators,
  ...lymphomaResponseCalculators,
  ...lupusCalculators,
  ...dosingKineticsCalculators,
];

const BY_NAME = new Map(CALCULATORS.map((c) => [c.name, c]));

export function findCalculator(name: string): Calculator | undefined {
  return BY_NAME.get(name);
}

export const CALCULATOR_NAMES = CALCULATORS.map((c) => c.name);
