/**
 * GET /api/v1/patients/{id}/course: the chart series the patient page draws, read by the server
 * from the record (study days in the site's zone, prednisolone equivalents per BNF, CAR-T copies
 * notes), with the same site and role rules as the rest of the clinical record.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
let notInfused: string;
const NOW = Date.parse("2019-10-01T04:00:00Z"); // 12:00 in Shanghai, day 15

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(NOW) });
  const as = (method: string, url: string, body?: unknown) => w.call("investigator", "A", method, url, body);
  const patient = async () =>
    (await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1980, sex: "female" })).json().id;
  patientId = await patient();
  notInfused = await patient();
  const study = (
    await as("POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "S",
      shortName: "S",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "X", name: "X" }],
    })
  ).json();
  for (const [id, infusionDate] of [
    [patientId, "2019-09-16"],
    [notInfused, undefined],
  ] as const)
    await as("POST", "/api/v1/enrolments", {
      patientId: id,
      studyId: study.id,
      armCode: "X",
      consentDate: "2019-08-20",
      consentVersion: "1",
      ...(infusionDate ? { infusionDate } : {}),
    });
  const obs = (code: string, valueNumber: number, unit: string, effectiveAt: string) => ({
    patientId,
    code,
    valueNumber,
    unit,
    effectiveAt,
  });
  const res = await as("POST", "/api/v1/observations", {
    observations: [
      obs("8116-6", 150, "/uL", "2019-09-15T23:30:00+08:00"), // day −1
      obs("8116-6", 0, "/uL", "2019-09-23T00:10:00+08:00"), // day 7
      obs("5130-0", 210, "[IU]/mL", "2019-09-23T00:10:00+08:00"),
      obs("777-3", 45, "10*9/L", "2019-09-18T08:00:00+08:00"), // day 2, stored as 45 10*3/uL
      obs("8310-5", 38.9, "Cel", "2019-09-18T08:00:00+08:00"), // not charted
    ],
  });
  expect(res.statusCode, res.body).toBe(201);
  const med = (body: Record<string, unknown>) => as("POST", "/api/v1/medications", { patientId, ...body });
  // prednisolone 10 mg twice daily: 20 mg/day, days −2 … 1
  await med({
    drug: "prednisolone",
    doseValue: 10,
    doseUnit: "mg",
    route: "oral",
    frequency: "twice daily",
    startDate: "2019-09-14",
    stopDate: "2019-09-17",
  });
  // methylprednisolone 40 mg IV once daily ≡ 50 mg prednisolone (BNF: 4 mg ≡ 5 mg), day 3 only
  await med({
    drug: "methylprednisolone",
    doseValue: 40,
    doseUnit: "mg",
    route: "intravenous",
    frequency: "once daily",
    startDate: "2019-09-19",
    stopDate: "2019-09-19",
  });
  // a topical steroid is not systemic and does not count
  await med({
    drug: "hydrocortisone",
    doseValue: 10,
    doseUnit: "mg",
    route: "topical",
    frequency: "once daily",
    startDate: "2019-09-16",
    stopDate: null,
  });
  const note = (title: string, occurredAt: string) =>
    as("POST", "/api/v1/clinical-events", { patientId, category: "note", title, occurredAt });
  await note("CAR-T copies day 10: 124,000 copies/µg gDNA (qPCR)", "2019-09-26T09:00:00+08:00");
  await note("CAR-T copies day 7: 5,000 copies/µg gDNA (qPCR)", "2019-09-23T09:00:00+08:00");
  await note("Patient walked to the ward", "2019-09-24T09:00:00+08:00");
});
afterAll(() => w.close());

const course = (role: "investigator" | "monitor" | "quality", site: "A" | "B", id = patientId) =>
  w.call(role, site, "GET", `/api/v1/patients/${id}/course`);

describe("the course around the infusion", () => {
  it("gives the series on the study-day axis of the site, read by the server", async () => {
    const res = await course("investigator", "A");
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      timeZone: "Asia/Shanghai",
      infusionDate: "2019-09-16",
      today: "2019-10-01",
      todayStudyDay: 15,
    });
    const c = body.course;
    expect(c.window).toEqual({ from: -4, to: 33 });
    expect(c.charts.cd19).toEqual([
      { day: -1, cd19: 150 },
      { day: 7, cd19: 0 },
    ]);
    expect(c.charts.antiDsDna).toEqual([{ day: 7, antiDsDna: 210 }]);
    expect(c.charts.counts).toEqual([{ day: 2, platelets: 45 }]);
    expect(c.charts.copies).toEqual([
      { day: 7, copies: 5000 },
      { day: 10, copies: 124000 },
    ]);
    const mg = Object.fromEntries(
      c.charts.glucocorticoidMgPerDay.map((p: { day: number; mg: number }) => [p.day, p.mg]),
    );
    expect([mg[-3], mg[-2], mg[1], mg[2], mg[3], mg[4]]).toEqual([0, 20, 20, 0, 50, 0]);
  });

  it("has no course to draw before an infusion date", async () => {
    const res = await course("investigator", "A", notInfused);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      infusionDate: null,
      todayStudyDay: null,
      course: null,
      today: "2019-10-01",
    });
  });

  it("is read by the roles that read the clinical record, at the patient's site only", async () => {
    expect((await course("monitor", "A")).statusCode).toBe(200);
    expect((await course("quality", "A")).statusCode).toBe(403);
    expect((await course("investigator", "B")).statusCode).toBe(404);
  });
});
