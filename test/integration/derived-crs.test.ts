/** Daily worst CRS derived over HTTP from recorded temperatures, oxygen flow and medications. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;

beforeAll(async () => {
  w = await buildWorld();
  const as = (method: string, url: string, body?: unknown) => w.call("investigator", "A", method, url, body);
  patientId = (
    await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1976, sex: "female" })
  ).json().id;
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
  await as("POST", "/api/v1/enrolments", {
    patientId,
    studyId: study.id,
    armCode: "X",
    consentDate: "2019-08-20",
    consentVersion: "1",
    infusionDate: "2019-09-16",
  });
  const t = (day: number, c: number, hh = "14") => ({
    patientId,
    code: "8310-5",
    valueNumber: c,
    unit: "Cel",
    effectiveAt: `2019-09-${16 + day}T${hh}:00:00+08:00`,
  });
  const o2 = (day: number, l: number) => ({
    patientId,
    code: "3151-8",
    valueNumber: l,
    unit: "L/min",
    effectiveAt: `2019-09-${16 + day}T15:00:00+08:00`,
  });
  const res = await as("POST", "/api/v1/observations", {
    observations: [
      t(0, 37.0),
      o2(0, 3),
      t(1, 37.6, "08"),
      t(1, 38.6),
      t(2, 38.9),
      t(3, 37.5),
      o2(3, 7),
      t(4, 37.0),
      o2(4, 2),
      t(5, 101.3, "09"),
    ].map((x) => (x.valueNumber === 101.3 ? { ...x, unit: "[degF]" } : x)),
  });
  expect(res.statusCode, res.body).toBe(201);
  await as("POST", "/api/v1/medications", {
    patientId,
    drug: "paracetamol",
    startDate: "2019-09-17",
    stopDate: "2019-09-18",
  });
  await as("POST", "/api/v1/medications", {
    patientId,
    drug: "norepinephrine",
    startDate: "2019-09-20",
    stopDate: "2019-09-20",
  });
  await as("POST", "/api/v1/medications", {
    patientId,
    drug: "vasopressin",
    startDate: "2019-09-20",
    stopDate: "2019-09-20",
  });
});
afterAll(() => w.close());

describe("derived daily CRS", () => {
  it("grades each day with a temperature, in order, marked provisional", async () => {
    const res = await w.call("monitor", "A", "GET", `/api/v1/patients/${patientId}/derived/crs`);
    expect(res.statusCode, res.body).toBe(200);
    const days: { studyDay: number; grade: number; provisional: boolean; assumptions: string[] }[] =
      res.json().days;
    expect(days.map((d) => [d.studyDay, d.grade])).toEqual([
      [0, 0], // oxygen without fever or earlier CRS is not CRS
      [1, 1], // 38.6 °C: onset
      [2, 1], // 38.9 °C
      [3, 3], // after paracetamol fever is not required; 7 L/min is high-flow
      [4, 3], // norepinephrine + vasopressin = one pressor
      [5, 1], // 101.3 °F = 38.5 °C
    ]);
    expect(days.every((d) => d.provisional && d.assumptions.length > 0)).toBe(true);
  });

  it("is scoped like the clinical record", async () => {
    expect(
      (await w.call("monitor", "B", "GET", `/api/v1/patients/${patientId}/derived/crs`)).statusCode,
    ).toBe(404);
    expect(
      (await w.call("manufacturing", "A", "GET", `/api/v1/patients/${patientId}/derived/crs`)).statusCode,
    ).toBe(403);
  });
});
