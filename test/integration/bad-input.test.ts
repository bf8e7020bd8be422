/**
 * Bad input of any kind: 4xx application/problem+json that lists every problem with its location
 * and JSON Pointer, nothing written, and never a 500.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatient } from "../../src/services/patients.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let patientId: string;

const count = (table: "patients" | "observations" | "audit_events" | "medications") => w.rowCount(table);

beforeAll(async () => {
  w = await buildWorld();
  patientId = (
    await createPatient(await w.as("coordinator", "A"), { siteId: w.sites.A, birthYear: 1976, sex: "female" })
  ).id;
});
afterAll(() => w.close());

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  status: number,
) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers["content-type"])).toContain("application/problem+json");
  const body = res.json() as { type: string; title: string; status: number; detail: string };
  expect(body.status).toBe(status);
  expect(body.type).toMatch(/^https:\/\/vein2vein\.org\/problems\//);
  expect(body).not.toHaveProperty("stack");
  return body as typeof body & { errors?: { in: string; pointer: string; detail: string }[] };
}

describe("validation reports every problem at once", () => {
  it("a patient with four bad fields gets four located issues and nothing is written", async () => {
    const before = await count("patients");
    const audits = await count("audit_events");
    const res = await w.call("coordinator", "A", "POST", "/api/v1/patients", {
      siteId: "not-a-uuid",
      birthYear: 1776,
      sex: "f",
      subjectCode: "lowercase-1",
    });
    const problem = expectProblem(res, 400);
    expect(problem.errors?.map((e) => e.pointer).sort()).toEqual([
      "/birthYear",
      "/sex",
      "/siteId",
      "/subjectCode",
    ]);
    expect(problem.errors?.every((e) => e.in === "body" && e.detail.length > 0)).toBe(true);
    expect(await count("patients")).toBe(before);
    expect(await count("audit_events")).toBe(audits);
  });

  it("query and body problems are reported together", async () => {
    const res = await w.call("coordinator", "A", "PATCH", `/api/v1/observations/not-a-uuid`, { reason: "" });
    const problem = expectProblem(res, 400);
    const where = problem.errors?.map((e) => `${e.in}:${e.pointer}`).sort();
    expect(where).toEqual(["body:/reason", "path:/id"]);
  });

  it("a batch of 10 observations with 3 bad rows names each bad row and stores none", async () => {
    const before = await count("observations");
    const rows = Array.from({ length: 10 }, (_, i) => ({
      patientId,
      code: "4485-9",
      valueNumber: 90 + i,
      unit: "mg/dL",
      effectiveAt: `2019-10-${String(i + 1).padStart(2, "0")}T08:00:00+08:00`,
    }));
    rows[2] = { ...rows[2]!, code: "5130-2" }; // wrong LOINC check digit
    rows[5] = { ...rows[5]!, effectiveAt: "2019-10-06 08:00" }; // no offset
    (rows[8] as Record<string, unknown>).valueCode = "positive"; // two values
    const res = await w.call("coordinator", "A", "POST", "/api/v1/observations", { observations: rows });
    const problem = expectProblem(res, 400);
    const pointers = problem.errors?.map((e) => e.pointer) ?? [];
    expect(pointers).toContain("/observations/2/code");
    expect(pointers).toContain("/observations/5/effectiveAt");
    expect(pointers).toContain("/observations/8/valueNumber");
    expect(pointers.every((p) => /^\/observations\/(2|5|8)\//.test(p))).toBe(true);
    expect(await count("observations")).toBe(before);
  });

  it("a batch row naming another site's patient is reported by row", async () => {
    const other = await createPatient(await w.as("coordinator", "B"), {
      siteId: w.sites.B,
      birthYear: 1980,
      sex: "male",
    });
    const res = await w.call("coordinator", "A", "POST", "/api/v1/observations", {
      observations: [
        { patientId, code: "4485-9", valueNumber: 90, unit: "mg/dL", effectiveAt: "2019-10-01T08:00:00Z" },
        {
          patientId: other.id,
          code: "4485-9",
          valueNumber: 90,
          unit: "mg/dL",
          effectiveAt: "2019-10-01T08:00:00Z",
        },
      ],
    });
    expect(expectProblem(res, 400).errors?.map((e) => e.pointer)).toEqual(["/observations/1/patientId"]);
  });

  it("an impossible calendar date is refused", async () => {
    const res = await w.call("coordinator", "A", "POST", "/api/v1/medications", {
      patientId,
      drug: "prednisone",
      startDate: "2019-02-30",
    });
    expect(expectProblem(res, 400).errors?.map((e) => e.pointer)).toEqual(["/startDate"]);
  });

  it("a stop before the start is refused", async () => {
    const res = await w.call("coordinator", "A", "POST", "/api/v1/medications", {
      patientId,
      drug: "prednisone",
      startDate: "2019-03-01",
      stopDate: "2019-02-01",
    });
    expect(expectProblem(res, 400).errors?.map((e) => e.pointer)).toEqual(["/stopDate"]);
  });

  it("an update without a reason is refused and changes nothing", async () => {
    const res = await w.call("coordinator", "A", "PATCH", `/api/v1/patients/${patientId}`, {
      birthYear: 1977,
      version: 1,
    });
    expect(expectProblem(res, 400).errors?.map((e) => e.pointer)).toEqual(["/reason"]);
    const after = await w.call("coordinator", "A", "GET", `/api/v1/patients/${patientId}`);
    expect(after.json().birthYear).toBe(1976);
  });
});

describe("malformed requests", () => {
  const auth = () => ({ authorization: `Bearer ${w.tokens.coordinator.A}` });

  it("broken JSON is 400", async () => {
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/patients",
      headers: { ...auth(), "content-type": "application/json" },
      payload: '{"siteId": ',
    });
    expectProblem(res, 400);
  });

  it("an unsupported media type is 415", async () => {
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/patients",
      headers: { ...auth(), "content-type": "application/xml" },
      payload: "<patient/>",
    });
    expectProblem(res, 415);
  });

  it("an empty JSON body is 400", async () => {
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/patients",
      headers: { ...auth(), "content-type": "application/json" },
      payload: "",
    });
    expectProblem(res, 400);
  });

  it("a body over 8 MiB is 413", async () => {
    const res = await w.app.inject({
      method: "POST",
      url: "/api/v1/observations",
      headers: { ...auth(), "content-type": "application/json" },
      payload: JSON.stringify({ observations: [], pad: "x".repeat(9 * 1024 * 1024) }),
    });
    expectProblem(res, 413);
  });

  it("a NUL character in text is refused with its pointer", async () => {
    const res = await w.call("coordinator", "A", "POST", "/api/v1/clinical-events", {
      patientId,
      occurredAt: "2019-08-15T10:00:00+08:00",
      category: "note",
      title: "bad\u0000title",
    });
    expect(expectProblem(res, 400).errors?.[0]?.pointer).toBe("/title");
  });

  it("an unknown route is a 404 problem", async () => {
    expectProblem(await w.call("coordinator", "A", "GET", "/api/v1/nothing-here"), 404);
  });

  it("a forged cursor is 400", async () => {
    expectProblem(await w.call("coordinator", "A", "GET", "/api/v1/patients?cursor=bm9wZQ"), 400);
  });

  it("a garbage If-Match is 400", async () => {
    const res = await w.call(
      "coordinator",
      "A",
      "PATCH",
      `/api/v1/patients/${patientId}`,
      { reason: "x y z" },
      { "if-match": "banana" },
    );
    expectProblem(res, 400);
  });

  it("an out-of-range version number does not reach the database", async () => {
    const res = await w.call("coordinator", "A", "PATCH", `/api/v1/patients/${patientId}`, {
      reason: "x y z",
      version: 1e12,
    });
    expectProblem(res, 400);
  });
});

describe("no input produces a 500", () => {
  const writes: [string, string][] = [
    ["POST", "/api/v1/patients"],
    ["POST", "/api/v1/observations"],
    ["POST", "/api/v1/medications"],
    ["POST", "/api/v1/conditions"],
    ["POST", "/api/v1/clinical-events"],
    ["POST", "/api/v1/enrolments"],
    ["POST", "/api/v1/studies"],
    ["POST", "/api/v1/products"],
    ["POST", "/api/v1/sites"],
    ["POST", "/api/v1/users"],
    ["POST", "/api/v1/auth/login"],
  ];

  it("random JSON bodies on every write route are answered with 4xx problem+json", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...writes),
        fc.jsonValue({ maxDepth: 3 }),
        async ([method, url], body) => {
          const res = await w.app.inject({
            method: method as "POST",
            url,
            headers: {
              authorization: `Bearer ${w.tokens.investigator.A}`,
              "content-type": "application/json",
            },
            payload: JSON.stringify(body),
          });
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
          expect(String(res.headers["content-type"])).toContain("application/problem+json");
        },
      ),
      { numRuns: 300, seed: 20190916 },
    );
  });

  it("random field values on a patient-shaped body are 201 or 4xx, never 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          siteId: fc.oneof(fc.constant(w.sites.A), fc.uuid(), fc.string()),
          birthYear: fc.oneof(fc.integer(), fc.double(), fc.string()),
          sex: fc.oneof(fc.constantFrom("female", "male", "other", "unknown"), fc.string()),
          subjectCode: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
        }),
        async (body) => {
          const res = await w.call("coordinator", "A", "POST", "/api/v1/patients", body);
          expect([201, 400, 404, 409]).toContain(res.statusCode);
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });
});
