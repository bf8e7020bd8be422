/**
 * Fludarabine/cyclophosphamide lymphodepletion explained (clinical-rules.md §6.3, §6.5): every
 * reason and label of the worked examples LD-1..LD-3 and of each fludarabine renal rule's bands (US
 * label, US FLUDARA label, EU SmPC, a protocol table), written out by hand: mg/day = mg/m²/day ×
 * renal factor × BSA, total = mg/day × days. And each input check's field and message, in words
 * (issue 11). Written for the mutation run (issue 16): the doses were already tested.
 */
import { describe, expect, it } from "vitest";
import { lymphodepletionCalculator } from "../../../src/domain/calculators/dosing-kinetics/lymphodepletion.ts";
import { issuesOf } from "../../support/validation.ts";

const FLU = (dose: number, days = [-5, -4, -3]) => ({ drug: "FLUDARABINE", doseMgPerM2PerDay: dose, days });
const CY = (dose: number, days = [-5, -4, -3]) => ({
  drug: "CYCLOPHOSPHAMIDE",
  doseMgPerM2PerDay: dose,
  days,
});
const run = (i: Record<string, unknown>) => lymphodepletionCalculator.run(i);
const flu25At45 = (fludarabineRenalRule: object, days?: number[]) =>
  run({
    bsaM2: 2,
    regimen: [FLU(25, days)],
    creatinineClearanceMlMin: 45,
    creatinineClearanceMethod: "COCKCROFT_GAULT",
    fludarabineRenalRule,
  });
const US_DEFAULT = "Renal rule: US label bands (the default; a protocol table overrides it).";
const CG_NOTE =
  "The US label states its bands in mL/min/1.73 m²; the Cockcroft–Gault clearance used is in mL/min (not normalised).";
const PROTOCOL = {
  kind: "PROTOCOL",
  protocolName: "CART-SLE-01",
  bands: [
    { fromCrClMlMin: 60, doseFactor: 1 },
    { fromCrClMlMin: 0, doseFactor: 0 },
    { fromCrClMlMin: 30, doseFactor: 0.75 },
  ],
};

describe("lymphodepletion explained, worked examples", () => {
  it("LD-1: BSA 1.8181 m², Flu 30 + Cy 500 mg/m²/day on days −5..−3, CrCl 77.8 by Cockcroft–Gault (US label: full dose)", () => {
    const r = run({
      bsaM2: 1.8181,
      regimen: [FLU(30), CY(500)],
      creatinineClearanceMlMin: 77.8,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
    });
    // 30 × 1.8181 = 54.543 → 54.5 mg/day, × 3 = 163.6; 500 × 1.8181 = 909.05 → 909.1, × 3 = 2727.2
    expect(r.label).toBe("Fludarabine 54.5 mg/day × 3; Cyclophosphamide 909.1 mg/day × 3");
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 77.8 (Cockcroft–Gault, mL/min) → US label: CrCl > 70 mL/min, full dose.",
      CG_NOTE,
      "Fludarabine 30 mg/m²/day × BSA 1.8181 m² = 54.5 mg/day on days -5, -4, -3 (3 days, 163.6 mg total).",
      "Cyclophosphamide 500 mg/m²/day × BSA 1.8181 m² = 909.1 mg/day on days -5, -4, -3 (3 days, 2727.2 mg total).",
      US_DEFAULT,
    ]);
    expect(r.details).toStrictEqual({
      bsaM2: 1.8181,
      renalRule: { kind: "US_LABEL" },
      creatinineClearanceMlMin: 77.8,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
    });
  });

  it("LD-2: BSA 1.5635 m², Flu 25 × 3 and Cy 1000 once on day −3, CrCl 100 measured: one day said as 'day'", () => {
    const r = run({
      bsaM2: 1.5635,
      regimen: [FLU(25), CY(1000, [-3])],
      creatinineClearanceMlMin: 100,
      creatinineClearanceMethod: "MEASURED_URINE",
    });
    expect(r.label).toBe("Fludarabine 39.1 mg/day × 3; Cyclophosphamide 1563.5 mg/day × 1");
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 100 (measured urine collection) → US label: CrCl > 70 mL/min, full dose.",
      "Fludarabine 25 mg/m²/day × BSA 1.5635 m² = 39.1 mg/day on days -5, -4, -3 (3 days, 117.3 mg total).",
      "Cyclophosphamide 1000 mg/m²/day × BSA 1.5635 m² = 1563.5 mg/day on day -3 (1 day, 1563.5 mg total).",
      US_DEFAULT,
    ]);
  });

  it("LD-3: CrCl 41 as normalised eGFR, US label 30–70 → × 0.8: 24 mg/m²/day × 1.8181 m² = 43.6 mg/day", () => {
    const r = run({
      bsaM2: 1.8181,
      regimen: [FLU(30)],
      creatinineClearanceMlMin: 41,
      creatinineClearanceMethod: "EGFR_NORMALISED",
    });
    expect(r.label).toBe("Fludarabine 43.6 mg/day × 3");
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 41 (eGFR, mL/min/1.73 m²) → US label: CrCl 30–70 mL/min, reduce by 20 %.",
      "Fludarabine 30 mg/m²/day × 0.8 = 24 mg/m²/day × BSA 1.8181 m² = 43.6 mg/day on days -5, -4, -3 (3 days, 130.9 mg total).",
      US_DEFAULT,
    ]);
  });

  it("CrCl 17.7 (other method): fludarabine withheld, a physician decides; cyclophosphamide given; days sorted", () => {
    const r = run({
      bsaM2: 2,
      regimen: [FLU(30, [-4, -5, -3]), CY(500)],
      creatinineClearanceMlMin: 17.7,
      creatinineClearanceMethod: "OTHER",
    });
    expect(r.label).toBe("Fludarabine withheld; Cyclophosphamide 1000 mg/day × 3");
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 17.7 (other method) → US label: CrCl < 30 mL/min, do not administer fludarabine; a physician must decide on the regimen.",
      "Fludarabine withheld: 0 mg on days -5, -4, -3.",
      "Cyclophosphamide 500 mg/m²/day × BSA 2 m² = 1000 mg/day on days -5, -4, -3 (3 days, 3000 mg total).",
      US_DEFAULT,
    ]);
  });

  it("cyclophosphamide alone: no renal sentence, no US-label default, no clearance in the details", () => {
    const r = run({ bsaM2: 2, regimen: [CY(300, [-4])] });
    expect(r.reasons).toEqual([
      "Cyclophosphamide 300 mg/m²/day × BSA 2 m² = 600 mg/day on day -4 (1 day, 600 mg total).",
    ]);
    expect(r.details).toStrictEqual({ bsaM2: 2, renalRule: { kind: "US_LABEL" } });
    expect((r.value as { fludarabineWithheld: boolean }).fludarabineWithheld).toBe(false);
  });

  it("the schedule runs in day order across the drugs, whatever order the regimen gives them in", () => {
    const r = run({
      bsaM2: 2,
      regimen: [FLU(25, [-3, -5, -4]), CY(500, [-6])],
      creatinineClearanceMlMin: 90,
      creatinineClearanceMethod: "MEASURED_URINE",
    });
    expect((r.value as { schedule: { day: number }[] }).schedule.map((d) => d.day)).toEqual([-6, -5, -4, -3]);
  });
});

describe("lymphodepletion explained, the other renal rules", () => {
  it("US FLUDARA label, CrCl 45 by Cockcroft–Gault: 30–49 → × 0.6 (15 of 25 mg/m²); no US-label note or default", () => {
    const r = flu25At45({ kind: "US_FLUDARA_LABEL" });
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 45 (Cockcroft–Gault, mL/min) → US FLUDARA label: CrCl 30–49 mL/min, reduce by 40 %.",
      "Fludarabine 25 mg/m²/day × 0.6 = 15 mg/m²/day × BSA 2 m² = 30 mg/day on days -5, -4, -3 (3 days, 90 mg total).",
    ]);
  });
  it.each([
    [29.99, "US FLUDARA label: CrCl < 30 mL/min, do not administer fludarabine"],
    [50, "US FLUDARA label: CrCl 50–79 mL/min, reduce by 20 %"],
    [80, "US FLUDARA label: CrCl ≥ 80 mL/min, full dose"],
  ])("US FLUDARA label at CrCl %d: %s", (crcl, rule) => {
    const r = run({
      bsaM2: 2,
      regimen: [FLU(25)],
      creatinineClearanceMlMin: crcl,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
      fludarabineRenalRule: { kind: "US_FLUDARA_LABEL" },
    });
    expect(r.reasons[0]).toContain(`→ ${rule}`);
  });
  it("EU SmPC with a 30 % reduction at CrCl 45: × 0.7, one day", () => {
    const r = flu25At45({ kind: "EU_SMPC", reductionPercent: 30 }, [-4]);
    expect(r.label).toBe("Fludarabine 35 mg/day × 1");
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 45 (Cockcroft–Gault, mL/min) → EU SmPC: CrCl 30–70 mL/min, reduce by 30 % (up to 50 % allowed).",
      "Fludarabine 25 mg/m²/day × 0.7 = 17.5 mg/m²/day × BSA 2 m² = 35 mg/day on day -4 (1 day, 35 mg total).",
    ]);
  });
  it.each([
    [29.99, "EU SmPC: CrCl < 30 mL/min, fludarabine contraindicated"],
    [70.01, "EU SmPC: CrCl > 70 mL/min, full dose"],
  ])("EU SmPC at CrCl %d: %s", (crcl, rule) => {
    const r = run({
      bsaM2: 2,
      regimen: [FLU(25)],
      creatinineClearanceMlMin: crcl,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
      fludarabineRenalRule: { kind: "EU_SMPC", reductionPercent: 50 },
    });
    expect(r.reasons[0]).toContain(`→ ${rule}`);
  });
  it("a protocol table, CrCl 45: the band from 30 with its factor, named by the protocol", () => {
    const r = flu25At45(PROTOCOL);
    expect(r.label).toBe("Fludarabine 37.5 mg/day × 3");
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 45 (Cockcroft–Gault, mL/min) → Protocol CART-SLE-01: CrCl ≥ 30 mL/min band, dose factor 0.75.",
      "Fludarabine 25 mg/m²/day × 0.75 = 18.75 mg/m²/day × BSA 2 m² = 37.5 mg/day on days -5, -4, -3 (3 days, 112.5 mg total).",
    ]);
  });
  it("a protocol table, CrCl 20: the band from 0 withholds", () => {
    const r = run({
      bsaM2: 2,
      regimen: [FLU(25)],
      creatinineClearanceMlMin: 20,
      creatinineClearanceMethod: "COCKCROFT_GAULT",
      fludarabineRenalRule: PROTOCOL,
    });
    expect(r.label).toBe("Fludarabine withheld");
    expect(r.reasons).toEqual([
      "Fludarabine: creatinine clearance 20 (Cockcroft–Gault, mL/min) → Protocol CART-SLE-01: CrCl ≥ 0 mL/min band, withhold fludarabine; a physician must decide on the regimen.",
      "Fludarabine withheld: 0 mg on days -5, -4, -3.",
    ]);
    expect(r.value).toMatchObject({
      fludarabineWithheld: true,
      schedule: [
        { day: -5, doses: [] },
        { day: -4, doses: [] },
        { day: -3, doses: [] },
      ],
    });
  });
});

describe("lymphodepletion explained, input checks in words at their fields (issue 11)", () => {
  const issues = (i: Record<string, unknown>) => issuesOf(() => run(i)).map((x) => [x.path, x.message]);
  it("fludarabine needs the creatinine clearance and how it was obtained", () => {
    expect(issues({ bsaM2: 2, regimen: [FLU(30)] })).toEqual([
      [
        "/creatinineClearanceMlMin",
        "The creatinine clearance (mL/min) is required when the regimen includes fludarabine (renal dose adjustment)",
      ],
      [
        "/creatinineClearanceMethod",
        "Say how the creatinine clearance was obtained (Cockcroft–Gault, measured urine collection, normalised eGFR or other) when the regimen includes fludarabine.",
      ],
    ]);
  });
  it("a drug twice, a dose above the plausible mg/m²/day, a day listed twice", () => {
    expect(issues({ bsaM2: 2, regimen: [CY(500), CY(3001, [-5, -4, -5])] })).toEqual([
      ["/regimen/1/drug", "Cyclophosphamide appears twice in the regimen; give one entry per drug"],
      [
        "/regimen/1/doseMgPerM2PerDay",
        "Cyclophosphamide 3001 mg/m²/day is above the plausible 3000 mg/m²/day; is it mg/m² per day?",
      ],
      ["/regimen/1/days/2", "Day -5 is listed twice for cyclophosphamide"],
    ]);
    expect(
      issues({
        bsaM2: 2,
        regimen: [FLU(50.5)],
        creatinineClearanceMlMin: 80,
        creatinineClearanceMethod: "COCKCROFT_GAULT",
      }),
    ).toEqual([
      [
        "/regimen/0/doseMgPerM2PerDay",
        "Fludarabine 50.5 mg/m²/day is above the plausible 50 mg/m²/day; is it mg/m² per day?",
      ],
    ]);
    expect(() =>
      run({ bsaM2: 2, regimen: [FLU(50)], creatinineClearanceMlMin: 80, creatinineClearanceMethod: "OTHER" }),
    ).not.toThrow();
  });
  it("days: before the infusion, within 14 days, 1 to 7 of them; BSA from 0.2 to 4 m²; at most one entry per drug", () => {
    expect(issues({ bsaM2: 0.19, regimen: [CY(500, [-15, 0])] })).toEqual([
      ["/bsaM2", "BSA below 0.2 m² is not plausible"],
      ["/regimen/0/days/0", "Lymphodepletion days are within 14 days before infusion"],
      [
        "/regimen/0/days/1",
        "Lymphodepletion is given before the infusion: days are negative (day 0 = CAR-T infusion)",
      ],
    ]);
    expect(issues({ bsaM2: 4.01, regimen: [CY(500, [])] })).toEqual([
      ["/bsaM2", "BSA above 4 m² is not plausible"],
      ["/regimen/0/days", "Give at least one lymphodepletion day"],
    ]);
    expect(issues({ bsaM2: 2, regimen: [CY(500, [-8, -7, -6, -5, -4, -3, -2, -1])] })).toEqual([
      ["/regimen/0/days", "At most 7 lymphodepletion days per drug"],
    ]);
    expect(issues({ bsaM2: 2, regimen: [] })).toEqual([
      ["/regimen", "Give at least one drug of the regimen"],
    ]);
    expect(issues({ bsaM2: 2, regimen: [CY(1), CY(2), FLU(3)] })).toEqual([
      ["/regimen", "Give one entry per drug: fludarabine and cyclophosphamide at most"],
    ]);
  });
  it("a protocol table must start at 0 mL/min and not repeat a band", () => {
    const flu = (bands: object[]) =>
      issues({
        bsaM2: 2,
        regimen: [FLU(25)],
        creatinineClearanceMlMin: 45,
        creatinineClearanceMethod: "OTHER",
        fludarabineRenalRule: { kind: "PROTOCOL", protocolName: "P", bands },
      });
    expect(flu([{ fromCrClMlMin: 30, doseFactor: 1 }])).toEqual([
      [
        "/fludarabineRenalRule/bands",
        "The protocol bands must start at 0 mL/min so that every clearance falls in a band",
      ],
    ]);
    expect(
      flu([
        { fromCrClMlMin: 0, doseFactor: 0 },
        { fromCrClMlMin: 30, doseFactor: 1 },
        { fromCrClMlMin: 30, doseFactor: 0.5 },
      ]),
    ).toEqual([["/fludarabineRenalRule/bands/2/fromCrClMlMin", "Two bands start at 30 mL/min"]]);
  });
  it("the EU SmPC's reduction is up to 50 %", () => {
    expect(
      issues({
        bsaM2: 2,
        regimen: [FLU(25)],
        creatinineClearanceMlMin: 45,
        creatinineClearanceMethod: "OTHER",
        fludarabineRenalRule: { kind: "EU_SMPC", reductionPercent: 60 },
      }),
    ).toEqual([["/fludarabineRenalRule/reductionPercent", "The EU SmPC allows a reduction of up to 50 %"]]);
  });
  it("every cross-field check has its own code (the field checks keep zod's own codes)", () => {
    const codes = issuesOf(() =>
      run({
        bsaM2: 2,
        regimen: [FLU(60, [-5, -5]), FLU(25)],
        fludarabineRenalRule: {
          kind: "PROTOCOL",
          protocolName: "P",
          bands: [
            { fromCrClMlMin: 30, doseFactor: 1 },
            { fromCrClMlMin: 30, doseFactor: 0.5 },
          ],
        },
      }),
    ).map((x) => [x.path, x.code]);
    expect(codes).toEqual([
      ["/regimen/0/doseMgPerM2PerDay", "ld_dose_implausible"],
      ["/regimen/0/days/1", "ld_day_twice"],
      ["/regimen/1/drug", "ld_drug_twice"],
      ["/creatinineClearanceMlMin", "ld_crcl_required"],
      ["/creatinineClearanceMethod", "ld_crcl_method_required"],
      ["/fludarabineRenalRule/bands", "ld_bands_from_zero"],
      ["/fludarabineRenalRule/bands/1/fromCrClMlMin", "ld_band_twice"],
    ]);
  });
});
