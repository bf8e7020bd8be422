/**
 * A study's own visit schedule: validated with every problem's JSON Pointer, study:write at the lead
 * site only, versioned and audited with a reason; visits generated on infusion follow the arm's
 * schedule, else the study's, else the §4.4 default; setting one regenerates open visits of infused
 * enrolments and never moves recorded ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrolPatient } from "../../src/services/enrolments.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createCarProduct, createStudy } from "../../src/services/studies.ts";
import { getStudySchedules } from "../../src/services/study-schedules.ts";
import { listPatientVisits, recordVisit } from "../../src/services/visits.ts";
import { bothSitesInvestigator } from "../support/study-sites.ts";
import { buildWorld, type World } from "../support/world.ts";

const clock = new Date("2019-10-15T10:00:00+08:00");
let w: World;
let studyId: string;

const visit = (code: string, days: number, extra: Record<string, unknown> = {}) => ({
  code,
  label: `Day ${days}`,
  offset: { unit: "day", value: days },
  window: { minusDays: 1, plusDays: 1 },
  ...extra,
});

/** A short protocol: days 7, 14 and 28 with narrow windows. */
const SHORT = { name: "Short protocol v1", visits: [visit("V7", 7), visit("V14", 14), visit("V28", 28)] };

beforeAll(async () => {
  w = await buildWorld({ now: () => clock });
  const study = await createStudy(bothSitesInvestigator(w), {
    leadSiteId: w.sites.A,
    siteIds: [w.sites.B],
    title: "Schedule study",
    shortName: "SCH",
    phase: "phase-1",
    status: "active",
    arms: ["LYM", "AID"].map((code) => ({ code, name: `Arm ${code}`, doseLevels: [] })),
  });
  studyId = study.id;
  await createCarProduct(await w.as("investigator", "A"), {
    studyId,
    code: "CAR-L",
    name: "Lentiviral CAR",
    targets: ["CD19"],
    format: "single",
    costimulatoryDomain: "4-1BB",
    vector: "lentiviral",
    doseUnit: "car-cells-per-kg",
  });
}, 120_000);
afterAll(() => w.close());

async function enrolled(armCode: string, infusionDate?: string) {
  const ctx = await w.as("coordinator", "A");
  const patient = await createPatient(ctx, {
    siteId: w.sites.A,
    birthYear: 1980,
    sex: "female",
    identity: { familyName: "Name", givenName: "Given", sex: "female", birthDate: "1980-01-01" },
  });
  const enrolment = await enrolPatient(ctx, {
    patientId: patient.id,
    studyId,
    armCode,
    consentDate: "2019-08-01",
    consentVersion: "1.0",
    ...(infusionDate ? { infusionDate, status: "follow-up" } : {}),
  });
  return { patient, enrolment, ctx };
}

const pointers = (res: { json(): unknown }) =>
  ((res.json() as { errors?: { pointer: string }[] }).errors ?? []).map((e) => e.pointer);

const codes = async (patientId: string) =>
  (await listPatientVisits(await w.as("coordinator", "A"), patientId)).items.map((v) => v.code);

describe("validation and access", () => {
  it("reports every problem of a bad schedule with its JSON Pointer and writes nothing", async () => {
    const res = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      schedule: {
        name: "Broken",
        visits: [
          visit("V14", 14, { assessments: ["no-such-calculator"] }),
          visit("V7", 7),
          visit("v14", 21, { labs: ["5130-2"] }),
        ],
      },
      reason: "protocol v1",
    });
    expect(res.statusCode).toBe(400);
    const paths = pointers(res);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/schedule/visits/0/assessments/0",
        "/schedule/visits/1/offset", // day 7 after day 14
        "/schedule/visits/2/code", // V14 again, case-insensitive
        "/schedule/visits/2/labs/0", // wrong LOINC check digit (notes §5.4)
      ]),
    );
    const view = await getStudySchedules(await w.as("investigator", "A"), studyId);
    expect(view.stored).toEqual([]);
  });

  it("refuses an arm the study does not have, a missing reason, and roles without study:write", async () => {
    const bad = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      armCode: "MM",
      schedule: SHORT,
      reason: "protocol v1",
    });
    expect(bad.statusCode).toBe(400);
    expect(pointers(bad)).toEqual(["/armCode"]);
    const noReason = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      schedule: SHORT,
    });
    expect(noReason.statusCode).toBe(400);
    expect(pointers(noReason)).toContain("/reason");
    for (const [role, site] of [
      ["coordinator", "A"],
      ["investigator", "B"], // participating site, not the lead site
    ] as const) {
      const res = await w.call(role, site, "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
        schedule: SHORT,
        reason: "protocol v1",
      });
      expect(res.statusCode).toBe(403);
    }
    const monitor = await w.call("monitor", "B", "GET", `/api/v1/studies/${studyId}/visit-schedule`);
    expect(monitor.statusCode).toBe(200);
    expect(monitor.json().arms).toEqual([
      { armCode: "LYM", source: "default", scheduleName: expect.stringContaining("lymphoma") },
      { armCode: "AID", source: "default", scheduleName: expect.stringContaining("sle") },
    ]);
  });
});

describe("generation and regeneration", () => {
  it("uses the default until the study sets one, then regenerates open visits and keeps recorded ones", async () => {
    const { patient, ctx } = await enrolled("LYM", "2019-09-16");
    expect(await codes(patient.id)).toHaveLength(32);
    const visits = (await listPatientVisits(ctx, patient.id)).items;
    const d1 = visits.find((v) => v.code === "D1")!;
    const d14 = visits.find((v) => v.code === "D14")!;
    await recordVisit(ctx, d1.id, { doneOn: "2019-09-17", version: d1.version, reason: "seen" });

    const res = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      schedule: {
        ...SHORT,
        visits: [
          ...SHORT.visits.slice(0, 1),
          visit("D14", 14, { window: { minusDays: 2, plusDays: 2 } }),
          SHORT.visits[2],
        ],
      },
      reason: "protocol v1 approved",
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    const body = res.json();
    expect(body.schedule).toMatchObject({ armCode: null, name: "Short protocol v1", version: 1 });
    const summary = body.regenerated.find((r: { enrolmentId: string }) => r.enrolmentId === d1.enrolmentId);
    expect(summary.created.sort()).toEqual(["V28", "V7"]);
    expect(summary.moved).toEqual(["D14"]);
    expect(summary.keptRecorded).toEqual(["D1"]);
    expect(summary.removed).toContain("D2");
    // The lentiviral product needs yearly LTFU to year 15; this schedule has none.
    expect(body.warnings[0]).toMatch(/integrating vector.*year 1, 2, 3/);

    const after = (await listPatientVisits(ctx, patient.id)).items;
    expect(after.map((v) => v.code)).toEqual(["D1", "V7", "D14", "V28"]);
    expect(after.find((v) => v.code === "D1")).toMatchObject({
      doneOn: "2019-09-17",
      schedule: expect.stringContaining("Default"),
    });
    const movedD14 = after.find((v) => v.code === "D14")!;
    expect(movedD14).toMatchObject({
      windowStart: "2019-09-28",
      windowEnd: "2019-10-02",
      schedule: "Short protocol v1",
    });
    expect(movedD14.version).toBe(d14.version + 1);

    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "study-visit-schedule")
      .where("entity_id", "=", body.schedule.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "create", reason: "protocol v1 approved", site_id: w.sites.A });
  });

  it("generates from the study's schedule on infusion, and an arm's own schedule wins for that arm", async () => {
    const { patient: lym } = await enrolled("LYM", "2019-10-01");
    expect(await codes(lym.id)).toEqual(["V7", "D14", "V28"]);

    const aidSchedule = { name: "AID arm v1", visits: [visit("W4", 28), visit("W12", 84)] };
    const res = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      armCode: "AID",
      schedule: aidSchedule,
      reason: "AID arm amendment",
    });
    expect(res.statusCode).toBe(200);
    const { patient: aid } = await enrolled("AID", "2019-10-01");
    expect(await codes(aid.id)).toEqual(["W4", "W12"]);
    // The LYM enrolment is untouched by the AID arm's schedule.
    expect(await codes(lym.id)).toEqual(["V7", "D14", "V28"]);

    const view = await w.call(
      "coordinator",
      "A",
      "GET",
      `/api/v1/studies/${studyId}/visit-schedule?armCode=AID`,
    );
    expect(view.json().arms).toEqual([
      { armCode: "LYM", source: "study", scheduleName: "Short protocol v1" },
      { armCode: "AID", source: "arm", scheduleName: "AID arm v1" },
    ]);
    expect(view.json().effective).toMatchObject({
      armCode: "AID",
      source: "arm",
      schedule: { name: "AID arm v1" },
    });
  });

  it("replaces only with the current version, and a study-wide change leaves arms with their own alone", async () => {
    const { patient: aid } = await enrolled("AID", "2019-10-02");
    const stale = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      schedule: { ...SHORT, name: "Short protocol v2" },
      version: 7,
      reason: "amendment 2",
    });
    expect(stale.statusCode).toBe(409);
    const missing = await w.call("investigator", "A", "PUT", `/api/v1/studies/${studyId}/visit-schedule`, {
      schedule: { ...SHORT, name: "Short protocol v2" },
      reason: "amendment 2",
    });
    expect(missing.statusCode).toBe(428);
    const ok = await w.call(
      "investigator",
      "A",
      "PUT",
      `/api/v1/studies/${studyId}/visit-schedule`,
      { schedule: { ...SHORT, name: "Short protocol v2" }, reason: "amendment 2" },
      { "if-match": '"1"' },
    );
    expect(ok.statusCode).toBe(200);
    expect(ok.json().schedule.version).toBe(2);
    expect(ok.json().regenerated.every((r: { schedule: string }) => r.schedule === "Short protocol v2")).toBe(
      true,
    );
    expect(await codes(aid.id)).toEqual(["W4", "W12"]);
  });
});
