/** Journey moves and recorded visits appear on the patient's timeline with their study day. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;
let enrolmentId: string;

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date("2020-01-10T02:00:00Z") });
  const as = (method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
    w.call("coordinator", "A", method, url, body, headers);
  patientId = (
    await as("POST", "/api/v1/patients", { siteId: w.sites.A, birthYear: 1976, sex: "female" })
  ).json().id;
  const study = (
    await w.call("investigator", "A", "POST", "/api/v1/studies", {
      leadSiteId: w.sites.A,
      title: "S",
      shortName: "S",
      phase: "phase-1",
      status: "active",
      arms: [{ code: "LYM", name: "Lymphoma" }],
    })
  ).json();
  const enrolment = await as("POST", "/api/v1/enrolments", {
    patientId,
    studyId: study.id,
    armCode: "LYM",
    consentDate: "2019-08-20",
    consentVersion: "1",
    infusionDate: "2019-09-16",
  });
  expect(enrolment.statusCode, enrolment.body).toBe(201);
  enrolmentId = enrolment.json().id;
  const journey = (await as("POST", `/api/v1/enrolments/${enrolmentId}/journey`)).json();
  const moved = await as(
    "POST",
    `/api/v1/journeys/${journey.id}/events`,
    { type: "consult" },
    { "if-match": `"${journey.version}"` },
  );
  expect(moved.statusCode, moved.body).toBe(200);
  const visits = (await as("GET", `/api/v1/patients/${patientId}/visits`)).json().items as {
    id: string;
    code: string;
    version: number;
  }[];
  const d28 = visits.find((v) => v.code === "D28")!;
  const d7 = visits.find((v) => v.code === "D7")!;
  expect(
    (
      await as("PATCH", `/api/v1/visits/${d28.id}`, {
        doneOn: "2019-10-15",
        reason: "Seen in clinic",
        version: d28.version,
      })
    ).statusCode,
  ).toBe(200);
  expect(
    (
      await as("PATCH", `/api/v1/visits/${d7.id}`, {
        missedReason: "Admitted elsewhere",
        reason: "Coordinator call",
        version: d7.version,
      })
    ).statusCode,
  ).toBe(200);
});
afterAll(() => w.close());

describe("workflow on the timeline", () => {
  it("shows the journey move, and only the recorded visits, with study days", async () => {
    const t = (
      await w.call("monitor", "A", "GET", `/api/v1/patients/${patientId}/timeline?kinds=journey,visit`)
    ).json();
    const summaries = t.items.map((i: { summary: string; studyDay: number; kind: string }) => [
      i.kind,
      i.summary,
      i.studyDay,
    ]);
    expect(summaries).toContainEqual(["journey", "Journey: referred → consulted (consult)", 116]);
    expect(summaries).toContainEqual(["visit", "Visit Day 28 done", 29]);
    expect(summaries.filter((s: unknown[]) => s[0] === "visit")).toHaveLength(2);
    expect(summaries.some((s: unknown[]) => String(s[1]).includes("missed: Admitted elsewhere"))).toBe(true);
  });
});
