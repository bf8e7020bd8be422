/** DORIS, LLDAS and drug-free remission from stored results, with "sustained" and the med record. */
import { describe, expect, it } from "vitest";
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
