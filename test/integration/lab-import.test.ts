/**
 * Lab import end to end: good CSV and FHIR files become observations in canonical units with the
 * lab's own value and unit kept; a file with bad rows reports every one and writes nothing (rows
 * counted before and after); patients of another site read as unknown; the same file twice is a
 * conflict; and `v2v labs import` exits non-zero with the problems on stderr.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLabImport } from "../../src/cli/lab-import-command.ts";
import type { DomainError } from "../../src/domain/errors.ts";
import { systemActor } from "../../src/services/context.ts";
import { createPatient } from "../../src/services/patients.ts";
import { createSite, createUser } from "../../src/services/sites.ts";
import type { Database } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { testDatabase } from "../support/database.ts";
import { buildWorld, type World } from "../support/world.ts";

const FIXTURES = new URL("../fixtures/lab-import/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const mapping = JSON.parse(fixture("mapping.json"));

let w: World;
beforeAll(async () => {
  w = await buildWorld();
  const a = await w.as("coordinator", "A");
  const b = await w.as("coordinator", "B");
  for (const code of ["AA-0001", "AA-0002"])
    await createPatient(a, { siteId: w.sites.A, subjectCode: code, birthYear: 1980, sex: "female" });
  await createPatient(b, { siteId: w.sites.B, subjectCode: "BB-0001", birthYear: 1975, sex: "male" });
}, 180_000); // a world of twelve users with hashed passwords is slow on a busy machine
afterAll(() => w?.close());

async function counts() {
  const n = async (table: "observations" | "lab_imports" | "audit_events") =>
    Number(
      (
        await w.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    observations: await n("observations"),
    imports: await n("lab_imports"),
    audit: await n("audit_events"),
  };
}

const csvBody = (content: string, fileName = "labs.csv") => ({
  format: "csv",
  siteId: w.sites.A,
  fileName,
  mapping,
  content,
});

const postFhir = (text: string, site: "A" | "B" = "A", role: "coordinator" | "monitor" = "coordinator") =>
  w.app.inject({
    method: "POST",
    url: `/api/v1/lab-imports?siteId=${w.sites.A}&fileName=bundle.json`,
    headers: { authorization: `Bearer ${w.tokens[role][site]}`, "content-type": "application/fhir+json" },
    payload: text,
  });

async function observationsOf(importId: string) {
  return w.database.db
    .selectFrom("observations")
    .selectAll()
    .where("lab_import_id", "=", importId)
    .orderBy("id")
    .execute();
}

describe("a good CSV file", () => {
  it("is imported in canonical units with the lab's value and unit kept, audited with its hash", async () => {
    const before = await counts();
    const res = await w.call("coordinator", "A", "POST", "/api/v1/lab-imports", csvBody(fixture("good.csv")));
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ format: "csv", fileName: "labs.csv", rowCount: 9, siteId: w.sites.A });
    // all but the coded ANA (no unit) and nothing else were written in a canonical unit
    expect(created.convertedCount).toBe(8);
    expect(created.sha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = await observationsOf(created.id);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    expect(byCode.get("718-7")).toBeDefined();
    const hb = rows
      .filter((r) => r.code === "718-7")
      .map((r) => [r.value_number, r.unit, r.original_value, r.original_unit]);
    expect(hb).toContainEqual([11.2, "g/dL", 112, "g/L"]);
    expect(byCode.get("5130-0")).toMatchObject({
      value_number: 45,
      unit: "[IU]/mL",
      original_value: 45,
      original_unit: "kIU/L",
    });
    expect(byCode.get("2465-3")).toMatchObject({ value_number: 650, unit: "mg/dL", original_unit: "g/L" });
    expect(byCode.get("8116-6")).toMatchObject({ value_number: 0, unit: "/uL", original_unit: "cells/uL" });
    expect(byCode.get("8061-4")).toMatchObject({ value_code: "negative", unit: null, original_unit: null });
    expect(byCode.get("1988-5")).toMatchObject({ reference_range: "<0.5 mg/dL, adults", site_id: w.sites.A });
    const after = await counts();
    expect(after.observations - before.observations).toBe(9);
    expect(after.imports - before.imports).toBe(1);
    // one audit row per observation and one for the import itself
    expect(after.audit - before.audit).toBe(10);
    const audit = await w.database.db
      .selectFrom("audit_events")
      .selectAll()
      .where("entity_type", "=", "lab-import")
      .where("entity_id", "=", created.id)
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({
      sha256: created.sha256,
      rowCount: 9,
    });
    // and the observations API shows the originals
    const one = await w.call("investigator", "A", "GET", `/api/v1/observations/${byCode.get("2465-3")!.id}`);
    expect(one.json()).toMatchObject({
      valueNumber: 650,
      unit: "mg/dL",
      originalValue: 6.5,
      originalUnit: "g/L",
      labImportId: created.id,
    });
  });

  it("imported a second time is a conflict and writes nothing", async () => {
    const before = await counts();
    const res = await w.call(
      "coordinator",
      "A",
      "POST",
      "/api/v1/lab-imports",
      csvBody(fixture("good.csv"), "again.csv"),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/already imported/);
    expect(await counts()).toEqual(before);
  });
});

describe("a CSV file with bad rows", () => {
  it("reports every bad row with its line and column, and writes nothing", async () => {
    const before = await counts();
    const res = await w.call("coordinator", "A", "POST", "/api/v1/lab-imports", csvBody(fixture("bad.csv")));
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.detail).toBe("The file has 7 problem(s) in 7 of 9 row(s); nothing was imported.");
    expect(problem.errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ["/lines/3/Units", "incompatible_unit"],
      ["/lines/4/Test", "unknown_loinc"],
      ["/lines/5/Result", "invalid_number"],
      ["/lines/6/Units", "unknown_unit"],
      ["/lines/7/Subject", "unknown_patient"],
      ["/lines/8/Collected", "invalid_time"],
      ["/lines/9/Subject", "unknown_patient"],
    ]);
    // a patient of site B reads exactly like one that does not exist
    const detail = (line: number) =>
      problem.errors.find((e: { pointer: string }) => e.pointer === `/lines/${line}/Subject`)
        .detail as string;
    expect(detail(7)).toBe("no patient with subject code BB-0001 at this site");
    expect(detail(9)).toBe("no patient with subject code AA-0009 at this site");
    expect(await counts()).toEqual(before);
  });

  it("with a bad mapping is refused before any row is read", async () => {
    const res = await w.call("coordinator", "A", "POST", "/api/v1/lab-imports", {
      ...csvBody(fixture("good.csv")),
      mapping: { columns: { subjectCode: "Subject" } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(["/mapping/columns/code", "/mapping/columns/value"]),
    );
  });
});

describe("request size", () => {
  it("takes files beyond the app's 8 MB default body limit, and refuses past its own (413)", async () => {
    const big = { ...csvBody("x".repeat(9 * 1024 * 1024)), mapping: {} };
    const res = await w.call("coordinator", "A", "POST", "/api/v1/lab-imports", big);
    // read and refused for its mapping, not for its size
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toMatch(/^\/mapping/);
    const huge = { ...big, content: "x".repeat(40 * 1024 * 1024) };
    expect((await w.call("coordinator", "A", "POST", "/api/v1/lab-imports", huge)).statusCode).toBe(413);
  });
});

describe("a FHIR R4 Bundle", () => {
  it("is imported with canonical units and originals kept", async () => {
    const res = await postFhir(fixture("good-bundle.json"));
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ format: "fhir", fileName: "bundle.json", rowCount: 4 });
    const rows = await observationsOf(created.id);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    expect(byCode.get("718-7")).toMatchObject({
      value_number: 12,
      unit: "g/dL",
      original_value: 120,
      original_unit: "g/L",
      reference_range: "115 g/L–150 g/L",
    });
    expect(byCode.get("777-3")).toMatchObject({
      value_number: 150,
      unit: "10*3/uL",
      original_unit: "10*9/L",
    });
    expect(byCode.get("5130-0")).toMatchObject({ status: "amended", value_number: 8 });
    expect(byCode.get("8061-4")).toMatchObject({ value_code: "260385009" });
  });

  it("with bad entries reports each as a JSON Pointer, other-site patients included, and writes nothing", async () => {
    const before = await counts();
    const res = await postFhir(fixture("bad-bundle.json"));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      "/entry/1/resource/valueQuantity/code",
      "/entry/2/resource/valueQuantity/system",
      "/entry/3/resource/valueQuantity/unit",
      "/entry/4/resource/subject/reference",
      "/entry/6/resource/resourceType",
      "/entry/7/resource/subject/identifier/value",
    ]);
    expect(await counts()).toEqual(before);
  });

  it("that is not JSON is refused", async () => {
    const res = await postFhir("{ not json");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("invalid_json");
  });
});

describe("who may import", () => {
  it("a monitor may not (403); a coordinator of another site sees no such site (404)", async () => {
    const before = await counts();
    expect((await postFhir(fixture("good-bundle.json"), "A", "monitor")).statusCode).toBe(403);
    expect((await postFhir(fixture("good-bundle.json"), "B", "coordinator")).statusCode).toBe(404);
    expect(await counts()).toEqual(before);
  });
});

describe("the command's work in process (runLabImport)", () => {
  const path = (name: string) => new URL(name, FIXTURES).pathname;
  const opts = (format: "csv" | "fhir", as: string, mappingFile?: string) => ({
    format,
    site: "AA",
    as,
    ...(mappingFile ? { mapping: path(mappingFile) } : {}),
  });

  it("acts as the named user: a monitor is refused, a CSV needs a mapping, a file already imported is a conflict", async () => {
    const before = await counts();
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: DomainError) => [e.code, e.message],
      );
    expect(
      await refused(runLabImport(w.database, path("good-bundle.json"), opts("fhir", "monitor-a"))),
    ).toEqual(["forbidden", "Your role at this site does not allow clinical write."]);
    expect(await refused(runLabImport(w.database, path("good.csv"), opts("csv", "coordinator-a")))).toEqual([
      "validation",
      "A CSV import needs --mapping <file>.",
    ]);
    // imported over HTTP above: same SHA-256 at the same site
    expect(
      (await refused(runLabImport(w.database, path("good-bundle.json"), opts("fhir", "coordinator-a"))))?.[0],
    ).toBe("conflict");
    expect(
      await refused(runLabImport(w.database, path("good.csv"), opts("csv", "nobody", "mapping.json"))),
    ).toEqual(["validation", "No active user nobody."]);
    expect(await counts()).toEqual(before);
  });
});

describe("v2v labs import", () => {
  let database: Database;
  afterAll(() => database?.close());

  beforeAll(async () => {
    database = await testDatabase();
    {
      const system = { db: database.db, actor: systemActor(), now: () => new Date() };
      const site = await createSite(system, {
        code: "AA",
        name: "Site A",
        department: "Hematology",
        timeZone: "Asia/Shanghai",
      });
      await createUser(system, {
        username: "lab-coordinator",
        displayName: "Lab coordinator",
        memberships: [{ siteId: site.id, role: "coordinator" }],
      });
      const ctx = { ...system, actor: { ...systemActor([{ siteId: site.id, role: "coordinator" }]) } };
      for (const code of ["AA-0001", "AA-0002"])
        await createPatient(ctx, { siteId: site.id, subjectCode: code, birthYear: 1980, sex: "female" });
    }
  });

  const run = async (file: string, extra: string[] = []) => {
    const r = await runV2v(database, [
      "labs",
      "import",
      new URL(file, FIXTURES).pathname,
      "--format",
      file.endsWith(".json") ? "fhir" : "csv",
      "--mapping",
      new URL("mapping.json", FIXTURES).pathname,
      "--site",
      "AA",
      "--as",
      "lab-coordinator",
      ...extra,
    ]);
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("exits 2 and prints every problem of a bad file, then imports a good one showing progress", async () => {
    const bad = await run("bad.csv");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("nothing was imported");
    expect(bad.stderr).toContain("/lines/3/Units: line 3: mg/dL cannot be converted to 10*3/uL");
    expect(bad.stderr).toContain("/lines/7/Subject: no patient with subject code BB-0001 at this site");
    expect(bad.stderr.match(/^ {2}\/lines\//gm)).toHaveLength(7);

    const good = await run("good.csv", ["--progress"]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toMatch(
      /Imported 9 result\(s\) from good\.csv at AA: import [0-9a-f-]{36}, 9 new, 0 corrected, 0 retracted, 0 unchanged, 0 context entries skipped, 8 converted/,
    );
    expect(good.stderr).toMatch(/writing.*9\/9 rows/);

    {
      const n = await database.db
        .selectFrom("observations")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(9);
    }
  });
});
