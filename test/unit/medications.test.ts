/**
 * The medication rules every reader shares (domain/medications.ts): classes by name and ATC code,
 * systemic routes by whole word (EDQM Standard Terms: "Subcutaneous use" is systemic, "Cutaneous
 * use" is local), doses per day from written frequencies, the daily dose in mg and prednisolone
 * equivalents (BNF equivalent anti-inflammatory doses), and a record active on its stop date.
 */
import { describe, expect, it } from "vitest";
import { medicationFreeEndpoints } from "../../src/domain/endpoints/medication-free.ts";
import {
  activeOn,
  dailyDoseMg,
  dosesPerDay,
  isLupusTherapy,
  isSystemicRoute,
  lupusDrugClass,
  prednisoloneEquivalentMgPerDay,
} from "../../src/domain/medications.ts";

const pred = (extra: Record<string, unknown> = {}) => ({
  drug: "prednisone",
  atcCode: null,
  route: "oral",
  doseValue: 5,
  doseUnit: "mg",
  frequency: "once daily",
  startDate: "2020-01-01",
  stopDate: null,
  ...extra,
});

describe("routes", () => {
  it("subcutaneous, intravenous, oral and a missing route are systemic; cutaneous, topical, inhaled, nasal, eye and ear are not", () => {
    for (const r of ["subcutaneous", "Subcutaneous use", "intravenous", "oral", "intramuscular", null])
      expect(isSystemicRoute(r), String(r)).toBe(true);
    for (const r of [
      "cutaneous",
      "Cutaneous use",
      "topical",
      "inhalation",
      "inhaled",
      "nasal",
      "intranasal",
      "ophthalmic",
      "eye drops",
      "otic",
      "ear",
    ])
      expect(isSystemicRoute(r), r).toBe(false);
  });

  it("the same subcutaneous steroid counts for the prefill's dose and for the steroid-free endpoint", () => {
    const sc = pred({ route: "subcutaneous", drug: "methylprednisolone", doseValue: 4 });
    expect(lupusDrugClass(sc)).toBe("glucocorticoid");
    expect(prednisoloneEquivalentMgPerDay(sc)).toBe(5);
    const [steroidFree] = medicationFreeEndpoints([{ ...sc, id: "m1", indication: null }], "2019-09-16");
    expect(steroidFree).toMatchObject({ key: "steroid-free", status: "not-met" });
  });
});

describe("doses per day", () => {
  it.each([
    ["once daily", 1],
    ["QD", 1],
    ["bid", 2],
    ["b.i.d.", 2],
    ["q12h", 2],
    ["tid", 3],
    ["q8h", 3],
    ["every 8 hours", 3],
    ["qid", 4],
    ["q6h", 4],
    ["every other day", 0.5],
    ["alternate days", 0.5],
    ["qod", 0.5],
  ])("%s → %d", (frequency, n) => expect(dosesPerDay(frequency)).toBe(n));

  it("leaves what it cannot read unread rather than guessing once a day", () => {
    for (const f of ["as needed", "prn", "", null, "taper"]) expect(dosesPerDay(f)).toBeNull();
  });

  it("gives the daily dose in mg across units, or null", () => {
    expect(dailyDoseMg({ doseValue: 2.5, doseUnit: "mg", frequency: "twice daily" })).toBe(5);
    expect(dailyDoseMg({ doseValue: 1, doseUnit: "g", frequency: "once daily" })).toBe(1000);
    expect(dailyDoseMg({ doseValue: 750, doseUnit: "ug", frequency: "once daily" })).toBe(0.75);
    expect(dailyDoseMg({ doseValue: 5, doseUnit: "tablet", frequency: "once daily" })).toBeNull();
    expect(dailyDoseMg({ doseValue: null, doseUnit: "mg", frequency: "once daily" })).toBeNull();
  });
});

describe("prednisolone equivalents (BNF)", () => {
  it.each([
    ["prednisolone", 5, 5],
    ["prednisone", 5, 5],
    ["methylprednisolone", 4, 5],
    ["dexamethasone", 0.75, 5],
    ["betamethasone", 0.75, 5],
    ["hydrocortisone", 20, 5],
    ["cortisone acetate", 25, 5],
    ["triamcinolone", 4, 5],
    ["deflazacort", 6, 5],
  ])("%s %d mg ≡ prednisolone %d mg", (drug, mg, equivalent) =>
    expect(prednisoloneEquivalentMgPerDay(pred({ drug, doseValue: mg }))).toBeCloseTo(equivalent, 10),
  );

  it("by ATC code first: Medrol coded H02AB04 is methylprednisolone", () => {
    expect(prednisoloneEquivalentMgPerDay(pred({ drug: "Medrol", atcCode: "H02AB04", doseValue: 8 }))).toBe(
      10,
    );
  });

  it("is null for a mineralocorticoid, a local route, or a dose it cannot read", () => {
    expect(prednisoloneEquivalentMgPerDay(pred({ drug: "fludrocortisone", atcCode: "H02AA02" }))).toBeNull();
    expect(prednisoloneEquivalentMgPerDay(pred({ route: "topical" }))).toBeNull();
    expect(prednisoloneEquivalentMgPerDay(pred({ frequency: "as needed" }))).toBeNull();
  });
});

describe("classes and dates", () => {
  it("names and ATC codes of the four DORIS classes; lymphodepletion is not lupus therapy", () => {
    expect(lupusDrugClass(pred({ drug: "Plaquenil", atcCode: "P01BA02" }))).toBe("antimalarial");
    expect(lupusDrugClass(pred({ drug: "voclosporin" }))).toBe("immunosuppressive");
    expect(lupusDrugClass(pred({ drug: "Arava", atcCode: "L04AA13" }))).toBe("immunosuppressive");
    expect(lupusDrugClass(pred({ drug: "telitacicept" }))).toBe("biologic");
    expect(lupusDrugClass(pred({ drug: "acyclovir" }))).toBeNull();
    const cy = pred({ drug: "cyclophosphamide", indication: "lymphodepletion before CAR-T" });
    expect(lupusDrugClass(cy)).toBe("immunosuppressive");
    expect(isLupusTherapy(cy)).toBe(false);
    expect(isLupusTherapy({ ...cy, indication: "lupus nephritis" })).toBe(true);
  });

  it("a record is active from its start date through its stop date, the last day taken", () => {
    const m = { startDate: "2020-01-01", stopDate: "2020-01-31" };
    expect([
      activeOn(m, "2019-12-31"),
      activeOn(m, "2020-01-01"),
      activeOn(m, "2020-01-31"),
      activeOn(m, "2020-02-01"),
    ]).toEqual([false, true, true, false]);
    expect(activeOn({ startDate: "2020-01-01", stopDate: null }, "2030-01-01")).toBe(true);
  });
});
