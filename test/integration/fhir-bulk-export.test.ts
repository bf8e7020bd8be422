/**
 * FHIR Bulk Data $export (decision 0032) on a small world: kick-off → status → manifest → files,
 * `_type`, `_since` and the transactionTime cut, Patient level, the refusals (no Prefer, bad
 * parameters, someone else's job), cancel, the audit trail, a job that survives its worker
 * stopping part-way, and, on PostgreSQL, one that survives losing the database part-way. Every
 * NDJSON line is validated as R4 (test/support/fhir-validation.ts).
 */

import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { Observation, OperationOutcome, Resource } from "@medplum/fhirtypes";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Role } from "../../src/domain/roles.ts";
import { MAX_BULK_PATIENTS } from "../../src/fhir/bulk.ts";
import { EXPORT_RETENTION_MS, type StepResult } from "../../src/services/fhir-bulk-export.ts";
import { type ExportWorker, startExportWorker } from "../../src/services/fhir-export-worker.ts";
import { type Database, openDatabase, type QueryEvent } from "../../src/store/database.ts";
import { testDatabase, usingPostgres } from "../support/database.ts";
import { type DatabaseRelay, databaseRelay } from "../support/database-relay.ts";
import { fhirProblems } from "../support/fhir-validation.ts";
import { queriesRun } from "../support/statements.ts";
import { buildWorld, type SiteKey, type World } from "../support/world.ts";

let w: World;
let patientA: string;
let patientB: string;
let worker: ExportWorker | null = null;
const ASYNC = { prefer: "respond-async", accept: "application/fhir+json" };

const observe = async (site: SiteKey, patientId: string, days: number[]) => {
  const res = await w.call("investigator", site, "POST", "/api/v1/observations", {
    observations: days.map((d) => ({
      patientId,
      code: "1988-5",
      valueNumber: 10 + d,
      unit: "mg/L",
      effectiveAt: `2019-09-${String(d).padStart(2, "0")}T01:00:00Z`,
    })),
  });
  expect(res.statusCode, res.body).toBe(201);
};

// Pages are read on the reports' connection, as `v2v serve` sets it up (decision 0060).
const work = (options: Parameters<typeof startExportWorker>[1] = {}, on: Database = w.database) => {
  worker = startExportWorker(on.db, {
    reports: on.reports,
    pageSize: 2,
    pollMs: 20,
    ...options,
  });
  return worker;
};

/** A worker's log, its messages kept in `told`. */
const telling = (told: string[]) => ({
  info: (_: object, m: string) => void told.push(m),
  error: (_: object, m: string) => void told.push(m),
});

const path = (url: string) => new URL(url).pathname + new URL(url).search;

async function kickOff(role: Role, site: SiteKey, url: string): Promise<string> {
  const res = await w.call(role, site, "GET", url, undefined, ASYNC);
  expect(res.statusCode, res.body).toBe(202);
  const location = String(res.headers["content-location"]);
  expect(location).toMatch(/^http:\/\/[^/]+\/fhir\/R4\/\$export-status\/[0-9a-f-]{36}$/);
  return path(location);
}

interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
}

async function manifestOf(role: Role, site: SiteKey, status: string): Promise<Manifest> {
  for (let i = 0; i < 500; i++) {
    const res = await w.call(role, site, "GET", status);
    if (res.statusCode === 200) {
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(Date.parse(String(res.headers.expires))).toBeGreaterThan(Date.now());
      return res.json() as Manifest;
    }
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers["x-progress"]).toBeTruthy();
    expect(res.headers["retry-after"]).toBe("2");
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the export did not finish");
}

async function download(role: Role, site: SiteKey, manifest: Manifest): Promise<Map<string, Resource[]>> {
  const files = new Map<string, Resource[]>();
  for (const o of manifest.output) {
    const res = await w.call(role, site, "GET", path(o.url));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/fhir\+ndjson/);
    const lines = res.body.trimEnd().split("\n");
    const resources = lines.map((l) => JSON.parse(l) as Resource);
    expect(resources.every((r) => r.resourceType === o.type)).toBe(true);
    expect(resources).toHaveLength(o.count);
    expect(resources.flatMap(fhirProblems)).toEqual([]);
    files.set(o.type, resources);
  }
  return files;
}

const counts = (m: Manifest) => Object.fromEntries(m.output.map((o) => [o.type, o.count]));

beforeAll(async () => {
  w = await buildWorld();
  const create = async (site: SiteKey) => {
    const res = await w.call("investigator", site, "POST", "/api/v1/patients", {
      siteId: w.sites[site],
      birthYear: 1976,
      sex: "female",
      identity: { familyName: "Li", givenName: "Mei", sex: "female", birthDate: "1976-03-02" },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  patientA = await create("A");
  await observe("A", patientA, [11, 12, 13, 14, 15]);
  patientB = await create("B");
  await observe("B", patientB, [11, 12]);
});
afterEach(async () => {
  await worker?.stop();
  worker = null;
});
afterAll(() => w.close());

describe("FHIR Bulk Data $export", () => {
  it("runs kick-off → status → manifest → NDJSON files, only the caller's sites, audited", async () => {
    const status = await kickOff(
      "investigator",
      "A",
      "/fhir/R4/$export?_outputFormat=application%2Ffhir%2Bndjson",
    );
    // queued until a worker runs it
    const queued = await w.call("investigator", "A", "GET", status);
    expect(queued.statusCode).toBe(202);
    expect(queued.headers["x-progress"]).toBe("queued");
    work();
    const manifest = await manifestOf("investigator", "A", status);
    expect(manifest.requiresAccessToken).toBe(true);
    // the kick-off URL as the client sent it
    expect(manifest.request).toMatch(
      /^http:\/\/[^/]+\/fhir\/R4\/\$export\?_outputFormat=application%2Ffhir%2Bndjson$/,
    );
    expect(manifest.error).toEqual([]);
    expect(counts(manifest)).toMatchObject({ Patient: 1, Observation: 5 });
    expect(counts(manifest).Provenance).toBeUndefined(); // an investigator does not read the audit trail
    const files = await download("investigator", "A", manifest);
    const [patient] = files.get("Patient")!;
    expect(patient!.id).toBe(patientA);
    expect(patient).not.toHaveProperty("name"); // pseudonymous
    expect(
      files.get("Observation")!.every((o) => (o as Observation).subject?.reference === `Patient/${patientA}`),
    ).toBe(true);

    const jobId = status.split("/").at(-1)!;
    const audit = await w.database.db
      .selectFrom("audit_events")
      .select(["action", "actor_name", "after"])
      .where("entity_type", "=", "fhir-export-job")
      .where("entity_id", "=", jobId)
      .orderBy("id")
      .execute();
    expect(audit.map((a) => [a.action, a.actor_name])).toEqual([
      ["create", "investigator-a"],
      ["update", "investigator-a"],
      ...manifest.output.map(() => ["export", "investigator-a"]),
    ]);
    expect(audit[1]!.after).toMatchObject({ state: "completed", counts: { Observation: 5 } });
  });

  it("keeps to _type and _since, and leaves out what changed after the kick-off", async () => {
    work();
    const only = await manifestOf(
      "investigator",
      "A",
      await kickOff("investigator", "A", "/fhir/R4/$export?_type=Observation,Patient"),
    );
    expect(only.output.map((o) => o.type)).toEqual(["Patient", "Observation"]);

    const since = new Date();
    await new Promise((r) => setTimeout(r, 5));
    await observe("A", patientA, [20, 21]);
    const later = await manifestOf(
      "investigator",
      "A",
      await kickOff("investigator", "A", `/fhir/R4/$export?_type=Observation&_since=${since.toISOString()}`),
    );
    const files = await download("investigator", "A", later);
    expect(
      files
        .get("Observation")!
        .map((o) => (o as Observation).effectiveDateTime)
        .sort(),
    ).toEqual(["2019-09-20T01:00:00.000Z", "2019-09-21T01:00:00.000Z"]);

    // kicked off while no worker runs; a result written before the job runs is after its transactionTime
    await worker!.stop();
    const status = await kickOff("investigator", "A", "/fhir/R4/$export?_type=Observation");
    await new Promise((r) => setTimeout(r, 5));
    await observe("A", patientA, [22]);
    work();
    const cut = await manifestOf("investigator", "A", status);
    expect(counts(cut).Observation).toBe(7);
    const afterAll = await manifestOf(
      "investigator",
      "A",
      await kickOff("investigator", "A", "/fhir/R4/$export?_type=Observation"),
    );
    expect(counts(afterAll).Observation).toBe(8);
  });

  it("exports at Patient level without Provenance, which cannot be cut to patients", async () => {
    work();
    const all = await manifestOf("admin", "A", await kickOff("admin", "A", "/fhir/R4/Patient/$export"));
    expect(counts(all).Patient).toBe(1);
    expect(counts(all).Provenance).toBeUndefined();
    const sys = await manifestOf(
      "admin",
      "A",
      await kickOff("admin", "A", "/fhir/R4/$export?_type=Provenance"),
    );
    expect(counts(sys).Provenance).toBeGreaterThan(0);
    const refused = await w.call(
      "admin",
      "A",
      "GET",
      "/fhir/R4/Patient/$export?_type=Provenance",
      undefined,
      ASYNC,
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain("system level only");
  });

  it("sends a file gzip-compressed to a client that asks, the same lines once unzipped", async () => {
    work();
    const manifest = await manifestOf(
      "investigator",
      "A",
      await kickOff("investigator", "A", "/fhir/R4/$export?_type=Observation,Patient"),
    );
    for (const o of manifest.output) {
      const plain = await w.call("investigator", "A", "GET", path(o.url));
      const zipped = await w.call("investigator", "A", "GET", path(o.url), undefined, {
        "accept-encoding": "gzip, deflate, br",
      });
      expect(zipped.statusCode, zipped.body).toBe(200);
      expect(plain.headers["content-encoding"]).toBeUndefined();
      expect(zipped.headers["content-encoding"]).toBe("gzip");
      expect(String(zipped.headers.vary)).toMatch(/accept-encoding/i);
      expect(zipped.headers["x-resource-count"]).toBe(String(o.count));
      expect(gunzipSync(zipped.rawPayload).toString("utf8")).toBe(plain.body);
      expect(plain.body.trimEnd().split("\n")).toHaveLength(o.count);
    }
  });

  it("refuses a kick-off without Prefer: respond-async, and bad parameters, queuing nothing", async () => {
    const before = await w.database.db.selectFrom("fhir_export_jobs").select("id").execute();
    const noPrefer = await w.call("investigator", "A", "GET", "/fhir/R4/$export");
    expect(noPrefer.statusCode).toBe(400);
    expect(noPrefer.headers["content-type"]).toMatch(/^application\/fhir\+json/);
    const outcome = noPrefer.json() as OperationOutcome;
    expect(outcome.resourceType).toBe("OperationOutcome");
    expect(JSON.stringify(outcome)).toContain("Prefer: respond-async");
    const bad = await Promise.all(
      [
        "/fhir/R4/$export?_outputFormat=text%2Fcsv",
        "/fhir/R4/$export?_type=Spaceship",
        "/fhir/R4/$export?_since=2020-01-01",
        // a search parameter Observation search does not support, a result parameter, not Type?search
        "/fhir/R4/$export?_typeFilter=Observation%3Fvalue-quantity%3Dgt5",
        "/fhir/R4/$export?_typeFilter=Observation%3F_count%3D5",
        "/fhir/R4/$export?_typeFilter=code%3D1988-5",
        // a filter on a type _type leaves out; patient at system level
        "/fhir/R4/$export?_type=Patient&_typeFilter=Observation%3Fcode%3D1988-5",
        `/fhir/R4/$export?patient=Patient/${patientA}`,
      ].map((url) => w.call("investigator", "A", "GET", url, undefined, ASYNC)),
    );
    expect(bad.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400, 400, 400, 400]);
    expect(bad.every((r) => r.json().resourceType === "OperationOutcome")).toBe(true);
    expect(JSON.stringify(bad[3]!.json())).toContain("value-quantity");
    // an unsupported parameter is ignored when the client asks for lenient handling
    const lenient = await w.call("investigator", "A", "GET", "/fhir/R4/$export?_elements=id", undefined, {
      prefer: "respond-async, handling=lenient",
    });
    expect(lenient.statusCode, lenient.body).toBe(202);
    // a type the role may not read
    const forbidden = await w.call(
      "investigator",
      "A",
      "GET",
      "/fhir/R4/$export?_type=Provenance",
      undefined,
      ASYNC,
    );
    expect(forbidden.statusCode).toBe(403);
    const unauthenticated = await w.app.inject({ method: "GET", url: "/fhir/R4/$export", headers: ASYNC });
    expect(unauthenticated.statusCode).toBe(401);
    const after = await w.database.db.selectFrom("fhir_export_jobs").select("id").execute();
    expect(after.length).toBe(before.length + 1); // the lenient one only
  });

  it("shows a job and its files to the user who started it only; DELETE cancels", async () => {
    work();
    const status = await kickOff("investigator", "A", "/fhir/R4/$export?_type=Observation");
    const manifest = await manifestOf("investigator", "A", status);
    const file = path(manifest.output[0]!.url);
    const others: [Role, SiteKey][] = [
      ["coordinator", "A"],
      ["investigator", "B"],
      ["admin", "A"],
    ];
    for (const [role, site] of others) {
      const s: LightMyRequestResponse = await w.call(role, site, "GET", status);
      expect(s.statusCode, `${role} ${site}`).toBe(404);
      expect((await w.call(role, site, "GET", file)).statusCode).toBe(404);
      expect((await w.call(role, site, "DELETE", status)).statusCode).toBe(404);
    }
    expect(
      (await w.call("investigator", "A", "GET", `${status.replace(/[0-9a-f]{4}$/, "0000")}`)).statusCode,
    ).toBe(404);
    const cancel = await w.call("investigator", "A", "DELETE", status);
    expect(cancel.statusCode).toBe(202);
    expect((await w.call("investigator", "A", "GET", status)).statusCode).toBe(404);
    expect((await w.call("investigator", "A", "GET", file)).statusCode).toBe(404);
    expect(
      await w.database.db
        .selectFrom("fhir_export_parts")
        .select("seq")
        .where("job_id", "=", status.split("/").at(-1)!)
        .execute(),
    ).toEqual([]);
  });

  it("survives its worker stopping part-way: a new worker finishes it, nothing written twice", async () => {
    let stopped: Promise<void> | null = null;
    let steps = 0;
    const first = work({
      pageSize: 1,
      leaseMs: 300,
      afterStep: () => {
        steps += 1;
        // stop as a crash would, keeping the lease: nothing of this worker runs after
        if (steps === 3) stopped = first.stop({ abandon: true });
      },
    });
    const status = await kickOff("investigator", "A", "/fhir/R4/$export?_type=Patient,Observation");
    for (let i = 0; i < 500 && !stopped; i++) await new Promise((r) => setTimeout(r, 10));
    await stopped;
    worker = null;
    const midway = await w.call("investigator", "A", "GET", status);
    expect(midway.statusCode).toBe(202);
    // three pages of one resource: the Patient, then two Observations
    expect(midway.headers["x-progress"]).toBe("type 2 of 2 (Observation), 3 resources written");
    // a new server process: its worker takes the job over once the dead worker's lease lapses
    work({ pageSize: 1, reclaimOnStart: false });
    const manifest = await manifestOf("investigator", "A", status);
    const files = await download("investigator", "A", manifest);
    const ids = files.get("Observation")!.map((o) => o.id);
    expect(ids.length).toBe(8);
    expect(new Set(ids).size).toBe(8);
    const job = await w.database.db
      .selectFrom("fhir_export_jobs")
      .select(["attempts", "state"])
      .where("id", "=", status.split("/").at(-1)!)
      .executeTakeFirstOrThrow();
    expect(job).toEqual({ attempts: 2, state: "completed" });
  });

  it("keeps to _typeFilter: only resources meeting one of a type's filters, other types whole", async () => {
    work();
    const other = await w.call("investigator", "A", "POST", "/api/v1/observations", {
      patientId: patientA,
      code: "718-7",
      valueNumber: 11,
      unit: "g/dL",
      effectiveAt: "2019-09-13T02:00:00Z",
    });
    expect(other.statusCode, other.body).toBe(201);
    const filters = ["Observation?code=http://loinc.org|1988-5&date=le2019-09-12", "Observation?code=718-7"];
    const url = `/fhir/R4/$export?_type=Patient,Observation&${filters
      .map((f) => `_typeFilter=${encodeURIComponent(f)}`)
      .join("&")}`;
    const manifest = await manifestOf("investigator", "A", await kickOff("investigator", "A", url));
    const files = await download("investigator", "A", manifest);
    // what the same searches find through the search routes, ORed
    const expected = new Set<string>();
    for (const f of filters) {
      const res = await w.call("investigator", "A", "GET", `/fhir/R4/${f}&_count=1000`);
      expect(res.statusCode, res.body).toBe(200);
      for (const e of res.json().entry ?? []) expected.add(e.resource.id);
    }
    const got = files.get("Observation")!.map((o) => o.id!);
    expect(got.sort()).toEqual([...expected].sort());
    expect(
      files
        .get("Observation")!
        .map((o) => (o as Observation).effectiveDateTime)
        .sort(),
    ).toEqual(["2019-09-11T01:00:00.000Z", "2019-09-12T01:00:00.000Z", "2019-09-13T02:00:00.000Z"]);
    expect(counts(manifest).Patient).toBe(1); // no filter on Patient: all of them
  });

  it("kicks off by POST of a Parameters resource (patient, _type, _typeFilter), and exports single doses", async () => {
    work();
    const dose = await w.call("investigator", "A", "POST", "/api/v1/medications", {
      patientId: patientA,
      drug: "tocilizumab",
      drugCodeSystem: "http://www.whocc.no/atc",
      drugCode: "L04AC07",
      doseValue: 8,
      doseUnit: "mg/kg",
      route: "intravenous",
      frequency: "once",
      startDate: "2019-09-16",
      stopDate: "2019-09-16",
      status: "completed",
    });
    expect(dose.statusCode, dose.body).toBe(201);
    const post = (url: string, body: unknown) =>
      w.call("investigator", "A", "POST", url, body, { ...ASYNC, "content-type": "application/fhir+json" });
    const parameters = {
      resourceType: "Parameters",
      parameter: [
        { name: "_type", valueString: "Observation,MedicationAdministration" },
        { name: "_typeFilter", valueString: "Observation?date=ge2019-09-14" },
        { name: "patient", valueReference: { reference: `Patient/${patientA}` } },
        { name: "_outputFormat", valueString: "application/fhir+ndjson" },
      ],
    };
    const res = await post("/fhir/R4/Patient/$export", parameters);
    expect(res.statusCode, res.body).toBe(202);
    const manifest = await manifestOf("investigator", "A", path(String(res.headers["content-location"])));
    // the IG: "In the case of a POST request, this URL will not include the request parameters"
    expect(manifest.request).toMatch(/^http:\/\/[^/]+\/fhir\/R4\/Patient\/\$export$/);
    const files = await download("investigator", "A", manifest);
    const search = await w.call(
      "investigator",
      "A",
      "GET",
      `/fhir/R4/Observation?patient=${patientA}&date=ge2019-09-14&_count=1000`,
    );
    const expected = (search.json().entry ?? []).map((e: { resource: Resource }) => e.resource.id).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(
      files
        .get("Observation")!
        .map((o) => o.id)
        .sort(),
    ).toEqual(expected);
    expect(files.get("MedicationAdministration")!.map((m) => m.id)).toEqual([dose.json().id]);

    // another site's patient named: nothing of theirs comes out
    const foreign = await post("/fhir/R4/Patient/$export", {
      resourceType: "Parameters",
      parameter: [
        { name: "_type", valueString: "Observation" },
        { name: "patient", valueReference: { reference: `Patient/${patientB}` } },
      ],
    });
    expect(foreign.statusCode, foreign.body).toBe(202);
    const none = await manifestOf("investigator", "A", path(String(foreign.headers["content-location"])));
    expect(none.output).toEqual([]);
  });

  it("refuses a malformed Parameters body with 400 and an OperationOutcome, queuing nothing", async () => {
    const before = await w.database.db.selectFrom("fhir_export_jobs").select("id").execute();
    const bodies: unknown[] = [
      { resourceType: "Bundle", type: "collection" },
      { resourceType: "Parameters", parameter: "_type=Observation" },
      { resourceType: "Parameters", parameter: [{ valueString: "Observation" }] },
      { resourceType: "Parameters", parameter: [{ name: "_type" }] },
      { resourceType: "Parameters", parameter: [{ name: "_since", valueString: "2020-01-01T00:00:00Z" }] },
      { resourceType: "Parameters", parameter: [{ name: "patient", valueString: `Patient/${patientA}` }] },
      { resourceType: "Parameters", parameter: [{ name: "_type", valueString: "Spaceship" }] },
      {
        resourceType: "Parameters",
        parameter: [{ name: "_typeFilter", valueString: "Observation?colour=red" }],
      },
      "{ not json",
    ];
    for (const body of bodies) {
      const res = await w.call("investigator", "A", "POST", "/fhir/R4/Patient/$export", body, {
        ...ASYNC,
        "content-type": "application/fhir+json",
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/fhir\+json/);
      const outcome = res.json() as OperationOutcome;
      expect(outcome.resourceType).toBe("OperationOutcome");
      expect(fhirProblems(outcome)).toEqual([]);
    }
    // a Parameters body at system level may not name patients
    const system = await w.call(
      "investigator",
      "A",
      "POST",
      "/fhir/R4/$export",
      {
        resourceType: "Parameters",
        parameter: [{ name: "patient", valueReference: { reference: `Patient/${patientA}` } }],
      },
      ASYNC,
    );
    expect(system.statusCode).toBe(400);
    const after = await w.database.db.selectFrom("fhir_export_jobs").select("id").execute();
    expect(after.length).toBe(before.length);
  });

  it("takes 200 patient references in a POST, and refuses more than MAX_BULK_PATIENTS with nothing queued", async () => {
    work();
    const post = (refs: string[]) =>
      w.call(
        "investigator",
        "A",
        "POST",
        "/fhir/R4/Patient/$export",
        {
          resourceType: "Parameters",
          parameter: [
            { name: "_type", valueString: "Observation" },
            ...refs.map((id) => ({ name: "patient", valueReference: { reference: `Patient/${id}` } })),
          ],
        },
        { ...ASYNC, "content-type": "application/fhir+json" },
      );
    // 199 patients this server does not have, then patientA last: a list cut short would lose them
    const others = Array.from({ length: 199 }, () => randomUUID());
    const res = await post([...others, patientA]);
    expect(res.statusCode, res.body).toBe(202);
    const jobId = String(res.headers["content-location"]).split("/").at(-1)!;
    const job = await w.database.db
      .selectFrom("fhir_export_jobs")
      .select(["request", "parameters"])
      .where("id", "=", jobId)
      .executeTakeFirstOrThrow();
    expect(job.parameters?.patient).toHaveLength(200);
    expect(job.request).not.toContain("patient");
    const manifest = await manifestOf("investigator", "A", path(String(res.headers["content-location"])));
    const files = await download("investigator", "A", manifest);
    const observations = files.get("Observation") ?? [];
    expect(observations.length).toBeGreaterThanOrEqual(5);
    expect(observations.every((o) => (o as Observation).subject?.reference === `Patient/${patientA}`)).toBe(
      true,
    );

    // the bound: exactly MAX_BULK_PATIENTS is taken, one more is refused
    const before = await w.database.db.selectFrom("fhir_export_jobs").select("id").execute();
    const many = Array.from({ length: MAX_BULK_PATIENTS + 1 }, () => randomUUID());
    const refused = await post(many);
    expect(refused.statusCode, refused.body).toBe(400);
    const outcome = refused.json() as OperationOutcome;
    expect(fhirProblems(outcome)).toEqual([]);
    expect(JSON.stringify(outcome)).toContain(`at most ${MAX_BULK_PATIENTS}`);
    const after = await w.database.db.selectFrom("fhir_export_jobs").select("id").execute();
    expect(after.length).toBe(before.length);
    await worker?.stop();
    worker = null;
    const most = await post(many.slice(1));
    expect(most.statusCode, most.body).toBe(202);
    const cancel = await w.call(
      "investigator",
      "A",
      "DELETE",
      path(String(most.headers["content-location"])),
    );
    expect(cancel.statusCode, cancel.body).toBe(202);
  });

  it("runs a job queued before migration 0026, its parameters in its request URL", async () => {
    // kicked off now, then made to look like a pre-0026 row before any worker sees it
    const res = await w.call(
      "investigator",
      "A",
      "POST",
      "/fhir/R4/Patient/$export",
      { resourceType: "Parameters", parameter: [{ name: "_type", valueString: "Patient" }] },
      { ...ASYNC, "content-type": "application/fhir+json" },
    );
    expect(res.statusCode, res.body).toBe(202);
    const status = path(String(res.headers["content-location"]));
    const request = `http://localhost/fhir/R4/Patient/$export?_type=Observation&_typeFilter=${encodeURIComponent(
      "Observation?date=ge2019-09-14",
    )}&patient=Patient%2F${patientA}`;
    await w.database.db
      .updateTable("fhir_export_jobs")
      .set({ parameters: null, request, types: JSON.stringify(["Observation"]) })
      .where("id", "=", status.split("/").at(-1)!)
      .execute();
    work();
    const manifest = await manifestOf("investigator", "A", status);
    expect(manifest.request).toBe(request);
    const files = await download("investigator", "A", manifest);
    const days = files
      .get("Observation")!
      .map((o) => (o as Observation).effectiveDateTime?.slice(0, 10))
      .sort();
    // patientA's days 14 and 15 (and 16 if a later test added one), none before the filter's date
    expect(days.length).toBeGreaterThanOrEqual(2);
    expect(days.every((d) => d! >= "2019-09-14")).toBe(true);
  });

  it("sweeps away a finished job a day after it finished, with its files, and writes nothing while none has expired", async () => {
    work();
    const status = await kickOff("investigator", "A", "/fhir/R4/$export?_type=Patient");
    await manifestOf("investigator", "A", status);
    await worker!.stop();
    worker = null;
    const jobId = status.split("/").at(-1)!;
    const rowsOf = async () => ({
      jobs: (
        await w.database.db.selectFrom("fhir_export_jobs").select("id").where("id", "=", jobId).execute()
      ).length,
      parts: (
        await w.database.db
          .selectFrom("fhir_export_parts")
          .select("seq")
          .where("job_id", "=", jobId)
          .execute()
      ).length,
    });
    expect(await rowsOf()).toEqual({ jobs: 1, parts: 1 });
    const isSweepRead = (e: QueryEvent) => /from "fhir_export_jobs" where "expires_at" </.test(e.sql);
    const isDelete = (e: QueryEvent) => /^delete from "fhir_export_jobs"/.test(e.sql);

    // A worker starting now sweeps at once: it looks, finds nothing expired, deletes nothing (a
    // DELETE of nothing is still a write: on PGlite it would drop every read kept until one).
    const seen: QueryEvent[] = [];
    const stopSeeing = w.database.observeQueries((e) => seen.push(e));
    try {
      work();
      await vi.waitFor(() => expect(seen.filter(isSweepRead).length).toBeGreaterThan(0), {
        timeout: 5000,
        interval: 10,
      });
      await worker!.stop();
      worker = null;
    } finally {
      stopSeeing();
    }
    expect(seen.filter(isDelete)).toEqual([]);
    expect(await rowsOf()).toEqual({ jobs: 1, parts: 1 });

    // Its clock a day and an hour on: the job is past EXPORT_RETENTION_MS, and goes with its files.
    const told: string[] = [];
    const later = await queriesRun(w.database, async () => {
      work({
        now: () => new Date(Date.now() + EXPORT_RETENTION_MS + 3_600_000),
        log: telling(told),
      });
      await vi.waitFor(async () => expect((await rowsOf()).jobs).toBe(0), { timeout: 5000, interval: 10 });
    });
    expect(later.filter(isDelete)).toHaveLength(1);
    expect(await rowsOf()).toEqual({ jobs: 0, parts: 0 });
    expect(told).toContain("expired bulk exports removed");
  });
});

describe("pages read on the reports' connection (decision 0060)", () => {
  const jobIdOf = (status: string) => status.split("/").at(-1)!;
  const partsOf = (jobId: string) =>
    w.database.db.selectFrom("fhir_export_parts").select("seq").where("job_id", "=", jobId).execute();
  const stepsUntil = (steps: StepResult[], n: number) =>
    vi.waitFor(() => expect(steps.length).toBeGreaterThanOrEqual(n), { timeout: 5000, interval: 10 });

  it("reads each page in a read-only snapshot there, and writes the job's progress on the primary", async () => {
    const seen = await queriesRun(w.database, async () => {
      work();
      await manifestOf(
        "investigator",
        "A",
        await kickOff("investigator", "A", "/fhir/R4/$export?_type=Observation"),
      );
    });
    const isRead = (e: QueryEvent) => /from "?observations"?/i.test(e.sql);
    const isReadOnly = (e: QueryEvent) => /^SET TRANSACTION READ ONLY$/i.test(e.sql);
    const isJobWrite = (e: QueryEvent) => /^(insert into|update) "?fhir_export_(parts|jobs)"?/i.test(e.sql);
    const reads = seen.filter(isRead);
    const parts = seen.filter((e) => /^insert into "?fhir_export_parts"?/i.test(e.sql));
    // patient A's five observations (or more, should a test before add some), two to a page
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(reads.length).toBeGreaterThanOrEqual(parts.length);
    for (const read of reads) {
      const before = seen.slice(0, seen.indexOf(read));
      // the snapshot was opened after the last write of the job, and the read is inside it
      expect(before.findLastIndex(isReadOnly)).toBeGreaterThan(before.findLastIndex(isJobWrite));
    }
    if (usingPostgres()) {
      // Its own pool (PGlite has one connection): every page there, the job's writes not.
      expect(reads.filter((e) => !e.reports).map((e) => e.sql)).toEqual([]);
      expect(seen.filter(isJobWrite).filter((e) => e.reports)).toEqual([]);
    }
  });

  it("waits, reading and writing nothing, while the reports' connection does not show the job", async () => {
    // A database that has never seen the kick-off stands for a replica behind it.
    const lagging = await testDatabase();
    try {
      const steps: StepResult[] = [];
      const told: string[] = [];
      work({
        reports: lagging.db,
        pollMs: 5,
        afterStep: (_, r) => void steps.push(r),
        log: telling(told),
      });
      const status = await kickOff("investigator", "A", "/fhir/R4/$export?_type=Patient");
      await stepsUntil(steps, 3);
      await worker!.stop();
      expect(new Set(steps)).toEqual(new Set(["waiting"]));
      // said once, not at every step
      expect(told).toEqual(["bulk export waits for the reports' replica to replay its kick-off"]);
      const job = await w.database.db
        .selectFrom("fhir_export_jobs")
        .select(["state", "cursor", "type_index", "counts"])
        .where("id", "=", jobIdOf(status))
        .executeTakeFirstOrThrow();
      expect(job).toEqual({ state: "running", cursor: null, type_index: 0, counts: {} });
      expect(await partsOf(jobIdOf(status))).toEqual([]);
      // caught up: the next worker exports it whole
      work();
      expect(counts(await manifestOf("investigator", "A", status))).toEqual({ Patient: 1 });
    } finally {
      await lagging.close();
    }
  });

  it.runIf(usingPostgres())(
    "writes nothing of a page read while another worker took the job over",
    async () => {
      let status = "";
      let movedOn = false;
      // While the page is read, another worker takes the job (the primary, through its own pool).
      const reports = w.database.reports.withPlugin({
        transformQuery: (a) => a.node,
        async transformResult(a) {
          if (!movedOn && status) {
            movedOn = true;
            await w.database.db
              .updateTable("fhir_export_jobs")
              .set({ lease_owner: "another worker" })
              .where("id", "=", jobIdOf(status))
              .execute();
          }
          return a.result;
        },
      });
      const steps: StepResult[] = [];
      work({ reports, afterStep: (_, r) => void steps.push(r) });
      status = await kickOff("investigator", "A", "/fhir/R4/$export?_type=Patient");
      await stepsUntil(steps, 1);
      expect(movedOn).toBe(true);
      expect(steps[0]).toBe("lost");
      expect(await partsOf(jobIdOf(status))).toEqual([]);
      expect((await w.call("investigator", "A", "DELETE", status)).statusCode).toBe(202);
    },
  );
});

describe.runIf(usingPostgres())("on PostgreSQL, the database lost part-way through a job", () => {
  const exportUrl = "/fhir/R4/$export?_type=Patient,Observation";
  const ids = (files: Map<string, Resource[]>) =>
    [...files.entries()].flatMap(([type, resources]) => resources.map((r) => `${type}/${r.id}`)).sort();
  const jobOf = (status: string) =>
    w.database.db
      .selectFrom("fhir_export_jobs")
      .select(["attempts", "state"])
      .where("id", "=", status.split("/").at(-1)!)
      .executeTakeFirstOrThrow();
  let expected: string[];
  let relay: DatabaseRelay;
  let database: Database;
  let lost: Error[];
  let told: string[];

  beforeAll(async () => {
    // What the export holds when nothing goes wrong.
    work({ pageSize: 1 });
    const status = await kickOff("investigator", "A", exportUrl);
    expected = ids(await download("investigator", "A", await manifestOf("investigator", "A", status)));
    await worker!.stop();
    worker = null;
    expect(expected.length).toBeGreaterThanOrEqual(6);
  });

  beforeEach(async () => {
    // The worker as another server process would run it, on connections of its own through a
    // relay that the test cuts.
    relay = await databaseRelay(process.env.TEST_DATABASE_URL!);
    const { schema } = (
      await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(w.database.db)
    ).rows[0]!;
    database = await openDatabase({ kind: "postgres", url: relay.url, schema, maxConnections: 2 });
    lost = [];
    database.observeLostConnections!((e) => lost.push(e));
    told = [];
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await database.close();
    await relay.takeAway();
  });

  const workThrough = (afterStep: (steps: number) => void | Promise<void>) => {
    let steps = 0;
    work({ pageSize: 1, leaseMs: 300, afterStep: () => afterStep(++steps), log: telling(told) }, database);
  };

  it("a connection cut while a page is written: that page is written again once, the job claimed again at once", async () => {
    workThrough((steps) => {
      // the second page's write never reaches the server
      if (steps === 1) relay.cutOnceAt('insert into "fhir_export_parts"');
    });
    const status = await kickOff("investigator", "A", exportUrl);
    const exported = ids(await download("investigator", "A", await manifestOf("investigator", "A", status)));
    expect(exported).toEqual(expected);
    expect(told).toEqual(["bulk export step failed"]);
    expect(lost).toHaveLength(1);
    // a passing fault: the lease handed back and the attempt counted, not the job failed
    expect(await jobOf(status)).toEqual({ attempts: 2, state: "completed" });
  });

  it("the database away for 400 ms: the worker waits it out and finishes the job once its lease lapses", async () => {
    workThrough(async (steps) => {
      if (steps !== 2) return;
      await relay.takeAway();
      setTimeout(() => void relay.bringBack(), 400);
    });
    const status = await kickOff("investigator", "A", exportUrl);
    const exported = ids(await download("investigator", "A", await manifestOf("investigator", "A", status)));
    expect(exported).toEqual(expected);
    expect(told).toContain("bulk export step failed");
    expect(lost.length).toBeGreaterThan(0);
    // claimed, lost with the database, claimed again once its lease lapsed
    expect(await jobOf(status)).toEqual({ attempts: 2, state: "completed" });
  });
});
