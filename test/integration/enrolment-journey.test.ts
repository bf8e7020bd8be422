/**
 * GET /api/v1/enrolments/{id}/journey, which the patient page's journey panel starts from: 404
 * before the journey is opened, then the same journey the journey's own path answers, with the
 * moves the machine allows from "referred".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let enrolmentId: string;

beforeAll(async () => {
  w = await buildWorld();
  const study = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "cCAR in lymphoma",
      shortName: "cCAR",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    })
  ).json();
  const patient = (
    await w.call("investigator", "A", "POST", "/api/v1/patients", {
      siteId: w.sites.A,
      birthYear: 1976,
      sex: "female",
    })
  ).json();
  enrolmentId = (
    await w.call("investigator", "A", "POST", "/api/v1/enrolments", {
      patientId: patient.id,
      studyId: study.id,
      armCode: "LYM",
      consentDate: "2026-01-05",
      consentVersion: "1",
    })
  ).json().id;
});

afterAll(async () => {
  await w?.close();
});

describe("the journey of an enrolment", () => {
  it("is not found before it is opened, then is the journey with its allowed moves", async () => {
    const before = await w.call("monitor", "A", "GET", `/api/v1/enrolments/${enrolmentId}/journey`);
    expect(before.statusCode).toBe(404);
    const opened = (
      await w.call("coordinator", "A", "POST", `/api/v1/enrolments/${enrolmentId}/journey`)
    ).json();
    const res = await w.call("monitor", "A", "GET", `/api/v1/enrolments/${enrolmentId}/journey`);
    expect(res.statusCode).toBe(200);
    const journey = res.json();
    expect(journey).toMatchObject({ id: opened.id, enrolmentId, state: "referred" });
    expect(journey.allowedEvents).toEqual(["consult", "die", "withdraw"]);
    expect(res.headers.etag).toBe(`"${journey.version}"`);
  });
});
