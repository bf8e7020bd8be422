/**
 * Dosing and cellular-kinetics calculators (clinical-rules.md §6 and §7): BSA, Cockcroft–Gault
 * creatinine clearance, Flu/Cy lymphodepletion with fludarabine renal adjustment, CAR-T dose and bag
 * volume, and CAR-T kinetics with B-cell aplasia.
 */
import type { Calculator } from "../calculator.ts";
import { bsaCalculator } from "./bsa.ts";
import { carTDoseCalculator } from "./car-t-dose.ts";
import { cellularKineticsCalculator } from "./cellular-kinetics.ts";
import { creatinineClearanceCalculator } from "./creatinine-clearance.ts";
import { lymphodepletionCalculator } from "./lymphodepletion.ts";

export const dosingKineticsCalculators: Calculator[] = [
  bsaCalculator,
  creatinineClearanceCalculator,
  lymphodepletionCalculator,
  carTDoseCalculator,
  cellularKineticsCalculator,
];

export {
  bsaCalculator,
  carTDoseCalculator,
  cellularKineticsCalculator,
  creatinineClearanceCalculator,
  lymphodepletionCalculator,
};
