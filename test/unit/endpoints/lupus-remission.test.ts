/** DORIS, LLDAS and drug-free remission from stored results, with "sustained" and the med record. */
import { describe, expect, it } from "vitest";
import { SLEDAI_2K_KEYS } from "../../../src/domain/calculators/lupus/sledai.ts";
import { addDays } from "../../../src/domain/calendar.ts";
import {
  type RemissionAssessment,
  remissionEndpoints,
} from "../../../src/domain/endpoints/lupus-remission.ts";
import type { MedicationRecord } from "../../../src/domain/endpoints/medication-free.ts";

const DAY0 = "2019-09-16";
const doris = (day: number, remission: boolean, drugFree: boolean): RemissionAssessment => ({
  id: `d${day}`,
  date: addDays(DAY0, day),
  calculator: "doris",
  value: { remission, drugFree },
});
const lldas = (day: number, met: boolean): RemissionAssessment => ({
  id: `l${day}`,
  date: addDays(DAY0, day),
  calculator: "lldas",
  value: met ? "LLDAS" : "NOT_LLDAS",
});
/** An LLDAS assessment with the inputs it was stored with (lldas calculator). */
const NO_ITEMS = Object.fromEntries(SLEDAI_2K_KEYS.map((k) => [k, false]));
const lldasWith = (
  day: number,
  f: { items?: Record<string, boolean>; pga: number; pred: number; therapy?: string },
): RemissionAssessment => ({
  id: `li${day}`,
  date: addDays(DAY0, day),
  calculator: "lldas",
  value: "LLDAS",
  inputs: {
    sledai2k: { ...NO_ITEMS, ...f.items },
    hemolyticAnemia: false,
    gastrointestinalActivity: false,
    newActivitySincePreviousAssessment: false,
    pga: f.pga,
    prednisoloneEquivalentMgPerDay: f.pred,
    immunosuppressiveTherapy: f.therapy ?? "NONE",
    investigationalDrugCurrent: false,
  },
});
const run = (a: RemissionAssessment[], meds: MedicationRecord[] = []) =>
  Object.fromEntries(remissionEndpoints(a, meds, DAY0).map((e) => [e.key, e]));

describe("lupus remission endpoints", () => {
  it("first DORIS remission and whether it lasted", () => {
    const kept = run([
      doris(-20, false, false),
      doris(91, false, false),
      doris(182, true, true),
      doris(274, true, true),
    ]);
    expect(kept["doris-remission"]).toMatchObject({
      status: "met",
      studyDay: 182,
      details: { sustained: true, lostOn: null },
    });
    const lost = run([doris(182, true, false), doris(274, false, false)]);
    expect(lost["doris-remission"]!.details).toMatchObject({ sustained: false, lostOn: addDays(DAY0, 274) });
    const single = run([doris(274, true, true)]);
    expect(single["doris-remission"]!.details).toMatchObject({ sustained: null });
  });

  it("DORIS is also judged from the criteria an LLDAS assessment records", () => {
    // SZ-0001's month 6: clinical SLEDAI-2K 0, PGA 0.2, no prednisolone → DORIS, three months
    // before the first DORIS assessment.
    const e = run([
      lldasWith(91, { items: { increasedDnaBinding: true }, pga: 0.5, pred: 0 }),
      lldasWith(182, { pga: 0.2, pred: 0 }),
      doris(274, true, true),
    ]);
    expect(e["doris-remission"]).toMatchObject({
      status: "met",
      studyDay: 182,
      details: { sustained: true },
    });
    // …but drug-free remission still needs a DORIS assessment that found no drug.
    expect(e["drug-free-remission"]).toMatchObject({ status: "met", studyDay: 274 });
    // Serology is not clinical activity (clinical SLEDAI-2K ignores it); a PGA of 0.5 is too high (DORIS: < 0.5).
    expect(
      run([lldasWith(91, { items: { lowComplement: true, increasedDnaBinding: true }, pga: 0.4, pred: 5 })])[
        "doris-remission"
      ],
    ).toMatchObject({ studyDay: 91 });
    expect(run([lldasWith(91, { pga: 0.5, pred: 0 })])["doris-remission"]).toMatchObject({
      status: "not-met",
    });
    // Prednisolone 7.5 mg is LLDAS but not DORIS (≤ 5 mg/day); arthritis is clinical activity.
    expect(run([lldasWith(91, { pga: 0.2, pred: 7.5 })])["doris-remission"]).toMatchObject({
      status: "not-met",
    });
    expect(
      run([lldasWith(91, { items: { arthritis: true }, pga: 0.2, pred: 0 })])["doris-remission"],
    ).toMatchObject({ status: "not-met" });
    // Immunosuppressives not at a standard maintenance dose are not "stable".
    expect(
      run([lldasWith(91, { pga: 0.2, pred: 0, therapy: "NOT_STANDARD_OR_NOT_TOLERATED" })])[
        "doris-remission"
      ],
    ).toMatchObject({ status: "not-met" });
    // A DORIS assessment of the same day decides that day, not the LLDAS one.
    expect(
      run([lldasWith(91, { pga: 0.2, pred: 0 }), doris(91, false, false)])["doris-remission"],
    ).toMatchObject({ status: "not-met" });
    // A later LLDAS visit with clinical activity ends it.
    const lost = run([
      lldasWith(91, { pga: 0.2, pred: 0 }),
      lldasWith(182, { items: { rash: true }, pga: 0.3, pred: 0 }),
    ]);
    expect(lost["doris-remission"]!.details).toMatchObject({ sustained: false, lostOn: addDays(DAY0, 182) });
  });

  it("LLDAS: first met; not met at all; not evaluable without assessments", () => {
    expect(run([lldas(30, false), lldas(91, true)]).lldas).toMatchObject({ status: "met", studyDay: 91 });
    expect(run([lldas(30, false)]).lldas).toMatchObject({ status: "not-met", value: false });
    expect(run([doris(30, true, true)]).lldas).toMatchObject({ status: "not-evaluable" });
  });

  it("drug-free remission needs the assessment and the medication record to agree", () => {
    const hcq: MedicationRecord = {
      id: "m1",
      drug: "hydroxychloroquine",
      atcCode: null,
      route: "oral",
      indication: null,
      startDate: "2019-01-01",
      stopDate: addDays(DAY0, 200),
    };
    const e = run([doris(182, true, true), doris(274, true, true)], [hcq]);
    expect(e["drug-free-remission"]).toMatchObject({ status: "met", studyDay: 274 });
    expect(e["drug-free-remission"]!.reasons[0]).toMatch(/medication record shows hydroxychloroquine/);
    // a remission on drugs is remission, not drug-free remission
    expect(run([doris(182, true, false)])["drug-free-remission"]!.status).toBe("not-met");
  });
});
