/**
 * Real-shaped lab files through the HTTP API, checked field by field so that nothing the lab sent
 * is lost (issue 13, decision 0035): a transaction bundle with Patient, DiagnosticReport, urn:uuid
 * subjects and a CBC panel with hasMember; a searchset with censored values, a missing result,
 * interpretation flags, structured ranges, a date-only time and a 24-hour collection period; a
 * collection that corrects one earlier result and retracts another; and a German CSV with decimal
 * commas. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLabImport } from "../../src/cli/lab-import-command.ts";
import { ReferenceLimits, sledaiLabDescriptors } from "../../src/domain/assessment-prefill.ts";
import { localDate } from "../../src/domain/study-day.ts";
import type { ObservationDto } from "../../src/services/observations.ts";
import { createPatient } from "../../src/services/patients.ts";
import { observationsInWindow } from "../../src/store/clinical-records.ts";
import { refusal, rolledBack } from "../support/rolled-back.ts";
import { buildWorld, type World } from "../support/world.ts";

const FIXTURES = new URL("../fixtures/lab-import/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const LIS = "https://lis.example-hospital.cn/fhir/sid/result-id";
const INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
const flag = (code: string, display: string) => [{ system: INTERP, code, display }];

let w: World;
const patient: Record<string, string> = {};
beforeAll(async () => {
  w = await buildWorld();
  const a = await w.as("coordinator", "A");
  const b = await w.as("coordinator", "B");
  for (const code of ["AA-0001", "AA-0002"])
    patient[code] = (
      await createPatient(a, { siteId: w.sites.A, subjectCode: code, birthYear: 1980, sex: "female" })
    ).id;
  patient["BB-0001"] = (
    await createPatient(b, { siteId: w.sites.B, subjectCode: "BB-0001", birthYear: 1975, sex: "male" })
  ).id;
}, 180_000);
afterAll(() => w?.close());

const postFhir = (text: string, name: string) =>
  w.app.inject({
    method: "POST",
    url: `/api/v1/lab-imports?siteId=${w.sites.A}&fileName=${name}`,
    headers: { authorization: `Bearer ${w.tokens.coordinator.A}`, "content-type": "application/fhir+json" },
    payload: text,
  });

async function observationsOf(subject: string, site: "A" | "B" = "A", includeErrors = false) {
  const res = await w.call(
    "coordinator",
    site,
    "GET",
    `/api/v1/observations?patientId=${patient[subject]}&limit=100${includeErrors ? "&includeErrors=true" : ""}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as ObservationDto[];
}
const byCode = (list: ObservationDto[], code: string) => list.filter((o) => o.code === code);

describe("a transaction bundle: Patient, DiagnosticReport, urn:uuid subjects, a panel with hasMember", () => {
  it("imports the three panel members, not the panel, for the Patient the urn:uuid names", async () => {
    const res = await postFhir(fixture("transaction-panel.json"), "transaction-panel.json");
    expect(res.statusCode, res.body).toBe(201);
    // 6 entries: Patient, DiagnosticReport and the panel are context; its 3 members are results.
    expect(res.json()).toMatchObject({
      format: "fhir",
      rowCount: 3,
      createdCount: 3,
      skippedCount: 3,
      correctedCount: 0,
      retractedCount: 0,
      convertedCount: 3,
    });
    const list = await observationsOf("AA-0001");
    expect(list.map((o) => o.code).sort()).toEqual(["6690-2", "718-7", "777-3"]); // no 58410-2 panel
    const common = {
      codeSystem: "http://loinc.org",
      status: "final",
      effectiveAt: "2025-04-30T23:40:00.000Z", // 07:40 +08:00
      effectiveEnd: null,
      effectiveIsDate: false,
      valueComparator: null,
      absentReason: null,
      source: "lab import (FHIR)",
      identifierSystem: LIS,
      version: 1,
    };
    // 118 g/L = 11.8 g/dL; 10*9/L = 10*3/uL; every range limit converted with its value.
    expect(byCode(list, "718-7")).toEqual([
      expect.objectContaining({
        ...common,
        valueNumber: 11.8,
        unit: "g/dL",
        originalValue: 118,
        originalUnit: "g/L",
        referenceRange: "115 g/L–150 g/L",
        referenceLow: 11.5,
        referenceHigh: 15,
        interpretation: flag("N", "Normal"),
        identifierValue: "R25-050101-HGB",
      }),
    ]);
    expect(byCode(list, "6690-2")).toEqual([
      expect.objectContaining({
        ...common,
        valueNumber: 2.1,
        unit: "10*3/uL",
        originalValue: 2.1,
        originalUnit: "10*9/L",
        referenceRange: "3.5 10*9/L–9.5 10*9/L",
        referenceLow: 3.5,
        referenceHigh: 9.5,
        interpretation: flag("L", "Low"),
        identifierValue: "R25-050101-WBC",
      }),
    ]);
    expect(byCode(list, "777-3")).toEqual([
      expect.objectContaining({
        ...common,
        valueNumber: 85,
        unit: "10*3/uL",
        referenceLow: 125,
        referenceHigh: 350,
        interpretation: flag("L", "Low"),
        identifierValue: "R25-050101-PLT",
      }),
    ]);
  });

  it("refuses a panel whose member is not in the bundle, and a reference to a Patient outside it", async () => {
    const bundle = JSON.parse(fixture("transaction-panel.json"));
    bundle.entry.splice(5, 1); // the platelet member
    bundle.entry[3].resource.subject = { reference: "Patient/elsewhere-1" };
    const res = await postFhir(JSON.stringify(bundle), "broken.json");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ["/entry/2/resource/hasMember/2/reference", "missing_member"],
      ["/entry/3/resource/subject/reference", "unresolvable_subject"],
    ]);
  });
});

describe("a searchset: censored values, a missing result, interpretation, ranges, date-only and period", () => {
  let list: ObservationDto[];
  beforeAll(async () => {
    const res = await postFhir(fixture("searchset-ranges.json"), "searchset-ranges.json");
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ rowCount: 8, createdCount: 8, skippedCount: 1 });
    list = await observationsOf("AA-0002");
  });

  it("keeps every value, unit, range, flag, comparator and status", () => {
    expect(list).toHaveLength(8);
    const one = (code: string) => {
      const found = byCode(list, code);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    // A date alone is the start of that day at site A (Asia/Shanghai, +08:00).
    const day = { effectiveAt: "2025-05-09T16:00:00.000Z", effectiveIsDate: true };
    expect(one("4485-9")).toMatchObject({
      ...day,
      valueNumber: 85, // 0.85 g/L
      unit: "mg/dL",
      originalValue: 0.85,
      originalUnit: "g/L",
      referenceLow: 79,
      referenceHigh: 152,
      referenceRange: "0.79 g/L–1.52 g/L",
      interpretation: flag("N", "Normal"),
      identifierValue: "R25-0510-c3",
      status: "final",
    });
    expect(one("4498-2")).toMatchObject({ ...day, valueNumber: 12, referenceLow: 10, referenceHigh: 40 });
    expect(one("5130-0")).toMatchObject({
      ...day,
      valueNumber: 45,
      unit: "[IU]/mL",
      referenceLow: null,
      referenceHigh: 100,
      referenceRange: "< 100 IU/mL",
    });
    expect(one("1988-5")).toMatchObject({
      valueNumber: 0.5,
      valueComparator: "<",
      unit: "mg/L",
      referenceHigh: 5,
      referenceRange: "≤ 5 mg/L",
      effectiveAt: "2025-05-10T00:05:00.000Z",
      effectiveIsDate: false,
    });
    expect(one("26881-3")).toMatchObject({
      valueNumber: 5000,
      valueComparator: ">",
      unit: "pg/mL",
      interpretation: flag("HH", "Critical high"),
    });
    expect(one("2276-4")).toMatchObject({
      valueNumber: null,
      valueCode: null,
      valueText: null,
      unit: null,
      absentReason: "error",
      note: "No result: haemolysed sample",
    });
    expect(one("8061-4")).toMatchObject({
      valueCode: "260385009",
      valueCodeSystem: "http://snomed.info/sct",
      unit: null,
      interpretation: flag("N", "Normal"),
    });
    expect(one("2889-4")).toMatchObject({
      valueNumber: 0.3,
      unit: "g/(24.h)",
      effectiveAt: "2025-05-09T00:00:00.000Z",
      effectiveEnd: "2025-05-10T00:00:00.000Z",
      referenceHigh: 0.15,
      interpretation: flag("H", "High"),
    });
  });

  it("shows a censored result with its comparator and a missing one with its reason on the timeline", async () => {
    const res = await w.call(
      "coordinator",
      "A",
      "GET",
      `/api/v1/patients/${patient["AA-0002"]}/timeline?kinds=observation&limit=100`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const summaries = (res.json().items as { summary: string }[]).map((i) => i.summary);
    expect(summaries).toContain("C reactive protein [Mass/volume] in Serum or Plasma: <0.5 mg/L");
    expect(summaries).toContain("Interleukin 6 [Mass/volume] in Serum or Plasma: >5000 pg/mL");
    expect(summaries).toContain("Ferritin [Mass/volume] in Serum or Plasma: no result (error)");
  });

  it("gives the SLEDAI-2K prefill the lab's own ranges (Gladman 2002), not the defaults", async () => {
    // What assessment-drafts.ts reads and passes on, for a visit on 2025-05-12 at site A.
    const rows = await observationsInWindow(
      w.database.db,
      patient["AA-0002"]!,
      new Date("2025-05-01T00:00:00Z"),
      new Date("2025-05-14T00:00:00Z"),
    );
    const observations = rows.map((o) => ({
      id: o.id,
      code: o.code,
      valueNumber: o.value_number,
      unit: o.unit,
      referenceRange: o.reference_range,
      referenceLow: o.reference_low,
      referenceHigh: o.reference_high,
      valueComparator: o.value_comparator,
      originalValue: o.original_value,
      date: localDate(o.effective_at, "Asia/Shanghai"),
    }));
    const defaults = ReferenceLimits.parse({}); // C3 < 90 mg/dL, C4 < 10 mg/dL, anti-dsDNA > 10 IU/mL
    const { judged } = sledaiLabDescriptors(observations, "2025-05-12", 10, defaults);
    // C3 85 mg/dL is low by the default 90 but normal by this lab's 79; anti-dsDNA 45 IU/mL is
    // high by the default 10 but normal by this lab's 100.
    expect(judged.lowComplement).toMatchObject({ kind: "filled", value: false });
    expect(judged.increasedDnaBinding).toMatchObject({ kind: "filled", value: false });
    expect(judged.lowComplement?.kind === "filled" && judged.lowComplement.rule).toMatch(
      /C3 lab range low 79 mg\/dL; C4 lab range low 10 mg\/dL/,
    );
    // The same results without their ranges fall back to the defaults, and both descriptors flip.
    const bare = observations.map((o) => ({
      ...o,
      referenceLow: null,
      referenceHigh: null,
      referenceRange: null,
    }));
    const fallback = sledaiLabDescriptors(bare, "2025-05-12", 10, defaults).judged;
    expect(fallback.lowComplement).toMatchObject({ kind: "filled", value: true });
    expect(fallback.increasedDnaBinding).toMatchObject({ kind: "filled", value: true });
  });

  it("lets a missing result be annotated without a value, and filled in later (its reason then cleared)", async () => {
    const ferritin = byCode(list, "2276-4")[0]!;
    const note = await w.call("coordinator", "A", "PATCH", `/api/v1/observations/${ferritin.id}`, {
      version: 1,
      note: "Redraw requested",
      reason: "ward asked",
    });
    expect(note.statusCode, note.body).toBe(200);
    expect(note.json()).toMatchObject({ valueNumber: null, absentReason: "error", note: "Redraw requested" });
    const filled = await w.call("coordinator", "A", "PATCH", `/api/v1/observations/${ferritin.id}`, {
      version: 2,
      valueNumber: 812,
      unit: "ng/mL",
      reason: "result from the redraw",
    });
    expect(filled.statusCode, filled.body).toBe(200);
    expect(filled.json()).toMatchObject({ valueNumber: 812, absentReason: null, status: "amended" });
  });
});

describe("a collection correcting and retracting earlier results by their identifier", () => {
  it("supersedes the platelet count, retracts the leukocytes, leaves the repeated Hgb, adds creatinine", async () => {
    const before = await observationsOf("AA-0001");
    const plt = byCode(before, "777-3")[0]!;
    const wbc = byCode(before, "6690-2")[0]!;
    const res = await postFhir(fixture("collection-corrections.json"), "collection-corrections.json");
    expect(res.statusCode, res.body).toBe(201);
    const imported = res.json();
    expect(imported).toMatchObject({
      rowCount: 4,
      createdCount: 1,
      correctedCount: 1,
      retractedCount: 1,
      unchangedCount: 1,
      skippedCount: 0,
    });

    const after = await observationsOf("AA-0001");
    expect(after.map((o) => o.code).sort()).toEqual(["2160-0", "718-7", "777-3"]); // leukocytes hidden
    expect(byCode(after, "777-3")).toEqual([
      expect.objectContaining({
        id: plt.id,
        valueNumber: 58,
        status: "corrected",
        version: 2,
        identifierValue: "R25-050101-PLT",
        labImportId: imported.id,
        note: "Corrected: platelet clumps on the first count; recounted in citrate.",
      }),
    ]);
    expect(byCode(after, "718-7")[0]).toMatchObject({ version: 1, valueNumber: 11.8 });
    expect(byCode(after, "2160-0")[0]).toMatchObject({
      valueNumber: 0.9,
      referenceLow: 0.5,
      referenceHigh: 1.1,
    });
    const withErrors = await observationsOf("AA-0001", "A", true);
    expect(byCode(withErrors, "6690-2")).toEqual([
      expect.objectContaining({ id: wbc.id, status: "entered-in-error", valueNumber: 2.1, version: 2 }),
    ]);

    // The audit keeps what was replaced and why.
    const audit = async (id: string) => {
      const r = await w.call(
        "monitor",
        "A",
        "GET",
        `/api/v1/audit?entity=observation&entityId=${id}&limit=10`,
      );
      expect(r.statusCode, r.body).toBe(200);
      return r.json().items as { action: string; before: unknown; after: unknown; reason: string | null }[];
    };
    const pltTrail = await audit(plt.id);
    expect(pltTrail.map((e) => e.action)).toEqual(["update", "create"]);
    expect(pltTrail[0]).toMatchObject({
      before: { valueNumber: 85, status: "final", originalValue: 85 },
      after: { valueNumber: 58, status: "corrected", originalValue: 58 },
      reason: expect.stringMatching(/corrected result R25-050101-PLT supersedes/),
    });
    const wbcTrail = await audit(wbc.id);
    expect(wbcTrail[0]).toMatchObject({
      action: "update",
      before: { status: "final" },
      after: { status: "entered-in-error" },
      reason: expect.stringMatching(/retracted result R25-050101-WBC/),
    });
  });

  it("refuses a changed final result under a known identifier, a retraction of nothing, and writes nothing", async () => {
    const before = await observationsOf("AA-0001", "A", true);
    const bundle = JSON.parse(fixture("collection-corrections.json"));
    bundle.entry = [bundle.entry[2], bundle.entry[1], bundle.entry[3]];
    bundle.entry[0].resource.valueQuantity.value = 121; // Hgb sent again as "final" with a new value
    bundle.entry[1].resource.identifier[0].value = "R25-NEVER-SENT";
    bundle.entry[2].resource.identifier[0].value = "R25-050201-CREA-2";
    const res = await postFhir(JSON.stringify(bundle), "changed.json");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ["/entry/0/resource/identifier", "duplicate_identifier"],
      ["/entry/1/resource/identifier", "nothing_to_retract"],
    ]);
    expect(await observationsOf("AA-0001", "A", true)).toEqual(before);
  });

  it("holds each identified result once in the identifiers' own table (0039), which refuses a second holder", async () => {
    const db = w.database.db;
    const table = await db.selectFrom("observation_identifiers").selectAll().orderBy("value").execute();
    const identified = await db
      .selectFrom("observations")
      .select(["id", "site_id", "identifier_system", "identifier_value"])
      .where("identifier_value", "is not", null)
      .orderBy("identifier_value")
      .execute();
    // After imports, a correction and a retraction: one row per identified observation, no other.
    expect(identified.length).toBeGreaterThan(3);
    expect(table).toEqual(
      identified.map((o) => ({
        site_id: o.site_id,
        system: o.identifier_system ?? "",
        value: o.identifier_value,
        observation_id: o.id,
      })),
    );
    const taken = identified[0]!;
    const other = await db
      .selectFrom("observations")
      .select("id")
      .where("site_id", "=", taken.site_id)
      .where("id", "!=", taken.id)
      .executeTakeFirstOrThrow();
    await rolledBack(db, async (trx) => {
      const giveOtherTheTakenIdentifier = () =>
        trx
          .updateTable("observations")
          .set({ identifier_system: taken.identifier_system, identifier_value: taken.identifier_value })
          .where("id", "=", other.id)
          .execute();
      const identifiersOf = (observationId: string) =>
        trx
          .selectFrom("observation_identifiers")
          .select("value")
          .where("observation_id", "=", observationId)
          .execute();
      // Another result at the site given the same identifier: refused by the table's key.
      expect(await refusal(trx, giveOtherTheTakenIdentifier)).toMatchObject({ code: "23505" });
      // Once its holder is gone, the identifier is free again.
      await trx.deleteFrom("observations").where("id", "=", taken.id).execute();
      expect(await identifiersOf(taken.id)).toEqual([]);
      await giveOtherTheTakenIdentifier();
      expect(
        await trx
          .selectFrom("observation_identifiers")
          .select("observation_id")
          .where("value", "=", taken.identifier_value!)
          .execute(),
      ).toEqual([{ observation_id: other.id }]);
      // and the identifier `other` held before is no longer in the table
      expect(await identifiersOf(other.id)).toEqual([{ value: taken.identifier_value }]);
    });
    expect(await db.selectFrom("observation_identifiers").selectAll().orderBy("value").execute()).toEqual(
      table,
    );
  });
});

describe("a CSV file declared German (decimal commas, censored values)", () => {
  const mapping = JSON.parse(fixture("mapping-de.json"));
  const post = (m: unknown, fileName: string) =>
    w.call("coordinator", "B", "POST", "/api/v1/lab-imports", {
      format: "csv",
      siteId: w.sites.B,
      fileName,
      mapping: m,
      content: fixture("locale-de.csv"),
    });

  it("without its locale is refused at every comma, writing nothing", async () => {
    const { locale: _dropped, ...undeclared } = mapping;
    const res = await post(undeclared, "undeclared.csv");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string; code: string }) => [e.pointer, e.code])).toEqual([
      ["/lines/2/Ergebnis", "invalid_number"],
      ["/lines/3/Ergebnis", "decimal_comma"],
      ["/lines/5/Ergebnis", "decimal_comma"],
    ]);
    expect(await observationsOf("BB-0001", "B")).toEqual([]);
  });

  it("with locale de reads 1,5 as 1.5, keeps censored values and ranges, and places a date-only row at the site", async () => {
    const res = await post(mapping, "labor.csv");
    expect(res.statusCode, res.body).toBe(201);
    const list = await observationsOf("BB-0001", "B");
    const one = (code: string) => byCode(list, code)[0];
    expect(one("1988-5")).toMatchObject({ valueNumber: 0.5, valueComparator: "<", referenceHigh: 5 });
    expect(one("718-7")).toMatchObject({ valueNumber: 11.8, referenceLow: 11.5, referenceHigh: 15 });
    expect(one("26881-3")).toMatchObject({ valueNumber: 1000, valueComparator: ">", referenceHigh: 7 });
    // Site B is Europe/Berlin: 1 March 2025 begins at 23:00 UTC the day before.
    expect(one("2160-0")).toMatchObject({
      valueNumber: 0.92,
      referenceLow: 0.5,
      referenceHigh: 1.1,
      effectiveAt: "2025-02-28T23:00:00.000Z",
      effectiveIsDate: true,
    });
    expect(one("1988-5")).toMatchObject({ effectiveAt: "2025-03-01T07:30:00.000Z" }); // 08:30 +01:00
  });

  it("takes the locale from `v2v labs import --locale de` when the mapping does not declare it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "v2v-labs-"));
    const { locale: _dropped, ...undeclared } = mapping;
    writeFileSync(join(dir, "mapping.json"), JSON.stringify(undeclared));
    // The next day's panel, so it is not the file already imported.
    writeFileSync(join(dir, "labor-2.csv"), fixture("locale-de.csv").replaceAll("2025-03-01", "2025-03-02"));
    const opts = {
      format: "csv" as const,
      site: "BB",
      as: "coordinator-b",
      mapping: join(dir, "mapping.json"),
    };
    await expect(runLabImport(w.database, join(dir, "labor-2.csv"), opts)).rejects.toMatchObject({
      code: "validation",
    });
    const done = await runLabImport(w.database, join(dir, "labor-2.csv"), { ...opts, locale: "de" });
    expect(done).toMatchObject({ rowCount: 4, createdCount: 4 });
    const list = await observationsOf("BB-0001", "B");
    expect(list.filter((o) => o.code === "718-7").map((o) => o.valueNumber)).toEqual([11.8, 11.8]);
    rmSync(dir, { recursive: true, force: true });
  });
});
