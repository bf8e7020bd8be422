/**
 * Prefilled assessment drafts per visit, on a real database with hand-made records: SLEDAI-2K
 * laboratory descriptors from observations in the scoring window (Gladman 2002), the DORIS/LLDAS
 * glucocorticoid dose from the medication record, Lugano left to the reader with the last PET-CT
 * noted; a completed draft stored as an assessment linked to its visit, and that visit kept when
 * a schedule change would otherwise remove it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordClinicalEvent } from "../../src/services/clinical-events.ts";
import { enrolPatient } from "../../src/services/enrolments.ts";
import { recordMedication } from "../../src/services/medications.ts";
import { recordObservations } from "../../src/services/observations.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createStudy } from "../../src/services/studies.ts";
import { listPatientVisits, type VisitDto } from "../../src/services/visits.ts";
import { buildWorld, type World } from "../support/world.ts";

// 2020-03-16 at site A (Asia/Shanghai): the M3 visit of a 2019-12-16 infusion is due today.
const clock = new Date("2020-03-16T10:00:00+08:00");
let w: World;
let studyId: string;
let patientId: string;
let m3: VisitDto;
const ids: Record<string, string> = {};

const at = (date: string) => `${date}T09:00:00+08:00`;

beforeAll(async () => {
  w = await buildWorld({ now: () => clock });
  const study = await createStudy(await w.as("investigator", "A"), {
    leadSiteId: w.sites.A,
    title: "Drafts study",
    shortName: "DRF",
    phase: "phase-1",
    status: "active",
    arms: ["AID", "LYM"].map((code) => ({ code, name: code, doseLevels: [] })),
  });
  studyId = study.id;
  const ctx = await w.as("coordinator", "A");
  const patient = await createPatient(ctx, {
    siteId: w.sites.A,
    birthYear: 1985,
    sex: "female",
    identity: { familyName: "X", givenName: "Y", sex: "female", birthDate: "1985-01-01" },
  });
  patientId = patient.id;
  await enrolPatient(ctx, {
    patientId,
    studyId,
    armCode: "AID",
    consentDate: "2019-11-01",
    consentVersion: "1.0",
    infusionDate: "2019-12-16",
    status: "follow-up",
  });
  const lab = (key: string, code: string, valueNumber: number, unit: string, date: string) => ({
    key,
    obs: { patientId, code, valueNumber, unit, effectiveAt: at(date) },
  });
  const labs = [
    lab("c3", "4485-9", 70, "mg/dL", "2020-03-10"), // low (< 90)
    lab("c4", "4498-2", 15, "mg/dL", "2020-03-10"),
    lab("dsdna", "5130-0", 45, "[IU]/mL", "2020-03-14"), // raised (> 10)
    lab("plt", "777-3", 150, "10*9/L", "2020-03-15"),
    lab("wbc", "6690-2", 2.5, "10*9/L", "2020-03-15"), // leukopenia (< 3)
    lab("oldPlt", "777-3", 50, "10*9/L", "2020-03-05"), // 11 days before: outside the 10-day window
  ];
  const written = await recordObservations(ctx, { observations: labs.map((l) => l.obs) });
  labs.forEach((l, i) => {
    ids[l.key] = written[i]!.id;
  });
  ids.pred = (
    await recordMedication(ctx, {
      patientId,
      drug: "prednisone",
      drugCode: "H02AB07",
      doseValue: 5,
      doseUnit: "mg",
      route: "oral",
      frequency: "once daily",
      startDate: "2020-01-01",
    })
  ).id;
  ids.hcq = (
    await recordMedication(ctx, {
      patientId,
      drug: "hydroxychloroquine",
      drugCode: "P01BA02",
      doseValue: 200,
      doseUnit: "mg",
      route: "oral",
      frequency: "twice daily",
      startDate: "2019-01-01",
    })
  ).id;
  const visits = (await listPatientVisits(ctx, patientId)).items;
  m3 = visits.find((v) => v.code === "M3")!;
}, 120_000);
afterAll(() => w.close());

type Draft = {
  calculator: string;
  input: Record<string, unknown>;
  prefilled: { field: string; value: unknown; sources: { id: string }[] }[];
  unfilled: { field: string; reason: string }[];
  notes: string[];
};
const draftsOf = async (visitId: string, query = "") => {
  const res = await w.call("investigator", "A", "GET", `/api/v1/visits/${visitId}/assessment-drafts${query}`);
  expect(res.statusCode).toBe(200);
  return res.json() as { assessmentDate: string; drafts: Draft[] };
};
const field = (d: Draft, f: string) => d.prefilled.find((p) => p.field === f);

describe("drafts", () => {
  it("prefills the SLEDAI-2K laboratory descriptors with their source records", async () => {
    const body = await draftsOf(m3.id);
    expect(body.assessmentDate).toBe("2020-03-16");
    expect(body.drafts.map((d) => d.calculator)).toEqual(m3.expected.assessments);
    const sledai = body.drafts.find((d) => d.calculator === "sledai-2k")!;
    expect(sledai.input).toEqual({
      lowComplement: true,
      increasedDnaBinding: true,
      thrombocytopenia: false,
      leukopenia: true,
      windowDays: 10,
    });
    expect(field(sledai, "/lowComplement")!.sources.map((s) => s.id)).toEqual([ids.c3]);
    expect(field(sledai, "/increasedDnaBinding")!.sources.map((s) => s.id)).toEqual([ids.dsdna]);
    // The platelet count 11 days before is outside the window: only the normal one is read.
    expect(field(sledai, "/thrombocytopenia")!.sources.map((s) => s.id)).toEqual([ids.plt]);
    expect(sledai.unfilled.find((u) => u.field === "/proteinuria")!.reason).toMatch(
      /No 24-hour urine protein/,
    );
    expect(sledai.unfilled.map((u) => u.field)).toContain("/arthritis");
  });

  it("a 30-day window reaches the older platelet count", async () => {
    const sledai = (await draftsOf(m3.id, "?windowDays=30")).drafts.find(
      (d) => d.calculator === "sledai-2k",
    )!;
    expect(sledai.input.thrombocytopenia).toBe(true);
    expect(field(sledai, "/thrombocytopenia")!.sources.map((s) => s.id)).toEqual([ids.oldPlt]);
  });

  it("prefills the glucocorticoid dose for DORIS and LLDAS and leaves the antimalarial's stability to the clinician", async () => {
    const body = await draftsOf(m3.id);
    const doris = body.drafts.find((d) => d.calculator === "doris")!;
    expect(doris.input).toMatchObject({
      prednisoloneEquivalentMgPerDay: 5,
      immunosuppressive: "NONE",
      biologic: "NONE",
      sledai2k: { lowComplement: true },
    });
    expect(field(doris, "/prednisoloneEquivalentMgPerDay")!.sources.map((s) => s.id)).toEqual([ids.pred]);
    expect(doris.unfilled.find((u) => u.field === "/antimalarial")!.reason).toContain(ids.hcq!);
    expect(doris.unfilled.map((u) => u.field)).toContain("/pga");
    const lldas = body.drafts.find((d) => d.calculator === "lldas")!;
    expect(lldas.input).toMatchObject({
      prednisoloneEquivalentMgPerDay: 5,
      immunosuppressiveTherapy: "NONE",
    });
  });

  it("leaves Lugano to the reader with the last PET-CT on or before the visit day noted", async () => {
    const ctx = await w.as("coordinator", "A");
    const lym = await createPatient(ctx, {
      siteId: w.sites.A,
      birthYear: 1970,
      sex: "male",
      identity: { familyName: "L", givenName: "M", sex: "male", birthDate: "1970-01-01" },
    });
    await enrolPatient(ctx, {
      patientId: lym.id,
      studyId,
      armCode: "LYM",
      consentDate: "2019-11-01",
      consentVersion: "1.0",
      infusionDate: "2019-12-16",
      status: "follow-up",
    });
    const pet = async (date: string, title: string) =>
      (
        await recordClinicalEvent(ctx, {
          patientId: lym.id,
          occurredAt: at(date),
          category: "imaging",
          title,
        })
      ).id;
    await pet("2019-11-20", "Baseline PET-CT: Deauville 5");
    const day28 = await pet("2020-01-13", "PET-CT day 28: complete metabolic response");
    await pet("2020-03-01", "Chest CT"); // not a PET
    const m3Lym = (await listPatientVisits(ctx, lym.id)).items.find((v) => v.code === "M3")!;
    const lugano = (await draftsOf(m3Lym.id)).drafts.find((d) => d.calculator === "lugano-pet")!;
    expect(lugano.input).toEqual({});
    expect(lugano.notes).toEqual([
      `Last PET-CT on 2020-01-13: "PET-CT day 28: complete metabolic response" (clinical event ${day28}).`,
    ]);
    expect(lugano.unfilled.map((u) => u.field)).toContain("/timepoint");
  });

  it("refuses bad query values, roles without clinical:read and other sites", async () => {
    const bad = await w.call(
      "investigator",
      "A",
      "GET",
      `/api/v1/visits/${m3.id}/assessment-drafts?windowDays=31&c3LowerMgDl=-1`,
    );
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { pointer: string }) => e.pointer)
        .sort(),
    ).toEqual(["/c3LowerMgDl", "/windowDays"]);
    expect(
      (await w.call("manufacturing", "A", "GET", `/api/v1/visits/${m3.id}/assessment-drafts`)).statusCode,
    ).toBe(403);
    expect(
      (await w.call("investigator", "B", "GET", `/api/v1/visits/${m3.id}/assessment-drafts`)).statusCode,
    ).toBe(404);
  });
});

describe("storing a completed draft on its visit", () => {
  it("stores it with the visit id, refuses a visit of another patient, and keeps the visit on regeneration", async () => {
    const sledai = (await draftsOf(m3.id)).drafts.find((d) => d.calculator === "sledai-2k")!;
    const inputs: Record<string, unknown> = { ...sledai.input };
    for (const u of sledai.unfilled) inputs[u.field.slice(1)] = false;
    const res = await w.call("investigator", "A", "POST", `/api/v1/patients/${patientId}/assessments`, {
      calculator: "sledai-2k",
      inputs,
      assessedAt: "2020-03-16T10:00:00+08:00",
      visitId: m3.id,
    });
    expect(res.statusCode).toBe(201);
    // low complement 2 + DNA binding 2 + leukopenia 1 (Gladman 2002 weights)
    expect(res.json()).toMatchObject({ visitId: m3.id, result: { value: 5 } });

    const other = await createPatient(await w.as("coordinator", "A"), {
      siteId: w.sites.A,
      birthYear: 1990,
      sex: "male",
      identity: { familyName: "O", givenName: "P", sex: "male", birthDate: "1990-01-01" },
    });
    const wrong = await w.call("investigator", "A", "POST", `/api/v1/patients/${other.id}/assessments`, {
      calculator: "sledai-2k",
      inputs,
      assessedAt: "2020-03-16T10:00:00+08:00",
      visitId: m3.id,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/visitId"]);

    // A schedule without M3 would remove the open visit, but an assessment points at it.
    const set = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      armCode: "AID",
      schedule: {
        name: "AID without M3",
        visits: [
          {
            code: "D28",
            label: "Day 28",
            offset: { unit: "day", value: 28 },
            window: { minusDays: 3, plusDays: 3 },
          },
        ],
      },
      reason: "amendment drops month 3",
    });
    expect(set.statusCode).toBe(200);
    const summary = set.json().regenerated[0];
    expect(summary.keptRecorded).toContain("M3");
    expect(summary.removed).not.toContain("M3");
    const codes = (await listPatientVisits(await w.as("coordinator", "A"), patientId)).items.map(
      (v) => v.code,
    );
    expect(codes).toEqual(["D28", "M3"]);
  });
});
