/**
 * `v2v export fhir`: NDJSON per type and a Bulk Data-shaped manifest, what the named user may read
 * and nothing more, `--type` and `--since`, bad options refused before anything is written, and
 * every exported line valid R4. Audited once at its start on the primary, its pages read on the
 * reports' connection once that shows the audit record (decision 0060's addendum of 2026-12-07).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Resource } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QueryEvent } from "../../src/store/database.ts";
import { runV2v } from "../support/cli.ts";
import { testDatabase, usingPostgres } from "../support/database.ts";
import { fhirProblems } from "../support/fhir-validation.ts";
import { queriesRun } from "../support/statements.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let dir: string;
const out = (name: string) => join(dir, name);
const lines = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Resource);
/** The audit records of `v2v export fhir` runs, oldest first. */
const exportRecords = () =>
  w.database.db
    .selectFrom("audit_events")
    .select(["id", "at", "action", "actor_id", "actor_name", "site_id", "after"])
    .where("entity_type", "=", "fhir-export")
    .orderBy("id")
    .execute();

beforeAll(async () => {
  w = await buildWorld();
  dir = mkdtempSync(join(tmpdir(), "v2v-fhir-export-"));
  for (const site of ["A", "B"] as const) {
    const p = await w.call("investigator", site, "POST", "/api/v1/patients", {
      siteId: w.sites[site],
      birthYear: 1976,
      sex: "female",
      identity: { familyName: "Li", givenName: "Mei", sex: "female", birthDate: "1976-03-02" },
    });
    expect(p.statusCode, p.body).toBe(201);
    const o = await w.call("investigator", site, "POST", "/api/v1/observations", {
      observations: [1, 2, 3].map((d) => ({
        patientId: p.json().id,
        code: "1988-5",
        valueNumber: 10 * d,
        unit: "mg/L",
        effectiveAt: `2019-09-1${d}T01:00:00Z`,
      })),
    });
    expect(o.statusCode, o.body).toBe(201);
  }
});
afterAll(async () => {
  await w.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("v2v export fhir", () => {
  it("writes one NDJSON file per type the user may read, only their site's records, with a manifest", async () => {
    const run = await runV2v(w.database, [
      "export",
      "fhir",
      "--out",
      out("all"),
      "--as",
      w.usernames.investigator.A,
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Exported \d+ resource\(s\)/);
    const manifest = JSON.parse(readFileSync(out("all/manifest.json"), "utf8"));
    const counts = Object.fromEntries(
      manifest.output.map((o: { type: string; count: number }) => [o.type, o.count]),
    );
    expect(counts.Patient).toBe(1);
    expect(counts.Observation).toBe(3);
    expect(counts.Provenance).toBeUndefined(); // an investigator does not read the audit trail
    const patients = lines(out("all/Patient.ndjson"));
    expect(patients[0]).not.toHaveProperty("name"); // pseudonymous
    const all = readdirSync(out("all"))
      .filter((f) => f.endsWith(".ndjson"))
      .flatMap((f) => lines(out(`all/${f}`)));
    expect(all.length).toBe(Object.values(counts).reduce((a, b) => (a as number) + (b as number), 0));
    expect(all.flatMap(fhirProblems)).toEqual([]);
  });

  it("keeps to --type and --since", async () => {
    const run = await runV2v(w.database, [
      "export",
      "fhir",
      "--out",
      out("obs"),
      "--as",
      w.usernames.investigator.B,
      "--type",
      "Observation",
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(out("obs")).sort()).toEqual(["Observation.ndjson", "manifest.json"]);
    expect(lines(out("obs/Observation.ndjson"))).toHaveLength(3);
    const later = await runV2v(w.database, [
      "export",
      "fhir",
      "--out",
      out("none"),
      "--as",
      w.usernames.investigator.B,
      "--since",
      "2100-01-01T00:00:00Z",
    ]);
    expect(later.status, later.stderr).toBe(0);
    expect(JSON.parse(readFileSync(out("none/manifest.json"), "utf8")).output).toEqual([]);
  });

  it("shows its progress by resource type on stderr with --progress", async () => {
    const run = await runV2v(w.database, [
      "export",
      "fhir",
      "--out",
      out("progress"),
      "--as",
      w.usernames.investigator.A,
      "--type",
      "Patient,Observation",
      "--progress",
    ]);
    expect(run.status, run.stderr).toBe(0);
    // The bar's last state: both types done, the last one named with its count.
    expect(run.stderr).toMatch(/FHIR export \[[^\]]*\] 2\/2 types \| Observation 3/);
    const quiet = await runV2v(w.database, [
      "export",
      "fhir",
      "--out",
      out("quiet"),
      "--as",
      w.usernames.investigator.A,
      "--type",
      "Patient",
    ]);
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain("FHIR export");
  });

  it("refuses unknown types, a zone-less --since and unreadable types, writing nothing", async () => {
    const bad = await runV2v(w.database, [
      "export",
      "fhir",
      "--out",
      out("bad"),
      "--as",
      w.usernames.investigator.A,
      "--type",
      "Spaceship",
      "--since",
      "2020-01-01T00:00:00",
      "--replica-wait",
      "soon",
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Spaceship/);
    expect(bad.stderr).toMatch(/time zone/);
    expect(bad.stderr).toMatch(/replica-wait/);
    const recorded = (await exportRecords()).length;
    const refused = await runV2v(w.database, [
      "export",
      "fhir",
      "--out",
      out("refused"),
      "--as",
      w.usernames.investigator.A,
      "--type",
      "Provenance",
    ]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Provenance/);
    expect(() => readdirSync(out("refused")).filter((f) => f.endsWith(".ndjson"))).not.toThrow();
    expect(readdirSync(out("refused")).filter((f) => f.endsWith(".ndjson"))).toEqual([]);
    // nor recorded as an export
    expect(await exportRecords()).toHaveLength(recorded);
  });
});

describe("v2v export fhir on the reports' connection (decision 0060)", () => {
  const isPageRead = (e: QueryEvent) => /^select\b.*\bfrom "?(observations|assessments)"?/is.test(e.sql);
  const isAuditWrite = (e: QueryEvent) => /^insert into "?audit_events"?/i.test(e.sql);
  const isReadOnly = (e: QueryEvent) => /^SET TRANSACTION READ ONLY$/i.test(e.sql);
  const isWrite = (e: QueryEvent) => /^(insert|update|delete)\b/i.test(e.sql);

  it("records the export once, as the user, before its first read, and reads every page in a read-only snapshot", async () => {
    const before = await exportRecords();
    let run = { status: -1, stdout: "", stderr: "" };
    const seen = await queriesRun(w.database, async () => {
      run = await runV2v(w.database, [
        "export",
        "fhir",
        "--out",
        out("audited"),
        "--as",
        w.usernames.investigator.A,
        "--type",
        "Observation",
        "--since",
        "2000-01-01T00:00:00Z",
      ]);
    });
    expect(run.status, run.stderr).toBe(0);
    // the files and counts as before
    const manifest = JSON.parse(readFileSync(out("audited/manifest.json"), "utf8"));
    expect(manifest.output).toEqual([{ type: "Observation", url: "Observation.ndjson", count: 3 }]);
    expect(lines(out("audited/Observation.ndjson"))).toHaveLength(3);

    const records = (await exportRecords()).slice(before.length);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record).toMatchObject({
      action: "export",
      actor_id: (await w.as("investigator", "A")).actor.userId,
      actor_name: w.usernames.investigator.A,
      site_id: null,
      after: {
        format: "fhir-ndjson",
        types: ["Observation"],
        since: "2000-01-01T00:00:00.000Z",
        to: out("audited"),
      },
    });
    // The manifest promises what was committed up to the record's own time.
    expect(manifest.transactionTime).toBe(record!.at.toISOString());

    const writes = seen.filter(isAuditWrite);
    expect(writes).toHaveLength(1);
    const reads = seen.filter(isPageRead);
    expect(reads.length).toBeGreaterThanOrEqual(2); // observations and assessments
    for (const read of reads) {
      const earlier = seen.slice(0, seen.indexOf(read));
      // after the audit record, inside a read-only snapshot opened after it
      expect(earlier.findLastIndex(isAuditWrite)).toBeGreaterThanOrEqual(0);
      expect(earlier.findLastIndex(isReadOnly)).toBeGreaterThan(earlier.findLastIndex(isAuditWrite));
    }
    if (usingPostgres()) {
      // Every page on the reports' own pool; the audit record, and every write, not.
      expect(reads.filter((e) => !e.reports).map((e) => e.sql)).toEqual([]);
      expect(writes.filter((e) => e.reports)).toEqual([]);
      expect(seen.filter((e) => e.reports && isWrite(e)).map((e) => e.sql)).toEqual([]);
    }
  });

  it("gives up after --replica-wait when the reports' connection never shows its start, writing no file", async () => {
    // A database that never saw the export's start stands for a replica behind it.
    const lagging = await testDatabase();
    try {
      const looked = await queriesRun(lagging, async () => {
        const began = performance.now();
        const run = await runV2v({ ...w.database, reports: lagging.db }, [
          "export",
          "fhir",
          "--out",
          out("lagging"),
          "--as",
          w.usernames.investigator.A,
          "--type",
          "Patient,Observation",
          "--replica-wait",
          "0.3",
        ]);
        expect(performance.now() - began).toBeGreaterThanOrEqual(300);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(
          /the reports' replica \(DATABASE_REPORTS_URL\) has not shown its start after 0\.3 s, so it lags behind the primary/,
        );
      });
      // It looked for its start there again and again, and read no page.
      expect(looked.filter((e) => /from "?audit_events"?/i.test(e.sql)).length).toBeGreaterThan(1);
      expect(looked.filter((e) => /from "?(patients|observations)"?/i.test(e.sql))).toEqual([]);
      expect(readdirSync(out("lagging"))).toEqual([]);
    } finally {
      await lagging.close();
    }
  });
});
