/**
 * CAR-T dose explained (clinical-rules.md §6.2): every reason, label and detail of the worked
 * examples DOSE-1..DOSE-4 and of a flat dose from a total-nucleated count that the bag cannot give,
 * written out by hand (the bag's CAR+ cells = count × viability × CAR+ %, the volume to draw = dose ÷
 * CAR+ cells per mL); and every input check's field and message. Written for the mutation run
 * (issue 16); the input checks are in words, not the input's field names (issue 11).
 */
import { describe, expect, it } from "vitest";
import {
  carTDoseCalculator,
  DOSE_CHECKS,
} from "../../../src/domain/calculators/dosing-kinetics/car-t-dose.ts";
import { en } from "../../../web/src/i18n/en.ts";
import { zhCN } from "../../../web/src/i18n/zh-CN.ts";
import { issuesOf } from "../../support/validation.ts";

const BAG = { cellCountBasis: "VIABLE", totalCells: 1e9, volumeMl: 100, carPositivePercent: 20 };
const run = (i: Record<string, unknown>) => carTDoseCalculator.run(i);
const issues = (i: Record<string, unknown>) => issuesOf(() => run(i)).map((x) => [x.path, x.message]);

describe("CAR-T dose explained, worked examples", () => {
  it("DOSE-1: 1 × 10⁶/kg at 80 kg from a bag of 10⁹ viable cells, 20 % CAR+, in 100 mL → 8 × 10⁷, draw 40 mL", () => {
    const r = run({ doseBasis: "PER_KG", dosePerKg: 1e6, refWeightKg: 80, bag: BAG });
    expect(r.label).toBe("8.00 × 10⁷ CAR+ cells, draw 40 mL");
    expect(r.reasons).toEqual([
      "Bag: 1.00 × 10⁹ viable cells × 20 % CAR+ = 2.00 × 10⁸ CAR+ viable cells in 100 mL (2.00 × 10⁶ CAR+ cells/mL).",
      "1.00 × 10⁶ cells/kg × reference weight 80 kg = 8.00 × 10⁷ CAR+ viable cells.",
      "Draw 40 mL of 100 mL (8.00 × 10⁷ ÷ 2.00 × 10⁶ CAR+ cells/mL); the bag suffices.",
    ]);
    expect(r.details).toStrictEqual({
      doseBasis: "PER_KG",
      cellCountBasis: "VIABLE",
      carPositiveFraction: 0.2,
    });
    expect(r.value).toStrictEqual({
      carPositiveCellsToGive: 8e7,
      capped: false,
      carPositiveCellsPerKg: 1e6,
      bagCarPositiveCells: 2e8,
      bagCarPositiveCellsPerMl: 2e6,
      bagVolumeMl: 100,
      volumeToDrawMl: 40,
      bagSuffices: true,
      inRange: null,
    });
  });

  it("DOSE-2: axi-cel 2 × 10⁶/kg at 120 kg = 2.4 × 10⁸, capped at 2 × 10⁸ (1.67 × 10⁶/kg); 54.4 mL of 68", () => {
    const r = run({
      doseBasis: "PER_KG",
      dosePerKg: 2e6,
      refWeightKg: 120,
      maxTotal: 2e8,
      bag: { cellCountBasis: "CAR_POSITIVE_VIABLE", totalCells: 2.5e8, volumeMl: 68 },
    });
    expect(r.label).toBe("2.00 × 10⁸ CAR+ cells (capped), draw 54.4 mL");
    expect(r.reasons).toEqual([
      "Bag: 2.50 × 10⁸ CAR+ viable cells = 2.50 × 10⁸ CAR+ viable cells in 68 mL (3.68 × 10⁶ CAR+ cells/mL).",
      "2.00 × 10⁶ cells/kg × reference weight 120 kg = 2.40 × 10⁸ CAR+ viable cells.",
      "Capped at the maximum total dose 2.00 × 10⁸ (weight-based 2.40 × 10⁸ is above it).",
      "Per kg: 2.00 × 10⁸ / 120 kg = 1.67 × 10⁶ CAR+ viable cells/kg.",
      "Draw 54.4 mL of 68 mL (2.00 × 10⁸ ÷ 3.68 × 10⁶ CAR+ cells/mL); the bag suffices.",
    ]);
    expect(r.details).toStrictEqual({
      doseBasis: "PER_KG",
      cellCountBasis: "CAR_POSITIVE_VIABLE",
      carPositiveFraction: 1,
    });
  });

  it("DOSE-3: cilta-cel 0.75 × 10⁶/kg at 70 kg = 5.25 × 10⁷, within the 10⁸ cap and the 0.5–1.0 × 10⁶/kg range", () => {
    const r = run({
      doseBasis: "PER_KG",
      dosePerKg: 0.75e6,
      refWeightKg: 70,
      maxTotal: 1e8,
      doseRange: { unit: "CELLS_PER_KG", lower: 0.5e6, upper: 1e6 },
      bag: BAG,
    });
    expect(r.label).toBe("5.25 × 10⁷ CAR+ cells, draw 26.3 mL, in range");
    expect(r.reasons).toEqual([
      "Bag: 1.00 × 10⁹ viable cells × 20 % CAR+ = 2.00 × 10⁸ CAR+ viable cells in 100 mL (2.00 × 10⁶ CAR+ cells/mL).",
      "7.50 × 10⁵ cells/kg × reference weight 70 kg = 5.25 × 10⁷ CAR+ viable cells.",
      "Within the maximum total dose 1.00 × 10⁸.",
      "Draw 26.25 mL of 100 mL (5.25 × 10⁷ ÷ 2.00 × 10⁶ CAR+ cells/mL); the bag suffices.",
      "In range: 7.50 × 10⁵ cells/kg against 5.00 × 10⁵–1.00 × 10⁶ cells/kg (inclusive).",
    ]);
  });

  it("DOSE-4: liso-cel released at 10⁸ CAR+ cells in 4.6 mL, whole bag, in the 50–110 × 10⁶ range", () => {
    const r = run({
      doseBasis: "WHOLE_BAG",
      doseRange: { unit: "CELLS", lower: 50e6, upper: 110e6 },
      bag: { cellCountBasis: "CAR_POSITIVE_VIABLE", totalCells: 100e6, volumeMl: 4.6 },
    });
    expect(r.label).toBe("1.00 × 10⁸ CAR+ cells, whole bag 4.6 mL, in range");
    expect(r.reasons).toEqual([
      "Bag: 1.00 × 10⁸ CAR+ viable cells = 1.00 × 10⁸ CAR+ viable cells in 4.6 mL (2.17 × 10⁷ CAR+ cells/mL).",
      "Whole bag infused: 1.00 × 10⁸ CAR+ viable cells as released.",
      "In range: 1.00 × 10⁸ cells against 5.00 × 10⁷–1.10 × 10⁸ cells (inclusive).",
    ]);
    expect((r.value as { bagSuffices: boolean; carPositiveCellsPerKg: null }).bagSuffices).toBe(true);
  });

  it("a flat 1.2 × 10⁸ from 10⁹ nucleated cells × 90 % × 10 % = 9 × 10⁷: the bag does not suffice, out of range", () => {
    const r = run({
      doseBasis: "FLAT",
      flatDose: 1.2e8,
      refWeightKg: 60,
      doseRange: { unit: "CELLS", lower: 50e6, upper: 110e6 },
      bag: {
        cellCountBasis: "TOTAL_NUCLEATED",
        totalCells: 1e9,
        concentrationCellsPerMl: 1e7,
        viabilityPercent: 90,
        carPositivePercent: 10,
      },
    });
    expect(r.label).toBe("1.20 × 10⁸ CAR+ cells, draw 133.3 mL, bag insufficient, out of range");
    expect(r.reasons).toEqual([
      "Bag: 1.00 × 10⁹ total nucleated cells × 90 % viable × 10 % CAR+ = 9.00 × 10⁷ CAR+ viable cells in 100 mL (9.00 × 10⁵ CAR+ cells/mL).",
      "Flat dose: 1.20 × 10⁸ CAR+ viable cells.",
      "Per kg: 1.20 × 10⁸ / 60 kg = 2.00 × 10⁶ CAR+ viable cells/kg.",
      "The bag does not suffice: 1.20 × 10⁸ CAR+ cells need 133.33 mL but the bag holds 100 mL (9.00 × 10⁷ CAR+ cells).",
      "Out of range: 1.20 × 10⁸ cells against 5.00 × 10⁷–1.10 × 10⁸ cells (inclusive).",
    ]);
    expect(r.value).toMatchObject({ bagSuffices: false, inRange: false, capped: false });
    expect((r.value as { bagVolumeMl: number }).bagVolumeMl).toBeCloseTo(100, 9);
  });

  it("a per-kg dose without a cap says no cap sentence and no per-kg-given line", () => {
    const r = run({ doseBasis: "PER_KG", dosePerKg: 1e6, refWeightKg: 50, bag: BAG });
    expect(r.reasons).toHaveLength(3);
    expect(r.reasonCodes?.map((c) => c?.code)).toEqual([
      "carTDose.bag.VIABLE",
      "carTDose.perKg",
      "carTDose.draw.suffices",
    ]);
  });
});

describe("CAR-T dose explained, input checks in words at their fields (issue 11)", () => {
  it("a per-kg dose needs the dose per kg and the reference weight", () => {
    expect(issues({ doseBasis: "PER_KG", bag: BAG })).toEqual([
      ["/dosePerKg", "The dose per kg is required for a per-kg dose."],
      ["/refWeightKg", "The reference weight is required for a per-kg dose."],
    ]);
  });
  it("a flat dose needs its dose and refuses a dose per kg and a cap", () => {
    expect(issues({ doseBasis: "FLAT", dosePerKg: 1e6, maxTotal: 1e8, bag: BAG })).toEqual([
      ["/dosePerKg", "A dose per kg does not apply to a flat dose."],
      ["/maxTotal", "A maximum total dose applies to per-kg doses only."],
      ["/flatDose", "The flat dose (total CAR+ viable cells) is required for a flat dose."],
    ]);
  });
  it("a whole-bag dose refuses a flat dose; a per-kg dose refuses one too", () => {
    expect(issues({ doseBasis: "WHOLE_BAG", flatDose: 1e8, bag: BAG })).toEqual([
      ["/flatDose", "A flat dose does not apply to a whole-bag dose."],
    ]);
    expect(issues({ doseBasis: "PER_KG", dosePerKg: 1e6, refWeightKg: 70, flatDose: 1e8, bag: BAG })).toEqual(
      [["/flatDose", "A flat dose does not apply to a per-kg dose."]],
    );
  });
  it("unit slips: 2 instead of 2 × 10⁶ cells/kg, 100 instead of 10⁸ cells, a cap of 10¹² cells", () => {
    expect(issues({ doseBasis: "PER_KG", dosePerKg: 2, refWeightKg: 70, bag: BAG })).toEqual([
      [
        "/dosePerKg",
        "A dose per kg below 1.00 × 10⁴ cells/kg is not plausible; give cells/kg, not 10⁶ units",
      ],
    ]);
    expect(issues({ doseBasis: "PER_KG", dosePerKg: 2e8, refWeightKg: 70, bag: BAG })).toEqual([
      ["/dosePerKg", "A dose per kg above 1.00 × 10⁸ cells/kg is not plausible"],
    ]);
    expect(issues({ doseBasis: "FLAT", flatDose: 100, bag: BAG })).toEqual([
      [
        "/flatDose",
        "A flat dose below 1.00 × 10⁵ cells is not plausible; give the number of cells, not 10⁶ units",
      ],
    ]);
    expect(
      issues({ doseBasis: "PER_KG", dosePerKg: 1e6, refWeightKg: 70, maxTotal: 1e12, bag: BAG }),
    ).toEqual([["/maxTotal", "A maximum total dose above 1.00 × 10¹¹ cells is not plausible"]]);
  });
  it("a range: upper below lower; per-kg without a weight; given in the wrong unit", () => {
    const flat = (doseRange: object, extra: object = {}) =>
      issues({ doseBasis: "FLAT", flatDose: 5e7, doseRange, bag: BAG, ...extra });
    expect(flat({ unit: "CELLS", lower: 2e8, upper: 1e8 })).toEqual([
      ["/doseRange/upper", "The upper end of the range is below its lower end."],
    ]);
    expect(flat({ unit: "CELLS_PER_KG", lower: 5e5, upper: 1e6 })).toEqual([
      ["/refWeightKg", "The reference weight is required to check a per-kg dose range."],
    ]);
    expect(flat({ unit: "CELLS_PER_KG", lower: 0.5, upper: 1 }, { refWeightKg: 70 })).toEqual([
      ["/doseRange", "A per-kg range is given in cells/kg (1.00 × 10⁴–1.00 × 10⁸)."],
    ]);
    expect(flat({ unit: "CELLS_PER_KG", lower: 1e4, upper: 1.1e8 }, { refWeightKg: 70 })).toEqual([
      ["/doseRange", "A per-kg range is given in cells/kg (1.00 × 10⁴–1.00 × 10⁸)."],
    ]);
    expect(() =>
      run({
        doseBasis: "FLAT",
        flatDose: 5e7,
        refWeightKg: 70,
        doseRange: { unit: "CELLS_PER_KG", lower: 1e4, upper: 1e8 },
        bag: BAG,
      }),
    ).not.toThrow();
    // A range of one value, and the plausible limits themselves, are accepted.
    for (const doseRange of [
      { unit: "CELLS", lower: 1e8, upper: 1e8 },
      { unit: "CELLS", lower: 1e5, upper: 1e11 },
    ])
      expect(() => run({ doseBasis: "FLAT", flatDose: 5e7, doseRange, bag: BAG })).not.toThrow();
    expect(flat({ unit: "CELLS", lower: 50, upper: 110 })).toEqual([
      ["/doseRange", "A total range is given in cells (1.00 × 10⁵–1.00 × 10¹¹)."],
    ]);
    expect(flat({ unit: "CELLS", lower: 1e5, upper: 2e11 })).toEqual([
      ["/doseRange", "A total range is given in cells (1.00 × 10⁵–1.00 × 10¹¹)."],
    ]);
  });
  it("the bag: two of total, concentration and volume; all three within 2 %", () => {
    expect(issues({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, volumeMl: undefined } })).toEqual([
      [
        "/bag/concentrationCellsPerMl",
        "Give at least two of the bag's total cells, concentration (cells/mL) and volume (mL).",
      ],
      [
        "/bag/volumeMl",
        "Give at least two of the bag's total cells, concentration (cells/mL) and volume (mL).",
      ],
    ]);
    expect(
      issues({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, concentrationCellsPerMl: 1.05e7 } }),
    ).toEqual([
      [
        "/bag/totalCells",
        "The bag's total cells 1.00 × 10⁹ disagree with concentration × volume 1.05 × 10⁹ by 5 % (more than 2 %).",
      ],
    ]);
    // 2 % exactly is tolerated; the disagreement is relative to the total.
    expect(() =>
      run({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, concentrationCellsPerMl: 1.02e7 } }),
    ).not.toThrow();
  });
  it("CAR+ % and viability % belong to their counts, said in words", () => {
    const bag = (b: object) => issues({ doseBasis: "FLAT", flatDose: 5e7, bag: { ...BAG, ...b } });
    expect(bag({ carPositivePercent: undefined })).toEqual([
      ["/bag/carPositivePercent", "The CAR+ % is required when the count is of viable cells."],
    ]);
    expect(
      bag({ cellCountBasis: "TOTAL_NUCLEATED", carPositivePercent: undefined, viabilityPercent: 90 }),
    ).toEqual([
      ["/bag/carPositivePercent", "The CAR+ % is required when the count is of total nucleated cells."],
    ]);
    expect(bag({ cellCountBasis: "CAR_POSITIVE_VIABLE" })).toEqual([
      [
        "/bag/carPositivePercent",
        "Leave the CAR+ % out when the count is already of CAR+ viable cells (it would be applied twice).",
      ],
    ]);
    expect(bag({ cellCountBasis: "TOTAL_NUCLEATED" })).toEqual([
      ["/bag/viabilityPercent", "The viability % is required when the count is of total nucleated cells."],
    ]);
    expect(bag({ viabilityPercent: 90 })).toEqual([
      [
        "/bag/viabilityPercent",
        "The viability % applies only to a count of total nucleated cells (a count of viable cells is already of viable cells).",
      ],
    ]);
    expect(
      bag({ cellCountBasis: "CAR_POSITIVE_VIABLE", carPositivePercent: undefined, viabilityPercent: 90 }),
    ).toEqual([
      [
        "/bag/viabilityPercent",
        "The viability % applies only to a count of total nucleated cells (a count of CAR+ viable cells is already of viable cells).",
      ],
    ]);
  });
  it("every cross-field check has its own code, worded in both web catalogues", () => {
    const codes = (i: Record<string, unknown>) => issuesOf(() => run(i)).map((x) => x.code);
    const flat = { doseBasis: "FLAT", flatDose: 5e7 };
    const raising: [Record<string, unknown>, string][] = [
      [
        { ...flat, doseRange: { unit: "CELLS", lower: 2e8, upper: 1e8 }, bag: BAG },
        "dose_range_upper_below_lower",
      ],
      [{ doseBasis: "PER_KG", refWeightKg: 70, bag: BAG }, "dose_per_kg_required"],
      [{ doseBasis: "PER_KG", dosePerKg: 1e6, bag: BAG }, "dose_weight_required"],
      [{ ...flat, dosePerKg: 1e6, bag: BAG }, "dose_per_kg_not_applicable"],
      [{ ...flat, maxTotal: 1e8, bag: BAG }, "dose_max_per_kg_only"],
      [{ doseBasis: "FLAT", bag: BAG }, "dose_flat_required"],
      [{ doseBasis: "WHOLE_BAG", flatDose: 5e7, bag: BAG }, "dose_flat_not_applicable"],
      [
        { ...flat, doseRange: { unit: "CELLS_PER_KG", lower: 5e5, upper: 1e6 }, bag: BAG },
        "dose_range_weight_required",
      ],
      [
        { ...flat, refWeightKg: 70, doseRange: { unit: "CELLS_PER_KG", lower: 1, upper: 2 }, bag: BAG },
        "dose_range_per_kg_unit",
      ],
      [{ ...flat, doseRange: { unit: "CELLS", lower: 50, upper: 110 }, bag: BAG }, "dose_range_total_unit"],
      [{ ...flat, bag: { ...BAG, volumeMl: undefined } }, "dose_bag_two_of_three"],
      [{ ...flat, bag: { ...BAG, concentrationCellsPerMl: 1.05e7 } }, "dose_bag_disagrees"],
      [{ ...flat, bag: { ...BAG, carPositivePercent: undefined } }, "dose_car_percent_required"],
      [{ ...flat, bag: { ...BAG, cellCountBasis: "CAR_POSITIVE_VIABLE" } }, "dose_car_percent_twice"],
      [{ ...flat, bag: { ...BAG, cellCountBasis: "TOTAL_NUCLEATED" } }, "dose_viability_required"],
      [{ ...flat, bag: { ...BAG, viabilityPercent: 90 } }, "dose_viability_not_applicable"],
    ];
    for (const [input, code] of raising) {
      expect(codes(input), code).toContain(code);
      expect((en.issue.rule as Record<string, string>)[code], code).toBeTruthy();
      expect((zhCN.issue.rule as Record<string, string>)[code], code).toMatch(/\p{Script=Han}/u);
    }
    expect(raising.map(([, c]) => c).sort()).toEqual([...DOSE_CHECKS].sort());
  });
});

describe("CAR-T dose explained, the bag sentence's values (the web app words it from these)", () => {
  it("a count of CAR+ viable cells carries no CAR+ % or viability; a viable count carries its CAR+ % only", () => {
    const car = run({
      doseBasis: "WHOLE_BAG",
      bag: { cellCountBasis: "CAR_POSITIVE_VIABLE", totalCells: 1e8, volumeMl: 4 },
    });
    expect(car.reasonCodes?.[0]).toStrictEqual({
      code: "carTDose.bag.CAR_POSITIVE_VIABLE",
      params: { total: "1.00 × 10⁸", bagCar: "1.00 × 10⁸", volume: "4", perMl: "2.50 × 10⁷" },
    });
    const viable = run({ doseBasis: "WHOLE_BAG", bag: BAG });
    expect(viable.reasonCodes?.[0]).toStrictEqual({
      code: "carTDose.bag.VIABLE",
      params: {
        total: "1.00 × 10⁹",
        carPercent: 20,
        bagCar: "2.00 × 10⁸",
        volume: "100",
        perMl: "2.00 × 10⁶",
      },
    });
  });
});
