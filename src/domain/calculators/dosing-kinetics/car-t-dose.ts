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
import { ruleIssue } from "../../errors.ts";
import { type Reason, type ReasonEntry, reasonFamily } from "../../reasons.ts";
import { defineCalculator } from "../calculator.ts";
import { WeightKg } from "./bsa.ts";
import { fmt, fmtCells, geq, leq } from "./format.ts";

export const DOSE_BASES = ["PER_KG", "FLAT", "WHOLE_BAG"] as const;
export const CELL_COUNT_BASES = ["CAR_POSITIVE_VIABLE", "VIABLE", "TOTAL_NUCLEATED"] as const;
export const RANGE_UNITS = ["CELLS_PER_KG", "CELLS"] as const;

/**
 * The words of the input checks for the dose bases and cell-count bases (issue 11: a clinician's
 * words, not the input's codes).
 */
const DOSE_BASIS_WORDS: Record<(typeof DOSE_BASES)[number], string> = {
  PER_KG: "a per-kg dose",
  FLAT: "a flat dose",
  WHOLE_BAG: "a whole-bag dose",
};
const COUNT_BASIS_WORDS: Record<(typeof CELL_COUNT_BASES)[number], string> = {
  CAR_POSITIVE_VIABLE: "CAR+ viable cells",
  VIABLE: "viable cells",
  TOTAL_NUCLEATED: "total nucleated cells",
};

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
    if (r.lower > r.upper)
      ruleIssue(
        ctx,
        ["upper"],
        "The upper end of the range is below its lower end.",
        "dose_range_upper_below_lower" satisfies DoseCheck,
      );
  });

export const CarTDoseInput = z
  .strictObject({
    doseBasis: z
      .enum(DOSE_BASES)
      .describe(
        "PER_KG (dosePerKg × refWeightKg), FLAT (flatDose) or WHOLE_BAG (the whole released product)",
      ),
    dosePerKg: PerKg("A dose per kg")
      .optional()
      .describe("Target CAR+ viable T cells per kg; required for PER_KG"),
    refWeightKg: WeightKg.optional().describe(
      "Reference body weight in kg as the protocol defines it; required for PER_KG or a per-kg range, optional otherwise (gives the per-kg dose)",
    ),
    maxTotal: Cells("A maximum total dose")
      .optional()
      .describe("Maximum total CAR+ viable T cells (label/protocol cap); PER_KG only"),
    flatDose: Cells("A flat dose")
      .optional()
      .describe("Target total CAR+ viable T cells; required for a flat dose"),
    doseRange: DoseRange.optional().describe("Label or protocol dose range to check the dose against"),
    bag: Bag,
  })
  .superRefine((i, ctx) => {
    // Each check has a stable code (the problem's issue code) that the web app words in the
    // reader's language (issue.rule.* in its catalogues; issue 11).
    const need = (cond: boolean, path: PropertyKey[], message: string, code: DoseCheck) => {
      if (cond) ruleIssue(ctx, path, message, code);
    };
    need(
      i.doseBasis === "PER_KG" && i.dosePerKg === undefined,
      ["dosePerKg"],
      "The dose per kg is required for a per-kg dose.",
      "dose_per_kg_required",
    );
    need(
      i.doseBasis === "PER_KG" && i.refWeightKg === undefined,
      ["refWeightKg"],
      "The reference weight is required for a per-kg dose.",
      "dose_weight_required",
    );
    need(
      i.doseBasis !== "PER_KG" && i.dosePerKg !== undefined,
      ["dosePerKg"],
      `A dose per kg does not apply to ${DOSE_BASIS_WORDS[i.doseBasis]}.`,
      "dose_per_kg_not_applicable",
    );
    need(
      i.doseBasis !== "PER_KG" && i.maxTotal !== undefined,
      ["maxTotal"],
      "A maximum total dose applies to per-kg doses only.",
      "dose_max_per_kg_only",
    );
    need(
      i.doseBasis === "FLAT" && i.flatDose === undefined,
      ["flatDose"],
      "The flat dose (total CAR+ viable cells) is required for a flat dose.",
      "dose_flat_required",
    );
    need(
      i.doseBasis !== "FLAT" && i.flatDose !== undefined,
      ["flatDose"],
      `A flat dose does not apply to ${DOSE_BASIS_WORDS[i.doseBasis]}.`,
      "dose_flat_not_applicable",
    );
    need(
      i.doseRange?.unit === "CELLS_PER_KG" && i.refWeightKg === undefined,
      ["refWeightKg"],
      "The reference weight is required to check a per-kg dose range.",
      "dose_range_weight_required",
    );
    if (i.doseRange?.unit === "CELLS_PER_KG") {
      need(
        i.doseRange.lower < PER_KG_MIN || i.doseRange.upper > PER_KG_MAX,
        ["doseRange"],
        `A per-kg range is given in cells/kg (${fmtCells(PER_KG_MIN)}–${fmtCells(PER_KG_MAX)}).`,
        "dose_range_per_kg_unit",
      );
    } else if (i.doseRange?.unit === "CELLS") {
      need(
        i.doseRange.lower < TOTAL_MIN || i.doseRange.upper > TOTAL_MAX,
        ["doseRange"],
        `A total range is given in cells (${fmtCells(TOTAL_MIN)}–${fmtCells(TOTAL_MAX)}).`,
        "dose_range_total_unit",
      );
    }
    const b = i.bag;
    const known = [b.totalCells, b.concentrationCellsPerMl, b.volumeMl].filter((x) => x !== undefined).length;
    if (known < 2) {
      for (const f of ["totalCells", "concentrationCellsPerMl", "volumeMl"] as const)
        need(
          b[f] === undefined,
          ["bag", f],
          "Give at least two of the bag's total cells, concentration (cells/mL) and volume (mL).",
          "dose_bag_two_of_three",
        );
    } else if (known === 3) {
      const product = b.concentrationCellsPerMl! * b.volumeMl!;
      const diff = Math.abs(product - b.totalCells!) / b.totalCells!;
      need(
        diff > BAG_CONSISTENCY_TOLERANCE,
        ["bag", "totalCells"],
        `The bag's total cells ${fmtCells(b.totalCells!)} disagree with concentration × volume ${fmtCells(product)} by ${fmt(diff * 100, 1)} % (more than ${BAG_CONSISTENCY_TOLERANCE * 100} %).`,
        "dose_bag_disagrees",
      );
    }
    need(
      b.cellCountBasis !== "CAR_POSITIVE_VIABLE" && b.carPositivePercent === undefined,
      ["bag", "carPositivePercent"],
      `The CAR+ % is required when the count is of ${COUNT_BASIS_WORDS[b.cellCountBasis]}.`,
      "dose_car_percent_required",
    );
    need(
      b.cellCountBasis === "CAR_POSITIVE_VIABLE" && b.carPositivePercent !== undefined,
      ["bag", "carPositivePercent"],
      "Leave the CAR+ % out when the count is already of CAR+ viable cells (it would be applied twice).",
      "dose_car_percent_twice",
    );
    need(
      b.cellCountBasis === "TOTAL_NUCLEATED" && b.viabilityPercent === undefined,
      ["bag", "viabilityPercent"],
      "The viability % is required when the count is of total nucleated cells.",
      "dose_viability_required",
    );
    need(
      b.cellCountBasis !== "TOTAL_NUCLEATED" && b.viabilityPercent !== undefined,
      ["bag", "viabilityPercent"],
      `The viability % applies only to a count of total nucleated cells (a count of ${COUNT_BASIS_WORDS[b.cellCountBasis]} is already of viable cells).`,
      "dose_viability_not_applicable",
    );
  });

/** The codes of the CAR-T dose input checks (the problem's issue codes); worded under issue.rule.* in the web catalogues. */
export const DOSE_CHECKS = [
  "dose_range_upper_below_lower",
  "dose_per_kg_required",
  "dose_weight_required",
  "dose_per_kg_not_applicable",
  "dose_max_per_kg_only",
  "dose_flat_required",
  "dose_flat_not_applicable",
  "dose_range_weight_required",
  "dose_range_per_kg_unit",
  "dose_range_total_unit",
  "dose_bag_two_of_three",
  "dose_bag_disagrees",
  "dose_car_percent_required",
  "dose_car_percent_twice",
  "dose_viability_required",
  "dose_viability_not_applicable",
] as const;
type DoseCheck = (typeof DOSE_CHECKS)[number];

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

/**
 * The sentences of the CAR-T dose (decision 0041); the web catalogues word them under
 * reasons.carTDose.*. Cell numbers travel as displayed ("2 × 10⁸"), volumes rounded as shown.
 */
export const CAR_T_DOSE_REASONS = reasonFamily(
  "carTDose",
  {
    // The result's label, coded like the reasons (decision 0041).
    label: "{{parts, phrases}}",
    "phrase.label.cells": "{{cells}} CAR+ cells",
    "phrase.label.cellsCapped": "{{cells}} CAR+ cells (capped)",
    "phrase.label.wholeBag": "whole bag {{ml}} mL",
    "phrase.label.draw": "draw {{ml}} mL",
    "phrase.label.insufficient": "bag insufficient",
    "phrase.label.inRange": "in range",
    "phrase.label.outOfRange": "out of range",
    "bag.CAR_POSITIVE_VIABLE":
      "Bag: {{total}} CAR+ viable cells = {{bagCar}} CAR+ viable cells in {{volume}} mL ({{perMl}} CAR+ cells/mL).",
    "bag.VIABLE":
      "Bag: {{total}} viable cells × {{carPercent}} % CAR+ = {{bagCar}} CAR+ viable cells in {{volume}} mL " +
      "({{perMl}} CAR+ cells/mL).",
    "bag.TOTAL_NUCLEATED":
      "Bag: {{total}} total nucleated cells × {{viabilityPercent}} % viable × {{carPercent}} % CAR+ = {{bagCar}} " +
      "CAR+ viable cells in {{volume}} mL ({{perMl}} CAR+ cells/mL).",
    perKg: "{{perKg}} cells/kg × reference weight {{weight}} kg = {{cells}} CAR+ viable cells.",
    capped: "Capped at the maximum total dose {{max}} (weight-based {{uncapped}} is above it).",
    withinMax: "Within the maximum total dose {{max}}.",
    flat: "Flat dose: {{cells}} CAR+ viable cells.",
    wholeBag: "Whole bag infused: {{cells}} CAR+ viable cells as released.",
    perKgGiven: "Per kg: {{cells}} / {{weight}} kg = {{perKg}} CAR+ viable cells/kg.",
    "draw.suffices":
      "Draw {{draw}} mL of {{volume}} mL ({{cells}} ÷ {{perMl}} CAR+ cells/mL); the bag suffices.",
    "draw.insufficient":
      "The bag does not suffice: {{cells}} CAR+ cells need {{draw}} mL but the bag holds {{volume}} mL " +
      "({{bagCar}} CAR+ cells).",
    "range.in": "In range: {{x}} {{unit, term}} against {{lower}}–{{upper}} {{unit, term}} (inclusive).",
    "range.out": "Out of range: {{x}} {{unit, term}} against {{lower}}–{{upper}} {{unit, term}} (inclusive).",
  },
  { doseRangeUnit: { CELLS: "cells", CELLS_PER_KG: "cells/kg" } },
);
const R = CAR_T_DOSE_REASONS;

export const carTDoseCalculator = defineCalculator({
  name: "car-t-dose",
  title: "CAR-T dose (CAR+ viable T cells) and volume to draw from the bag",
  source:
    "CAR-T US prescribing information, section 2 (dose as CAR-positive viable T cells, per kg or flat, with caps); clinical-rules.md §6.2.",
  ruleSet: "CAR-T dose per kg / flat / whole bag (clinical-rules.md §6.2)",
  ruleSetVersion: "1",
  input: CarTDoseInput,
  evaluate(i): {
    value: CarTDoseValue;
    label: Reason;
    reasons: ReasonEntry[];
    details: Record<string, unknown>;
  } {
    const reasons: ReasonEntry[] = [];
    const b = i.bag;

    // The bag: complete the triple (total, concentration, volume) in the counted basis.
    const total = b.totalCells ?? b.concentrationCellsPerMl! * b.volumeMl!;
    const volume = b.volumeMl ?? b.totalCells! / b.concentrationCellsPerMl!;
    const concentration = b.concentrationCellsPerMl ?? b.totalCells! / b.volumeMl!;
    let carFraction = 1;
    if (b.cellCountBasis === "VIABLE") carFraction = b.carPositivePercent! / 100;
    else if (b.cellCountBasis === "TOTAL_NUCLEATED")
      carFraction = (b.viabilityPercent! / 100) * (b.carPositivePercent! / 100);
    const bagCar = total * carFraction;
    const carPerMl = concentration * carFraction;
    reasons.push(
      R.say(`bag.${b.cellCountBasis}`, {
        total: fmtCells(total),
        ...(b.carPositivePercent !== undefined ? { carPercent: b.carPositivePercent } : {}),
        ...(b.viabilityPercent !== undefined ? { viabilityPercent: b.viabilityPercent } : {}),
        bagCar: fmtCells(bagCar),
        volume: fmt(volume, 1),
        perMl: fmtCells(carPerMl),
      }),
    );

    // The dose.
    let toGive: number;
    let capped = false;
    if (i.doseBasis === "PER_KG") {
      const perKg = i.dosePerKg!;
      const w = i.refWeightKg!;
      const uncapped = perKg * w;
      reasons.push(R.say("perKg", { perKg: fmtCells(perKg), weight: w, cells: fmtCells(uncapped) }));
      toGive = uncapped;
      if (i.maxTotal !== undefined) {
        if (uncapped > i.maxTotal) {
          toGive = i.maxTotal;
          capped = true;
          reasons.push(R.say("capped", { max: fmtCells(i.maxTotal), uncapped: fmtCells(uncapped) }));
        } else reasons.push(R.say("withinMax", { max: fmtCells(i.maxTotal) }));
      }
    } else if (i.doseBasis === "FLAT") {
      toGive = i.flatDose!;
      reasons.push(R.say("flat", { cells: fmtCells(toGive) }));
    } else {
      toGive = bagCar;
      reasons.push(R.say("wholeBag", { cells: fmtCells(toGive) }));
    }

    const perKgGiven = i.refWeightKg !== undefined ? toGive / i.refWeightKg : null;
    if (perKgGiven !== null && (capped || i.doseBasis !== "PER_KG"))
      reasons.push(
        R.say("perKgGiven", { cells: fmtCells(toGive), weight: i.refWeightKg!, perKg: fmtCells(perKgGiven) }),
      );

    const volumeToDraw = i.doseBasis === "WHOLE_BAG" ? volume : toGive / carPerMl;
    const suffices = i.doseBasis === "WHOLE_BAG" || geq(bagCar, toGive);
    if (i.doseBasis !== "WHOLE_BAG")
      reasons.push(
        suffices
          ? R.say("draw.suffices", {
              draw: fmt(volumeToDraw, 2),
              volume: fmt(volume, 1),
              cells: fmtCells(toGive),
              perMl: fmtCells(carPerMl),
            })
          : R.say("draw.insufficient", {
              cells: fmtCells(toGive),
              draw: fmt(volumeToDraw, 2),
              volume: fmt(volume, 1),
              bagCar: fmtCells(bagCar),
            }),
      );

    let inRange: boolean | null = null;
    if (i.doseRange) {
      const r = i.doseRange;
      const x = r.unit === "CELLS" ? toGive : perKgGiven!;
      inRange = geq(x, r.lower) && leq(x, r.upper);
      reasons.push(
        R.say(inRange ? "range.in" : "range.out", {
          x: fmtCells(x),
          unit: `doseRangeUnit.${r.unit}`,
          lower: fmtCells(r.lower),
          upper: fmtCells(r.upper),
        }),
      );
    }

    const label = R.say("label", {
      parts: [
        R.phrase(capped ? "phrase.label.cellsCapped" : "phrase.label.cells", { cells: fmtCells(toGive) }),
        i.doseBasis === "WHOLE_BAG"
          ? R.phrase("phrase.label.wholeBag", { ml: fmt(volume, 1) })
          : R.phrase("phrase.label.draw", { ml: fmt(volumeToDraw, 1) }),
        ...(suffices ? [] : [R.phrase("phrase.label.insufficient")]),
        ...(inRange === null ? [] : [R.phrase(inRange ? "phrase.label.inRange" : "phrase.label.outOfRange")]),
      ],
    });
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
