/**
 * `v2v export fhir`: NDJSON per type and a Bulk Data-shaped manifest, what the named user may read
 * and nothing more, `--type` and `--since`, bad options refused before anything is written, and
 * every exported line valid R4.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Resource } from "@medplum/fhirtypes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runV2v } from "../support/cli.ts";
import { fhirProblems } from "../support/fhir-validation.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
let dir: string;
const out = (name: string) => join(dir, name);
const lines = (file: string) =>
  readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Resource);

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
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Spaceship/);
    expect(bad.stderr).toMatch(/time zone/);
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
  });
});
