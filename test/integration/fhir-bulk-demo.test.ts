/**
 * Group-level FHIR Bulk Data $export on the demo program (decision 0032): a Group is a saved
 * cohort, and its export holds that cohort's patients and their records only, every line valid
 * R4; a Group nobody saved is "not found", and a role without clinical data cannot export one.
 */
import type { Group, Resource } from "@medplum/fhirtypes";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.ts";
import { createApiToken } from "../../src/services/auth.ts";
import { systemActor } from "../../src/services/context.ts";
import { type ExportWorker, startExportWorker } from "../../src/services/fhir-export-worker.ts";
import type { Database } from "../../src/store/database.ts";
import { demoDatabase } from "../support/demo-database.ts";
import { fhirProblems } from "../support/fhir-validation.ts";

// the export cuts at its transactionTime, so the clock must be at or after the demo's writes
const now = () => new Date();
let database: Database;
let app: FastifyInstance;
let worker: ExportWorker;
const tokens: Record<string, string> = {};

const call = (user: string, method: "GET" | "POST", url: string, payload?: object) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[user]}`, prefer: "respond-async" },
    ...(payload ? { payload } : {}),
  });
const path = (url: string) => new URL(url).pathname;

beforeAll(async () => {
  ({ database } = await demoDatabase(now));
  app = await buildApp({ database, now });
  worker = startExportWorker(database.db, { pollMs: 20 });
  const system = { db: database.db, actor: systemActor(), now };
  for (const user of ["investigator", "manufacturing"])
    tokens[user] = await createApiToken(system, user, "bulk test", {
      expiresAt: new Date("2100-01-01T00:00:00Z"),
    });
}, 300_000);
afterAll(async () => {
  await worker?.stop();
  await app?.close();
  await database?.close();
});

describe("Group/{id}/$export of a saved cohort", () => {
  it("exports the cohort's patients and only their records, all valid R4", async () => {
    const saved = await call("investigator", "POST", "/api/v1/cohorts", {
      name: "Lupus",
      query: "indication=sle",
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const cohort = await call("investigator", "GET", "/api/v1/cohorts/outcomes?indication=sle");
    const members = new Set((cohort.json().patients as { patientId: string }[]).map((p) => p.patientId));
    expect(members.size).toBeGreaterThan(3);

    const kick = await call("investigator", "GET", `/fhir/R4/Group/${saved.json().id}/$export`);
    expect(kick.statusCode, kick.body).toBe(202);
    const status = path(String(kick.headers["content-location"]));
    let res = await call("investigator", "GET", status);
    for (let i = 0; i < 3000 && res.statusCode === 202; i++) {
      await new Promise((r) => setTimeout(r, 20));
      res = await call("investigator", "GET", status);
    }
    expect(res.statusCode, res.body).toBe(200);
    const manifest = res.json() as { output: { type: string; url: string; count: number }[] };
    const types = manifest.output.map((o) => o.type);
    expect(types).not.toContain("Provenance");
    expect(types).toEqual(expect.arrayContaining(["Patient", "ResearchSubject", "Observation", "Procedure"]));

    const all: Resource[] = [];
    for (const o of manifest.output) {
      const file = await call("investigator", "GET", path(o.url));
      expect(file.statusCode).toBe(200);
      const lines = file.body
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as Resource);
      expect(lines).toHaveLength(o.count);
      all.push(...lines);
    }
    const patients = all.filter((r) => r.resourceType === "Patient").map((r) => r.id);
    expect(new Set(patients)).toEqual(members);
    // every patient a resource names is a member, and every patient-level resource names one
    for (const r of all) {
      const named = [...JSON.stringify(r).matchAll(/"Patient\/([0-9a-f-]{36})"/g)].map((m) => m[1]);
      expect(
        named.every((id) => members.has(id!)),
        `${r.resourceType}/${r.id}`,
      ).toBe(true);
      if (
        ["ResearchSubject", "Condition", "Observation", "MedicationStatement", "Procedure"].includes(
          r.resourceType,
        )
      )
        expect(named.length, `${r.resourceType}/${r.id}`).toBeGreaterThan(0);
    }
    const bags = all.filter((r) => r.resourceType === "BiologicallyDerivedProduct").map((r) => r.id!);
    const owners = await database.db
      .selectFrom("product_units")
      .select("patient_id")
      .where("id", "in", bags.length ? bags : ["00000000-0000-0000-0000-000000000000"])
      .execute();
    expect(owners.every((o) => o.patient_id !== null && members.has(o.patient_id))).toBe(true);
    // the cohort's observations, all of them
    const observations = await database.db
      .selectFrom("observations")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("patient_id", "in", [...members])
      .executeTakeFirstOrThrow();
    const assessments = await database.db
      .selectFrom("assessments")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("patient_id", "in", [...members])
      .executeTakeFirstOrThrow();
    expect(all.filter((r) => r.resourceType === "Observation")).toHaveLength(
      Number(observations.n) + Number(assessments.n),
    );
    const problems = all.flatMap(fhirProblems);
    expect(problems.slice(0, 10)).toEqual([]);
  }, 300_000);

  it("narrows a Group export to the members its `patient` parameter names (POST kick-off)", async () => {
    const saved = await call("investigator", "POST", "/api/v1/cohorts", {
      name: "Lupus again",
      query: "indication=sle",
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const cohort = await call("investigator", "GET", "/api/v1/cohorts/outcomes?indication=sle");
    const members = (cohort.json().patients as { patientId: string }[]).map((p) => p.patientId);
    const lymphoma = await call("investigator", "GET", "/api/v1/cohorts/outcomes?indication=lymphoma");
    const outsider = (lymphoma.json().patients as { patientId: string }[])
      .map((p) => p.patientId)
      .find((id) => !members.includes(id));
    expect(outsider).toBeDefined();
    const kick = await app.inject({
      method: "POST",
      url: `/fhir/R4/Group/${saved.json().id}/$export`,
      headers: {
        authorization: `Bearer ${tokens.investigator}`,
        prefer: "respond-async",
        "content-type": "application/fhir+json",
      },
      payload: JSON.stringify({
        resourceType: "Parameters",
        parameter: [
          { name: "_type", valueString: "Patient,Observation" },
          // a member, and a patient of another cohort: only the member is exported
          ...[members[0], outsider].map((id) => ({
            name: "patient",
            valueReference: { reference: `Patient/${id}` },
          })),
        ],
      }),
    });
    expect(kick.statusCode, kick.body).toBe(202);
    const status = path(String(kick.headers["content-location"]));
    let res = await call("investigator", "GET", status);
    for (let i = 0; i < 3000 && res.statusCode === 202; i++) {
      await new Promise((r) => setTimeout(r, 20));
      res = await call("investigator", "GET", status);
    }
    expect(res.statusCode, res.body).toBe(200);
    const manifest = res.json() as { output: { type: string; url: string; count: number }[] };
    const named = new Set<string>();
    for (const o of manifest.output) {
      const file = await call("investigator", "GET", path(o.url));
      for (const line of file.body.trimEnd().split("\n")) {
        const r = JSON.parse(line) as Resource & { subject?: { reference: string } };
        named.add(r.resourceType === "Patient" ? r.id! : r.subject!.reference.replace("Patient/", ""));
      }
    }
    expect([...named]).toEqual([members[0]]);
    expect(manifest.output.find((o) => o.type === "Observation")!.count).toBeGreaterThan(0);
  }, 300_000);

  it("reads a Group: the saved cohort's members as the caller sees them, valid R4; 404 and 403 as for its export", async () => {
    const saved = await call("investigator", "POST", "/api/v1/cohorts", {
      name: "Lupus read",
      query: "indication=sle",
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const cohort = await call("investigator", "GET", "/api/v1/cohorts/outcomes?indication=sle");
    const members = (cohort.json().patients as { patientId: string }[])
      .map((p) => `Patient/${p.patientId}`)
      .sort();
    expect(members.length).toBeGreaterThan(3);
    const res = await call("investigator", "GET", `/fhir/R4/Group/${saved.json().id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    const group = res.json() as Group;
    expect(fhirProblems(group)).toEqual([]);
    expect(group).toMatchObject({
      resourceType: "Group",
      id: saved.json().id,
      name: "Lupus read",
      actual: true,
    });
    expect(group.quantity).toBe(members.length);
    expect((group.member ?? []).map((m) => m.entity.reference).sort()).toEqual(members);

    const unknown = await call("investigator", "GET", "/fhir/R4/Group/0190a5d2-0000-7000-8000-000000000000");
    expect(unknown.statusCode).toBe(404);
    expect(fhirProblems(unknown.json())).toEqual([]);
    const manufacturing = await call("manufacturing", "GET", `/fhir/R4/Group/${saved.json().id}`);
    expect(manufacturing.statusCode, manufacturing.body).toBe(403);
  });

  it("refuses an unknown Group (404) and a role that reads no clinical data (403)", async () => {
    const unknown = await call(
      "investigator",
      "GET",
      "/fhir/R4/Group/0190a5d2-0000-7000-8000-000000000000/$export",
    );
    expect(unknown.statusCode).toBe(404);
    const saved = await call("investigator", "POST", "/api/v1/cohorts", { name: "Everyone", query: "" });
    expect(saved.statusCode, saved.body).toBe(201);
    const manufacturing = await call("manufacturing", "GET", `/fhir/R4/Group/${saved.json().id}/$export`);
    expect(manufacturing.statusCode, manufacturing.body).toBe(403);
  });
});
