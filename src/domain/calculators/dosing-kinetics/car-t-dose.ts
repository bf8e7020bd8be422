/**
 * CAR-T dose and the volume to draw from the product bag (clinical-rules.md §6.2).
 *
 * Dose as CAR-positive viable T cells:
 *   PER_KG:    total = dosePerKg × refWeightKg, capped at maxTotal when the protocol/label has a cap
 *              (e.g. axicabtagene ciloleucel 2 × 10⁶/kg, maximum 2 × 10⁸; Yescarta USPI §2.1).
 *   FLAT:      total = flatDose.
 *   WHOLE_BAG: the whole released product is infused (commercial products); total = CAR+ cells in the bag.
 * Checked against an optional label/protocol range, inclusive at both ends (§6.2: lower ≤ x ≤ upper).
 *
 * CAR+ viable cells in the bag, from the certificate of analysis [D]:
 *   CAR_POSITIVE_VIABLE: the count already is CAR+ viable cells;
 *   VIABLE:              count × carPositivePercent (CAR+ % of viable cells);
 *   TOTAL_NUCLEATED:     count × viabilityPercent × carPositivePercent.
 * The bag is described by any two of total cells, concentration (cells/mL) and volume (mL); when all
 * three are given they must agree within 2 % [D].
 * Volume to draw = CAR+ cells to give ÷ CAR+ cells per mL; the bag suffices when it holds at least that.
 */
import { z } from "zod";
import { defineCalculator } from "../calculator.ts";
import { WeightKg } from "./bsa.ts";
import { fmt, fmtCells, geq, leq } from "./format.ts";

export const DOSE_BASES = ["PER_KG", "FLAT", "WHOLE_BAG"] as const;
export const CELL_COUNT_BASES = ["CAR_POSITIVE_VIABLE", "VIABLE", "TOTAL_NUCLEATED"] as const;
export const RANGE_UNITS = ["CELLS_PER_KG", "CELLS"] as const;

/** Plausibility limits [D]: CAR-T doses are 10⁵–10⁷ cells/kg and 10⁶–10⁹ cells flat; these catch "2" for 2 × 10⁶. */
export const PER_KG_MIN = 1e4;
export const PER_KG_MAX = 1e8;
export const TOTAL_MIN = 1e5;
export const TOTAL_MAX = 1e11;
export const BAG_VOLUME_ML_MAX = 2000;
/** Relative disagreement tolerated between total cells and concentration × volume [D]. */
export const BAG_CONSISTENCY_TOLERANCE = 0.02;

const Cells = (what: string) =>
  z
    .number()
    .min(
      TOTAL_MIN,
      `${what} below ${fmtCells(TOTAL_MIN)} cells is not plausible; give the number of cells, not 10⁶ units`,
    )
    .max(TOTAL_MAX, `${what} above ${fmtCells(TOTAL_MAX)} cells is not plausible`);
const PerKg = (what: string) =>
  z
    .number()
    .min(
      PER_KG_MIN,
      `${what} below ${fmtCells(PER_KG_MIN)} cells/kg is not plausible; give cells/kg, not 10⁶ units`,
    )
    .max(PER_KG_MAX, `${what} above ${fmtCells(PER_KG_MAX)} cells/kg is not plausible`);
const Percent = z.number().gt(0).max(100);

const Bag = z.strictObject({
  cellCountBasis: z
    .enum(CELL_COUNT_BASES)
    .describe(
      "What totalCells/concentrationCellsPerMl count: CAR_POSITIVE_VIABLE (CAR+ viable cells), VIABLE (viable nucleated cells) or TOTAL_NUCLEATED",
    ),
  totalCells: z.number().positive().max(1e12).optional().describe("Cells of that basis in the bag (cells)"),
  concentrationCellsPerMl: z
    .number()
    .positive()
    .max(1e10)
    .optional()
    .describe("Cells of that basis per mL of product (cells/mL)"),
  volumeMl: z.number().positive().max(BAG_VOLUME_ML_MAX).optional().describe("Product volume in the bag, mL"),
  viabilityPercent: Percent.optional().describe(
    "Viable cells as % of total nucleated cells; only with TOTAL_NUCLEATED",
  ),
  carPositivePercent: Percent.optional().describe(
    "CAR+ cells as % of the viable cells counted (if the certificate gives CAR+ % of viable T cells, first multiply by the T-cell %); required unless cellCountBasis is CAR_POSITIVE_VIABLE",
  ),
});

const DoseRange = z
  .strictObject({
    unit: z
      .enum(RANGE_UNITS)
      .describe("CELLS_PER_KG (CAR+ viable cells/kg) or CELLS (total CAR+ viable cells)"),
    lower: z.number().positive().describe("Lower end of the label/protocol range, inclusive"),
    upper: z.number().positive().describe("Upper end of the label/protocol range, inclusive"),
  })
  .superRefine((r, ctx) => {
    if (r.lower > r.upper) ctx.addIssue({ code: "custom", path: ["upper"], message: "upper is below lower" });
  });

export const CarTDoseInput = z
  .strictObject({
    doseBasis: z
      .enum(DOSE_BASES)
      .describe(
        "PER_KG (dosePerKg × refWeightKg), FLAT (flatDose) or WHOLE_BAG (the whole released product)",
      ),
    dosePerKg: PerKg("dosePerKg")
      .optional()
      .describe("Target CAR+ viable T cells per kg; required for PER_KG"),
    refWeightKg: WeightKg.optional().describe(
      "Reference body weight in kg as the protocol defines it; required for PER_KG or a per-kg range, optional otherwise (gives the per-kg dose)",
    ),
    maxTotal: Cells("maxTotal")
      .optional()
      .describe("Maximum total CAR+ viable T cells (label/protocol cap); PER_KG only"),
    flatDose: Cells("flatDose").optional().describe("Target total CAR+ viable T cells; required for FLAT"),
    doseRange: DoseRange.optional().describe("Label or protocol dose range to check the dose against"),
    bag: Bag,
  })
  .superRefine((i, ctx) => {
    const need = (cond: boolean, path: PropertyKey[], message: string) => {
      if (cond) ctx.addIssue({ code: "custom", path, message });
    };
    need(
      i.doseBasis === "PER_KG" && i.dosePerKg === undefined,
      ["dosePerKg"],
      "dosePerKg is required for PER_KG",
    );
    need(
      i.doseBasis === "PER_KG" && i.refWeightKg === undefined,
      ["refWeightKg"],
      "refWeightKg is required for PER_KG",
    );
    need(
      i.doseBasis !== "PER_KG" && i.dosePerKg !== undefined,
      ["dosePerKg"],
      `dosePerKg does not apply to ${i.doseBasis}`,
    );
    need(
      i.doseBasis !== "PER_KG" && i.maxTotal !== undefined,
      ["maxTotal"],
      `maxTotal applies to PER_KG doses only`,
    );
    need(i.doseBasis === "FLAT" && i.flatDose === undefined, ["flatDose"], "flatDose is required for FLAT");
    need(
      i.doseBasis !== "FLAT" && i.flatDose !== undefined,
      ["flatDose"],
      `flatDose does not apply to ${i.doseBasis}`,
    );
    need(
      i.doseRange?.unit === "CELLS_PER_KG" && i.refWeightKg === undefined,
      ["refWeightKg"],
      "refWeightKg is required to check a per-kg dose range",
    );
    if (i.doseRange?.unit === "CELLS_PER_KG") {
      need(
        i.doseRange.lower < PER_KG_MIN || i.doseRange.upper > PER_KG_MAX,
        ["doseRange"],
        `A per-kg range is given in cells/kg (${fmtCells(PER_KG_MIN)}–${fmtCells(PER_KG_MAX)})`,
      );
    } else if (i.doseRange?.unit === "CELLS") {
      need(
        i.doseRange.lower < TOTAL_MIN || i.doseRange.upper > TOTAL_MAX,
        ["doseRange"],
        `A total range is given in cells (${fmtCells(TOTAL_MIN)}–${fmtCells(TOTAL_MAX)})`,
      );
    }
    const b = i.bag;
    const known = [b.totalCells, b.concentrationCellsPerMl, b.volumeMl].filter((x) => x !== undefined).length;
    if (known < 2) {
      for (const f of ["totalCells", "concentrationCellsPerMl", "volumeMl"] as const)
        need(
          b[f] === undefined,
          ["bag", f],
          "Give at least two of bag.totalCells, bag.concentrationCellsPerMl and bag.volumeMl",
        );
    } else if (known === 3) {
      const product = b.concentrationCellsPerMl! * b.volumeMl!;
      const diff = Math.abs(product - b.totalCells!) / b.totalCells!;
      need(
        diff > BAG_CONSISTENCY_TOLERANCE,
        ["bag", "totalCells"],
        `bag.totalCells ${fmtCells(b.totalCells!)} disagrees with concentration × volume ${fmtCells(product)} by ${fmt(diff * 100, 1)} % (> ${BAG_CONSISTENCY_TOLERANCE * 100} %)`,
      );
    }
    need(
      b.cellCountBasis !== "CAR_POSITIVE_VIABLE" && b.carPositivePercent === undefined,
      ["bag", "carPositivePercent"],
      `bag.carPositivePercent is required when the count is ${b.cellCountBasis}`,
    );
    need(
      b.cellCountBasis === "CAR_POSITIVE_VIABLE" && b.carPositivePercent !== undefined,
      ["bag", "carPositivePercent"],
      "bag.carPositivePercent must not be given when the count is already CAR+ viable cells (it would be applied twice)",
    );
    need(
      b.cellCountBasis === "TOTAL_NUCLEATED" && b.viabilityPercent === undefined,
      ["bag", "viabilityPercent"],
      "bag.viabilityPercent is required when the count is TOTAL_NUCLEATED",
    );
    need(
      b.cellCountBasis !== "TOTAL_NUCLEATED" && b.viabilityPercent !== undefined,
      ["bag", "viabilityPercent"],
      `bag.viabilityPercent applies only to TOTAL_NUCLEATED counts (the ${b.cellCountBasis} count is already viable)`,
    );
  });

export interface CarTDoseValue {
  /** CAR+ viable T cells to give */
  carPositiveCellsToGive: number;
  /** true when maxTotal lowered the weight-based dose */
  capped: boolean;
  /** CAR+ viable T cells per kg actually given (null without refWeightKg) */
  carPositiveCellsPerKg: number | null;
  bagCarPositiveCells: number;
  bagCarPositiveCellsPerMl: number;
  bagVolumeMl: number;
  volumeToDrawMl: number;
  bagSuffices: boolean;
  /** null when no doseRange was given */
  inRange: boolean | null;
}

export const carTDoseCalculator = defineCalculator({
  name: "car-t-dose",
  title: "CAR-T dose (CAR+ viable T cells) and volume to draw from the bag",
  source:
    "CAR-T US prescribing information, section 2 (dose as CAR-positive viable T cells, per kg or flat, with caps); clinical-rules.md §6.2.",
  ruleSet: "CAR-T dose per kg / flat / whole bag (clinical-rules.md §6.2)",
  ruleSetVersion: "1",
  input: CarTDoseInput,
  evaluate(i): { value: CarTDoseValue; label: string; reasons: string[]; details: Record<string, unknown> } {
    const reasons: string[] = [];
    const b = i.bag;

    // The bag: complete the triple (total, concentration, volume) in the counted basis.
    const total = b.totalCells ?? b.concentrationCellsPerMl! * b.volumeMl!;
    const volume = b.volumeMl ?? b.totalCells! / b.concentrationCellsPerMl!;
    const concentration = b.concentrationCellsPerMl ?? b.totalCells! / b.volumeMl!;
    let carFraction = 1;
    let basisText = "CAR+ viable cells";
    if (b.cellCountBasis === "VIABLE") {
      carFraction = b.carPositivePercent! / 100;
      basisText = `viable cells × ${b.carPositivePercent} % CAR+`;
    } else if (b.cellCountBasis === "TOTAL_NUCLEATED") {
      carFraction = (b.viabilityPercent! / 100) * (b.carPositivePercent! / 100);
      basisText = `total nucleated cells × ${b.viabilityPercent} % viable × ${b.carPositivePercent} % CAR+`;
    }
    const bagCar = total * carFraction;
    const carPerMl = concentration * carFraction;
    reasons.push(
      `Bag: ${fmtCells(total)} ${basisText} = ${fmtCells(bagCar)} CAR+ viable cells in ${fmt(volume, 1)} mL (${fmtCells(carPerMl)} CAR+ cells/mL).`,
    );

    // The dose.
    let toGive: number;
    let capped = false;
    if (i.doseBasis === "PER_KG") {
      const perKg = i.dosePerKg!;
      const w = i.refWeightKg!;
      const uncapped = perKg * w;
      reasons.push(
        `dosePerKg ${fmtCells(perKg)}/kg × refWeightKg ${w} kg = ${fmtCells(uncapped)} CAR+ viable cells.`,
      );
      toGive = uncapped;
      if (i.maxTotal !== undefined) {
        if (uncapped > i.maxTotal) {
          toGive = i.maxTotal;
          capped = true;
          reasons.push(
            `Capped at maxTotal ${fmtCells(i.maxTotal)} (weight-based ${fmtCells(uncapped)} > cap).`,
          );
        } else reasons.push(`Within maxTotal ${fmtCells(i.maxTotal)}.`);
      }
    } else if (i.doseBasis === "FLAT") {
      toGive = i.flatDose!;
      reasons.push(`Flat dose: flatDose ${fmtCells(toGive)} CAR+ viable cells.`);
    } else {
      toGive = bagCar;
      reasons.push(`Whole bag infused: ${fmtCells(toGive)} CAR+ viable cells as released.`);
    }

    const perKgGiven = i.refWeightKg !== undefined ? toGive / i.refWeightKg : null;
    if (perKgGiven !== null && (capped || i.doseBasis !== "PER_KG"))
      reasons.push(
        `Per kg: ${fmtCells(toGive)} / ${i.refWeightKg} kg = ${fmtCells(perKgGiven)} CAR+ viable cells/kg.`,
      );

    const volumeToDraw = i.doseBasis === "WHOLE_BAG" ? volume : toGive / carPerMl;
    const suffices = i.doseBasis === "WHOLE_BAG" || geq(bagCar, toGive);
    if (i.doseBasis !== "WHOLE_BAG")
      reasons.push(
        suffices
          ? `Draw ${fmt(volumeToDraw, 2)} mL of ${fmt(volume, 1)} mL (${fmtCells(toGive)} ÷ ${fmtCells(carPerMl)} CAR+ cells/mL); the bag suffices.`
          : `The bag does not suffice: ${fmtCells(toGive)} CAR+ cells need ${fmt(volumeToDraw, 2)} mL but the bag holds ${fmt(volume, 1)} mL (${fmtCells(bagCar)} CAR+ cells).`,
      );

    let inRange: boolean | null = null;
    if (i.doseRange) {
      const r = i.doseRange;
      const x = r.unit === "CELLS" ? toGive : perKgGiven!;
      inRange = geq(x, r.lower) && leq(x, r.upper);
      const unit = r.unit === "CELLS" ? "cells" : "cells/kg";
      reasons.push(
        `${inRange ? "In range" : "Out of range"}: ${fmtCells(x)} ${unit} against ${fmtCells(r.lower)}–${fmtCells(r.upper)} ${unit} (inclusive).`,
      );
    }

    const label = [
      `${fmtCells(toGive)} CAR+ cells${capped ? " (capped)" : ""}`,
      i.doseBasis === "WHOLE_BAG" ? `whole bag ${fmt(volume, 1)} mL` : `draw ${fmt(volumeToDraw, 1)} mL`,
      ...(suffices ? [] : ["bag insufficient"]),
      ...(inRange === null ? [] : [inRange ? "in range" : "out of range"]),
    ].join(", ");
    return {
      value: {
        carPositiveCellsToGive: toGive,
        capped,
        carPositiveCellsPerKg: perKgGiven,
        bagCarPositiveCells: bagCar,
        bagCarPositiveCellsPerMl: carPerMl,
        bagVolumeMl: volume,
        volumeToDrawMl: volumeToDraw,
        bagSuffices: suffices,
        inRange,
      },
      label,
      reasons,
      details: { doseBasis: i.doseBasis, cellCountBasis: b.cellCountBasis, carPositiveFraction: carFraction },
    };
  },
});
