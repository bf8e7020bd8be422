/**
 * Release specifications (src/domain/release-specs.ts) against hand-written results, using the
 * ARI-0001 acceptance criteria (workflow-standards.md §3; PMC6319086 Table 2) at both edges of each
 * limit, and the bedside dose tolerance (src/domain/dose-check.ts) at both of its edges.
 */
import { describe, expect, it } from "vitest";
import { checkInfusedDose, DOSE_TOLERANCE, weightInKg } from "../../src/domain/dose-check.ts";
import {
  type DoseTarget,
  EXAMPLE_RELEASE_SPEC,
  evaluateRelease,
  type QcResult,
  ReleaseSpec,
} from "../../src/domain/release-specs.ts";

/** 70 kg at 1 × 10⁶/kg needs 7 × 10⁷ CAR+ viable cells. */
const DOSE: DoseTarget = { basis: "per-kg", dosePerKg: 1e6, weightKg: 70 };

const passing: QcResult[] = [
  { attribute: "viability", valueNumber: 70, unit: "%" },
  { attribute: "car-positive", valueNumber: 20, unit: "%" },
  { attribute: "vector-copy-number", valueNumber: 10, unit: "copies/transduced cell" },
  { attribute: "sterility", valueCode: "negative" },
  { attribute: "mycoplasma", valueCode: "negative" },
  { attribute: "endotoxin", valueNumber: 0.5, unit: "EU/mL" },
  { attribute: "car-positive-viable-cells", valueNumber: 7e7, unit: "cells" },
];
const withResult = (r: QcResult) => [...passing, r];

describe("evaluateRelease with the ARI-0001 criteria", () => {
  it("releases a bag sitting exactly on every limit", () => {
    const e = evaluateRelease(EXAMPLE_RELEASE_SPEC, passing, DOSE);
    expect(e.outcome).toBe("meets-specification");
    expect(e.attributes.every((a) => a.status === "pass")).toBe(true);
    expect(e.attributes).toHaveLength(7);
  });

  const justOutside: [string, QcResult][] = [
    ["viability 69.9 %", { attribute: "viability", valueNumber: 69.9, unit: "%" }],
    ["CAR+ 19.9 %", { attribute: "car-positive", valueNumber: 19.9, unit: "%" }],
    ["VCN 10.1", { attribute: "vector-copy-number", valueNumber: 10.1, unit: "copies/transduced cell" }],
    ["endotoxin 0.51 EU/mL", { attribute: "endotoxin", valueNumber: 0.51, unit: "EU/mL" }],
    ["sterility positive", { attribute: "sterility", valueCode: "positive" }],
    ["mycoplasma positive", { attribute: "mycoplasma", valueCode: "positive" }],
  ];
  for (const [name, r] of justOutside)
    it(`declares the bag out of specification for ${name}, naming only that attribute`, () => {
      const e = evaluateRelease(EXAMPLE_RELEASE_SPEC, withResult(r), DOSE);
      expect(e.outcome).toBe("out-of-specification");
      expect(e.failedAttributes).toEqual([r.attribute]);
    });

  it("fails dose sufficiency one cell short of dose level × weight", () => {
    const e = evaluateRelease(
      EXAMPLE_RELEASE_SPEC,
      withResult({ attribute: "car-positive-viable-cells", valueNumber: 7e7 - 1, unit: "cells" }),
      DOSE,
    );
    expect(e.failedAttributes).toEqual(["dose-sufficiency"]);
  });

  it("compares a flat dose with the total", () => {
    const flat: DoseTarget = { basis: "flat", cells: 1e8 };
    expect(evaluateRelease(EXAMPLE_RELEASE_SPEC, passing, flat).failedAttributes).toEqual([
      "dose-sufficiency",
    ]);
    const enough = withResult({ attribute: "car-positive-viable-cells", valueNumber: 1e8, unit: "cells" });
    expect(evaluateRelease(EXAMPLE_RELEASE_SPEC, enough, flat).outcome).toBe("meets-specification");
  });

  it("is incomplete while a result is missing, and says which", () => {
    const e = evaluateRelease(
      EXAMPLE_RELEASE_SPEC,
      passing.filter((r) => r.attribute !== "sterility"),
      DOSE,
    );
    expect(e.outcome).toBe("incomplete");
    expect(e.missingAttributes).toEqual(["sterility"]);
  });

  it("says why for each criterion, in English and as a code the web app words in either language (issue 11)", () => {
    const said = (results: QcResult[], dose: DoseTarget = DOSE) =>
      evaluateRelease(EXAMPLE_RELEASE_SPEC, results, dose).attributes.map((a) => [
        a.attribute,
        a.reason,
        a.reasonCode,
      ]);
    expect(said(passing)).toEqual([
      [
        "viability",
        "70 % meets >= 70 %",
        {
          code: "release.meets",
          params: { value: "70", unit: "releaseUnit.%", operator: ">=", limit: "70" },
        },
      ],
      [
        "car-positive",
        "20 % meets >= 20 %",
        {
          code: "release.meets",
          params: { value: "20", unit: "releaseUnit.%", operator: ">=", limit: "20" },
        },
      ],
      [
        "vector-copy-number",
        "10 copies/transduced cell meets <= 10 copies/transduced cell",
        {
          code: "release.meets",
          params: { value: "10", unit: "releaseUnit.copies/transduced cell", operator: "<=", limit: "10" },
        },
      ],
      ["sterility", "negative", { code: "release.negative", params: {} }],
      ["mycoplasma", "negative", { code: "release.negative", params: {} }],
      [
        "endotoxin",
        "0.5 EU/mL meets <= 0.5 EU/mL",
        {
          code: "release.meets",
          params: { value: "0.5", unit: "releaseUnit.EU/mL", operator: "<=", limit: "0.5" },
        },
      ],
      [
        "dose-sufficiency",
        "7.00e+7 CAR+ viable cells ≥ 1.00e+6/kg × 70 kg = 7.00e+7",
        {
          code: "release.dose.perKg.pass",
          params: { cells: "7.00e+7", perKg: "1.00e+6", weight: 70, need: "7.00e+7" },
        },
      ],
    ]);
    const failing = said(
      [
        { attribute: "viability", valueNumber: 69.9, unit: "%" },
        { attribute: "car-positive", valueNumber: 20 },
        { attribute: "vector-copy-number", valueNumber: 10, unit: "copies/cell" },
        { attribute: "sterility", valueCode: "positive" },
        { attribute: "mycoplasma", valueCode: "indeterminate" },
        { attribute: "car-positive-viable-cells", valueNumber: 6.9e7, unit: "cells" },
      ],
      { basis: "flat", cells: 7e7 },
    );
    expect(failing.map(([, reason]) => reason)).toEqual([
      "69.9 % does not meet >= 70 %",
      "result in no unit, limit in %",
      "result in copies/cell, limit in copies/transduced cell",
      "positive, expected negative",
      "result is not negative or positive",
      "no result entered",
      "6.90e+7 CAR+ viable cells < flat dose 7.00e+7",
    ]);
    expect(failing.map(([, , code]) => (code as { code: string }).code)).toEqual([
      "release.doesNotMeet",
      "release.noUnit",
      "release.otherUnit",
      "release.positive",
      "release.notNegativeOrPositive",
      "release.noResult",
      "release.dose.flat.fail",
    ]);
    expect(said([{ attribute: "viability", valueNumber: 70, unit: "%" }]).at(-1)![1]).toBe(
      "no CAR+ viable cell count (cells) for the bag",
    );
  });

  it("is incomplete when the dose target is unknown", () => {
    const e = evaluateRelease(EXAMPLE_RELEASE_SPEC, passing, { basis: "unknown", why: "no-weight" });
    expect(e.outcome).toBe("incomplete");
    expect(e.missingAttributes).toEqual(["dose-sufficiency"]);
    const dose = e.attributes.find((a) => a.attribute === "dose-sufficiency")!;
    expect([dose.reason, dose.reasonCode]).toEqual([
      "dose target unknown: no body weight (LOINC 29463-7) in kg recorded",
      { code: "release.dose.noWeight", params: {} },
    ]);
    const noLevel = evaluateRelease(EXAMPLE_RELEASE_SPEC, passing, {
      basis: "unknown",
      why: "no-dose-level",
    });
    expect(noLevel.attributes.find((a) => a.attribute === "dose-sufficiency")!.reason).toBe(
      "dose target unknown: the enrolment has no dose level",
    );
  });

  it("does not compare a result in another unit (EU/kg against an EU/mL limit)", () => {
    const e = evaluateRelease(
      EXAMPLE_RELEASE_SPEC,
      withResult({ attribute: "endotoxin", valueNumber: 0.1, unit: "EU/kg" }),
      DOSE,
    );
    expect(e.missingAttributes).toEqual(["endotoxin"]);
  });

  it("is out of specification on one fail even while other results are pending (§3)", () => {
    const e = evaluateRelease(
      EXAMPLE_RELEASE_SPEC,
      [{ attribute: "viability", valueNumber: 50, unit: "%" }],
      DOSE,
    );
    expect(e.outcome).toBe("out-of-specification");
    expect(e.failedAttributes).toEqual(["viability"]);
    expect(e.missingAttributes).toHaveLength(6);
  });

  it("takes the latest result of an attribute: a retest supersedes the first", () => {
    const retested = [{ attribute: "viability", valueNumber: 60, unit: "%" }, ...passing];
    expect(evaluateRelease(EXAMPLE_RELEASE_SPEC, retested, DOSE).outcome).toBe("meets-specification");
  });

  it("honours strict operators at the limit", () => {
    const strict = ReleaseSpec.parse({
      criteria: [
        {
          attribute: "vector-copy-number",
          operator: "<",
          limit: 5,
          unit: "copies/transduced cell",
          source: "protocol",
        },
      ],
    });
    const at = (v: number) =>
      evaluateRelease(
        strict,
        [{ attribute: "vector-copy-number", valueNumber: v, unit: "copies/transduced cell" }],
        DOSE,
      ).outcome;
    expect(at(4.99)).toBe("meets-specification");
    expect(at(5)).toBe("out-of-specification");
  });
});

describe("ReleaseSpec validation", () => {
  it("refuses a twice-named attribute, a wrong unit and a percentage over 100, naming each", () => {
    const r = ReleaseSpec.safeParse({
      criteria: [
        { attribute: "viability", operator: ">=", limit: 170, unit: "%", source: "x x" },
        { attribute: "viability", operator: ">=", limit: 70, unit: "%", source: "x x" },
        { attribute: "endotoxin", operator: "<=", limit: 5, unit: "EU/h", source: "x x" },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("/")).sort();
    expect(paths).toEqual(["criteria/0/limit", "criteria/1/attribute", "criteria/2/unit"]);
  });

  it("requires a source on every criterion", () => {
    const r = ReleaseSpec.safeParse({ criteria: [{ attribute: "sterility", expected: "negative" }] });
    expect(r.success).toBe(false);
  });
});

describe("bedside dose check (±20 % of the dose level)", () => {
  const DL1 = { code: "DL1", dose: 1e6, unit: "car-cells-per-kg" as const };
  const at = (cells: number, weightKg: number | null = 70) =>
    checkInfusedDose({ doseLevel: DL1, bagCarPositiveViableCells: cells, weightKg });

  it("is 20 %", () => expect(DOSE_TOLERANCE).toBe(0.2));
  it("accepts 7 × 10⁷ cells for 70 kg at 1 × 10⁶/kg", () => expect(at(7e7).ok).toBe(true));
  it("accepts both ends: 0.8 and 1.2 × 10⁶/kg", () => {
    expect(at(0.8e6 * 70).ok).toBe(true);
    expect(at(1.2e6 * 70).ok).toBe(true);
  });
  it("refuses just beyond either end", () => {
    expect(at(0.79e6 * 70).ok).toBe(false);
    expect(at(1.21e6 * 70).ok).toBe(false);
  });
  it("accepts the notes' DOSE-2 case: axi-cel capped at 2 × 10⁸ for 120 kg is 1.67 × 10⁶/kg", () => {
    const r = checkInfusedDose({
      doseLevel: { code: "AXI", dose: 2e6, unit: "car-cells-per-kg" },
      bagCarPositiveViableCells: 2e8,
      weightKg: 120,
    });
    expect(r.ok).toBe(true);
    expect(r.ok && r.delivered).toBeCloseTo(1.6667e6, -2);
  });
  it("refuses a bag made for DL2 (3 × 10⁶/kg) given on DL1", () => expect(at(3e6 * 70).ok).toBe(false));
  it("refuses without a weight or a cell count", () => {
    expect(at(7e7, null)).toMatchObject({ ok: false, reason: expect.stringContaining("29463-7") });
    expect(checkInfusedDose({ doseLevel: DL1, bagCarPositiveViableCells: null, weightKg: 70 }).ok).toBe(
      false,
    );
  });
  it("compares a flat dose in total cells, without weight", () => {
    const flat = { code: "F", dose: 1e8, unit: "car-cells" as const };
    expect(checkInfusedDose({ doseLevel: flat, bagCarPositiveViableCells: 1.2e8, weightKg: null }).ok).toBe(
      true,
    );
    expect(checkInfusedDose({ doseLevel: flat, bagCarPositiveViableCells: 1.25e8, weightKg: null }).ok).toBe(
      false,
    );
  });
  it("reads weight in kg, g and pounds, and nothing else", () => {
    expect(weightInKg(70, "kg")).toBe(70);
    expect(weightInKg(70_000, "g")).toBe(70);
    expect(weightInKg(100, "[lb_av]")).toBeCloseTo(45.359237, 6);
    expect(weightInKg(70, "st")).toBeNull();
  });
});
