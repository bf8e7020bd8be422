/**
 * Patient search over HTTP (GET /api/v1/patients): by part of the subject code, study, disease and
 * journey stage, done by the server across the sites the user may read, keyset-paged, with the
 * columns the list shows; bad parameters are a 400 problem.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/services/auth.ts";
import { systemActor } from "../../src/services/context.ts";
import { createUser } from "../../src/services/sites.ts";
import { joinStudy } from "../support/study-sites.ts";
import { buildWorld, PASSWORD, type World } from "../support/world.ts";

let w: World;
let studyId: string;
let bothSitesToken: string;
const ids: Record<string, string> = {};
const asA = (method: string, url: string, body?: unknown) => w.call("investigator", "A", method, url, body);
const asB = (method: string, url: string, body?: unknown) => w.call("investigator", "B", method, url, body);

const SNOMED = "http://snomed.info/sct";
const ICD10 = "http://hl7.org/fhir/sid/icd-10";

async function patient(call: typeof asA, siteId: string, subjectCode: string) {
  const res = await call("POST", "/api/v1/patients", { siteId, subjectCode, birthYear: 1980, sex: "female" });
  expect(res.statusCode, res.body).toBe(201);
  ids[subjectCode] = res.json().id;
  return res.json().id as string;
}

async function diagnose(
  call: typeof asA,
  patientId: string,
  codeSystem: string,
  code: string,
  display: string,
) {
  const res = await call("POST", "/api/v1/conditions", {
    patientId,
    codeSystem,
    code,
    display,
    clinicalStatus: "active",
  });
  expect(res.statusCode, res.body).toBe(201);
}

const codes = (res: { json(): { items: { subjectCode: string }[] } }) =>
  res.json().items.map((p) => p.subjectCode);

beforeAll(async () => {
  w = await buildWorld();
  const study = await asA("POST", "/api/v1/studies", {
    leadSiteId: w.sites.A,
    title: "CD19 CAR-T in lymphoma and lupus",
    shortName: "CD19-LL",
    phase: "phase-1",
    status: "active",
    arms: [{ code: "LYM", name: "Lymphoma", doseLevels: [] }],
  });
  expect(study.statusCode, study.body).toBe(201);
  studyId = study.json().id;
  await joinStudy(w, studyId, "B");

  // AA-0001 lymphoma (ICD-10 C83.3), enrolled with a journey; AA-0002 lupus (SNOMED), not enrolled;
  // AA-0003 lupus + lymphoma (overlap), enrolled without a journey; BB-0001 myeloma at site B, enrolled.
  const a1 = await patient(asA, w.sites.A, "AA-0001");
  const a2 = await patient(asA, w.sites.A, "AA-0002");
  const a3 = await patient(asA, w.sites.A, "AA-0003");
  const b1 = await patient(asB, w.sites.B, "BB-0001");
  await diagnose(asA, a1, ICD10, "C83.3", "Diffuse large B-cell lymphoma");
  await diagnose(asA, a2, SNOMED, "55464009", "Systemic lupus erythematosus");
  await diagnose(asA, a3, SNOMED, "55464009", "Systemic lupus erythematosus");
  await diagnose(asA, a3, SNOMED, "109969005", "Diffuse large B-cell lymphoma");
  await diagnose(asB, b1, ICD10, "C90.0", "Multiple myeloma");
  for (const [call, patientId] of [
    [asA, a1],
    [asA, a3],
    [asB, b1],
  ] as const) {
    const e = await call("POST", "/api/v1/enrolments", {
      patientId,
      studyId,
      armCode: "LYM",
      consentDate: "2025-01-10",
      consentVersion: "v2.1",
    });
    expect(e.statusCode, e.body).toBe(201);
    if (patientId !== a3) {
      const j = await call("POST", `/api/v1/enrolments/${e.json().id}/journey`);
      expect(j.statusCode, j.body).toBe(201);
    }
  }

  // Many more at site A, to page through.
  for (let i = 10; i < 35; i++) await patient(asA, w.sites.A, `AA-00${i}`);

  const system = { db: w.database.db, actor: systemActor(), now: () => new Date() };
  await createUser(system, {
    username: "investigator-ab",
    displayName: "Investigator at A and B",
    password: PASSWORD,
    memberships: [
      { siteId: w.sites.A, role: "investigator" },
      { siteId: w.sites.B, role: "investigator" },
    ],
  });
  bothSitesToken = await createApiToken(system, "investigator-ab", "test", {
    expiresAt: new Date("2100-01-01T00:00:00Z"),
  });
});
afterAll(() => w.close());

const asBoth = (url: string) =>
  w.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${bothSitesToken}` } });

describe("patient search", () => {
  it("finds by part of the subject code, in any case, with the list's columns", async () => {
    const res = await asA("GET", "/api/v1/patients?subjectCodeContains=a-000");
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toEqual(["AA-0001", "AA-0002", "AA-0003"]);
    const [first, second, third] = res.json().items;
    expect(first).toMatchObject({
      siteCode: "AA",
      studies: [{ id: studyId, shortName: "CD19-LL" }],
      disease: "lymphoma",
      journeyStages: ["referred"],
    });
    expect(second).toMatchObject({ studies: [], disease: "sle", journeyStages: [] });
    expect(third).toMatchObject({ disease: "overlap", journeyStages: [] });
  });

  it("treats % and _ in the search as the characters themselves", async () => {
    const res = await asA("GET", "/api/v1/patients?subjectCodeContains=%25");
    expect(res.statusCode).toBe(200);
    expect(codes(res)).toEqual([]);
  });

  it("filters by study, disease and journey stage, and combines them", async () => {
    expect(codes(await asA("GET", `/api/v1/patients?studyId=${studyId}`))).toEqual(["AA-0001", "AA-0003"]);
    // a lymphoma search finds the overlap patient too: she has a lymphoma
    expect(codes(await asA("GET", "/api/v1/patients?disease=lymphoma"))).toEqual(["AA-0001", "AA-0003"]);
    expect(codes(await asA("GET", "/api/v1/patients?disease=sle"))).toEqual(["AA-0002", "AA-0003"]);
    expect(codes(await asA("GET", "/api/v1/patients?disease=myeloma"))).toEqual([]);
    expect(codes(await asA("GET", "/api/v1/patients?stage=referred"))).toEqual(["AA-0001"]);
    expect(codes(await asA("GET", "/api/v1/patients?stage=infused"))).toEqual([]);
    expect(codes(await asA("GET", `/api/v1/patients?studyId=${studyId}&disease=sle`))).toEqual(["AA-0003"]);
  });

  it("searches only the user's sites: all of them unless one is named", async () => {
    expect(codes(await asB("GET", "/api/v1/patients?disease=myeloma"))).toEqual(["BB-0001"]);
    expect(codes(await asB("GET", `/api/v1/patients?studyId=${studyId}`))).toEqual(["BB-0001"]);
    const both = await asBoth(`/api/v1/patients?studyId=${studyId}`);
    expect(both.statusCode, both.body).toBe(200);
    expect(codes(both)).toEqual(["AA-0001", "AA-0003", "BB-0001"]);
    expect(both.json().items.map((p: { siteCode: string }) => p.siteCode)).toEqual(["AA", "AA", "BB"]);
    expect(codes(await asBoth(`/api/v1/patients?studyId=${studyId}&siteId=${w.sites.B}`))).toEqual([
      "BB-0001",
    ]);
    // naming a site one cannot read is refused, not silently empty
    const other = await asA("GET", `/api/v1/patients?siteId=${w.sites.B}`);
    expect(other.statusCode).toBe(404);
  });

  it("pages by subject code with a cursor, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/patients?subjectCodeContains=AA&limit=10${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await asA("GET", url);
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...codes(res));
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(28);
    expect(new Set(seen).size).toBe(28);
    expect(seen).toEqual([...seen].sort());
  });

  it("answers bad parameters with a 400 problem", async () => {
    for (const query of [
      "disease=flu",
      "stage=dancing",
      "studyId=not-a-uuid",
      "subjectCodeContains=" + "x".repeat(21),
      "cursor=bm90LWEtY3Vyc29y",
      "limit=0",
    ]) {
      const res = await asA("GET", `/api/v1/patients?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers["content-type"], query).toContain("application/problem+json");
    }
  });
});
