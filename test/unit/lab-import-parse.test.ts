/**
 * Reading lab files without a database: CSV with a column mapping and FHIR R4 Bundles become
 * results in canonical units, and every bad row is reported with its line (or JSON Pointer) and
 * field. Fixtures are in test/fixtures/lab-import/.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvMapping, readCsvLabFile } from "../../src/domain/lab-import/csv.ts";
import { readFhirLabBundle } from "../../src/domain/lab-import/fhir.ts";
import { parseEffectiveAt } from "../../src/domain/lab-import/result.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/lab-import/${name}`, import.meta.url), "utf8");
const mapping = CsvMapping.parse(JSON.parse(fixture("mapping.json")));
const now = new Date("2025-06-01T00:00:00Z");
const csv = (text: string, m = mapping) =>
  readCsvLabFile(text, m, { now, ...(m.utcOffset ? { utcOffset: m.utcOffset } : {}) });
const HEADER = "Subject,Test,Result,Units,Collected,Range\n";

describe("CSV", () => {
  it("reads the good file into canonical units, keeping what the lab wrote", async () => {
    const { results, issues, rows } = await csv(fixture("good.csv"));
    expect(issues).toEqual([]);
    expect(rows).toBe(9);
    const pick = (i: number) => {
      const r = results[i]!;
      return [r.subjectCode, r.loinc, r.valueNumber ?? r.valueCode, r.unit, r.originalValue, r.originalUnit];
    };
    expect(pick(0)).toEqual(["AA-0001", "718-7", 11.2, "g/dL", 112, "g/L"]); // local code HGB
    expect(pick(1)).toEqual(["AA-0001", "5130-0", 45, "[IU]/mL", 45, "kIU/L"]);
    expect(pick(2)).toEqual(["AA-0001", "751-8", 1.5, "10*3/uL", 1.5, "10*9/L"]);
    expect(pick(3)).toEqual(["AA-0001", "8116-6", 0, "/uL", 0, "cells/uL"]);
    expect(pick(4)).toEqual(["AA-0002", "2465-3", 650, "mg/dL", 6.5, "g/L"]);
    expect(pick(5)).toEqual(["AA-0002", "1988-5", 12, "mg/L", 1.2, "mg/dL"]);
    expect(pick(6)).toEqual(["AA-0002", "8061-4", "negative", null, null, null]);
    expect(pick(7)).toEqual(["AA-0002", "2160-0", 1, "mg/dL", 88.4, "umol/L"]);
    expect(results[8]!.valueNumber).toBeCloseTo(6.2 / 0.6206, 9);
    // no offset in the file: the mapping's +08:00 applies
    expect(results[2]!.effectiveAt).toBe("2025-03-01T00:30:00.000Z");
    expect(results[5]!.referenceRange).toBe("<0.5 mg/dL, adults");
  });

  it("reports every bad line of the bad file with its line number and column", async () => {
    const { results, issues } = await csv(fixture("bad.csv"));
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["/lines/3/Units", "incompatible_unit"],
      ["/lines/4/Test", "unknown_loinc"],
      ["/lines/5/Result", "invalid_number"],
      ["/lines/6/Units", "unknown_unit"],
      ["/lines/8/Collected", "invalid_time"],
    ]);
    expect(issues[0]!.message).toBe(
      "line 3: mg/dL cannot be converted to 10*3/uL: they measure different kinds of quantity (LOINC 6690-2 is stored in 10*3/uL)",
    );
    expect(issues[1]!.message).toMatch(/LOINC 2345-7 is not one vein2vein imports/);
    expect(issues[4]!.message).toMatch(/"2025-02-30T08:30:00\+08:00" is not a real date/);
    // patients are resolved by the service; the other rows read fine here
    expect(results.map((r) => r.subjectCode)).toEqual(["AA-0001", "BB-0001", "AA-0009", "AA-0002"]);
  });

  it("names a mapped column the header lacks, listing the header", async () => {
    const m = CsvMapping.parse({
      ...JSON.parse(fixture("mapping.json")),
      columns: { ...mapping.columns, unit: "Unit" },
    });
    const { issues, results, rows } = await csv(fixture("good.csv"), m);
    expect(issues).toEqual([
      {
        path: "/mapping/columns/unit",
        code: "unknown_column",
        message:
          'the header has no column "Unit" (it has: "Subject", "Test", "Result", "Units", "Collected", "Range")',
      },
    ]);
    expect(results).toEqual([]);
    expect(rows).toBe(9);
  });

  it("reports malformed CSV by line and goes on to the next lines", async () => {
    const text = `${HEADER}AA-0001,718-7,12,g/dL,2025-03-01T08:30:00Z,,extra\nAA-0001,718-7,oops,g/dL,2025-03-01T08:30:00Z,\n`;
    const { issues } = await csv(text);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["/lines/2", "malformed_csv"],
      ["/lines/3/Result", "invalid_number"],
    ]);
  });

  it("counts lines as the file has them: blank lines and a quoted field across two lines", async () => {
    const text = `${HEADER}\nAA-0001,718-7,12,g/dL,2025-03-01T08:30:00Z,"10-
15"\nAA-0001,718-7,x,g/dL,2025-03-01T08:30:00Z,\n`;
    const { issues, results } = await csv(text);
    expect(results[0]!.referenceRange).toBe("10-\n15");
    expect(issues.map((i) => i.path)).toEqual(["/lines/5/Result"]);
  });

  it("without a declared locale refuses a decimal comma with a hint, and a blank unit for a quantity", async () => {
    const text = `${HEADER}AA-0001,1988-5,"5,2",mg/L,2025-03-01T08:30:00Z,\nAA-0001,1988-5,5,,2025-03-01T08:30:00Z,\n`;
    const { issues } = await csv(text);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["/lines/2/Result", "decimal_comma"],
      ["/lines/3/Units", "missing_unit"],
    ]);
    expect(issues[0]!.message).toMatch(/write 5\.2/);
  });

  it("accepts a dimensionless score without a unit, and refuses a unit on a coded result", async () => {
    const text = `${HEADER}AA-0001,89247-1,1,,2025-03-01T08:30:00Z,\nAA-0001,8061-4,positive,mg/dL,2025-03-01T08:30:00Z,\n`;
    const { issues, results } = await csv(text);
    expect(results[0]).toMatchObject({
      loinc: "89247-1",
      valueNumber: 1,
      unit: "{score}",
      originalUnit: null,
    });
    expect(issues.map((i) => [i.path, i.code])).toEqual([["/lines/3/Units", "unexpected_unit"]]);
  });

  it("refuses a local code that the mapping maps to a bad LOINC code", () => {
    const r = CsvMapping.safeParse({ ...JSON.parse(fixture("mapping.json")), localCodes: { HGB: "718-8" } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["localCodes", "HGB"]);
  });

  it("reports an empty file", async () => {
    expect((await csv("")).issues.map((i) => i.code)).toEqual(["empty_file"]);
    expect((await csv(HEADER)).issues.map((i) => i.code)).toEqual(["no_rows"]);
  });

  it("reads a stream in chunks that split lines and multi-byte characters", async () => {
    const bytes = Buffer.from(fixture("good.csv").replace("115-150 g/L", "115–150 g/L"), "utf8");
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    const { results, issues } = await readCsvLabFile(chunks(), mapping, { now, utcOffset: "+08:00" });
    expect(issues).toEqual([]);
    expect(results).toHaveLength(9);
    expect(results[0]!.referenceRange).toBe("115–150 g/L");
  });
});

describe("sample times", () => {
  const at = (t: string, utcOffset?: string) =>
    parseEffectiveAt(t, { now, ...(utcOffset ? { utcOffset } : {}) });
  it("takes an offset from the text, else from the mapping, else refuses", () => {
    expect(at("2025-03-01T08:30:00+08:00")).toEqual({ at: "2025-03-01T00:30:00.000Z", isDate: false });
    expect(at("2025-03-01 08:30", "+08:00")).toEqual({ at: "2025-03-01T00:30:00.000Z", isDate: false });
    expect(at("2025-03-01T08:30:00Z", "+08:00")).toEqual({ at: "2025-03-01T08:30:00.000Z", isDate: false });
    expect(at("2025-03-01 08:30")).toMatchObject({ problem: expect.stringMatching(/no time zone/) });
  });
  it("refuses impossible dates and results from the future (beyond the 5-minute clock skew of event-time.ts)", () => {
    expect(at("2024-02-29T08:00:00Z")).toEqual({ at: "2024-02-29T08:00:00.000Z", isDate: false });
    expect(at("2025-02-29T08:00:00Z")).toMatchObject({ problem: expect.stringMatching(/not a real date/) });
    expect(at("2025-06-01T00:05:00Z")).toEqual({ at: "2025-06-01T00:05:00.000Z", isDate: false });
    expect(at("2025-06-01T00:05:01Z")).toMatchObject({
      problem: expect.stringMatching(/future/),
      code: "future_time",
    });
    expect(at("2025-06-01T23:00:00Z")).toMatchObject({ problem: expect.stringMatching(/future/) });
    expect(at("1949-12-31T23:59:59Z")).toMatchObject({ problem: expect.stringMatching(/before 1950/) });
  });
});

describe("FHIR R4 Bundle", () => {
  it("reads Observations with UCUM quantities and coded values", () => {
    const { results, issues, rows } = readFhirLabBundle(JSON.parse(fixture("good-bundle.json")), { now });
    expect(issues).toEqual([]);
    expect(rows).toBe(4);
    expect(
      results.map((r) => [
        r.loinc,
        r.valueNumber ?? r.valueCode,
        r.unit,
        r.originalValue,
        r.originalUnit,
        r.status,
      ]),
    ).toEqual([
      ["718-7", 12, "g/dL", 120, "g/L", "final"],
      ["777-3", 150, "10*3/uL", 150, "10*9/L", "final"],
      ["5130-0", 8, "[IU]/mL", 8, "[IU]/mL", "amended"],
      ["8061-4", "260385009", null, null, null, "final"],
    ]);
    expect(results[0]!.referenceRange).toBe("115 g/L–150 g/L");
    expect(results[0]!.subjectPath).toBe("/entry/0/resource/subject/identifier/value");
  });

  it("points at every bad entry and field with a JSON Pointer", () => {
    const { issues, results } = readFhirLabBundle(JSON.parse(fixture("bad-bundle.json")), { now });
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["/entry/1/resource/valueQuantity/code", "incompatible_unit"],
      ["/entry/2/resource/valueQuantity/system", "unit_system"],
      ["/entry/3/resource/valueQuantity/unit", "unknown_unit"],
      ["/entry/4/resource/subject/reference", "unresolvable_subject"],
      ["/entry/6/resource/resourceType", "not_an_observation"],
    ]);
    // Patient/123 is in the bundle but carries no identifier to find the subject by.
    expect(issues[3]!.message).toMatch(/has no identifier/);
    expect(issues[0]!.message).toMatch(/^entry 1: mg\/dL cannot be converted to \[IU\]\/mL/);
    expect(results.map((r) => r.subjectCode)).toEqual(["AA-0001", "BB-0001"]);
  });

  it("refuses what is not a collection, transaction, batch or searchset Bundle", () => {
    expect(readFhirLabBundle({ resourceType: "Observation" }, { now }).issues.map((i) => i.path)).toEqual([
      "/resourceType",
    ]);
    const history = readFhirLabBundle({ resourceType: "Bundle", type: "history", entry: [] }, { now });
    expect(history.issues.map((i) => i.path)).toEqual(["/type", "/entry"]);
  });

  it("refuses statuses that are not results, and comparators FHIR R4 does not define", () => {
    const bundle = JSON.parse(fixture("good-bundle.json"));
    bundle.entry[0].resource.status = "cancelled";
    bundle.entry[1].resource.valueQuantity.comparator = "ad"; // R5's "sufficient to achieve", not R4
    const { issues } = readFhirLabBundle(bundle, { now });
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["/entry/0/resource/status", "observation_status"],
      ["/entry/1/resource/valueQuantity/comparator", "comparator"],
    ]);
  });
});

describe("FHIR bundles as laboratories send them (decision 0035)", () => {
  const read = (name: string, timeZone = "Asia/Shanghai") =>
    readFhirLabBundle(JSON.parse(fixture(name)), { now, timeZone });

  it("a transaction: the urn:uuid subject is the Patient entry's subject-code identifier; the panel is its members", () => {
    const { results, issues, rows, skipped, retractions } = read("transaction-panel.json");
    expect(issues).toEqual([]);
    expect([rows, skipped, retractions.length]).toEqual([6, 3, 0]); // Patient, DiagnosticReport, panel
    expect(results.map((r) => [r.loinc, r.subjectCode, r.subjectPath])).toEqual([
      ["718-7", "AA-0001", "/entry/0/resource/identifier/1/value"],
      ["6690-2", "AA-0001", "/entry/0/resource/identifier/1/value"],
      ["777-3", "AA-0001", "/entry/0/resource/identifier/1/value"],
    ]);
    expect(results[0]).toMatchObject({
      valueNumber: 11.8,
      referenceLow: 11.5,
      referenceHigh: 15,
      identifier: { system: "https://lis.example-hospital.cn/fhir/sid/result-id", value: "R25-050101-HGB" },
    });
  });

  it("a searchset: relative Patient references, censored values, a missing result, a date-only time, a period", () => {
    const { results, issues, skipped } = read("searchset-ranges.json");
    expect(issues).toEqual([]);
    expect(skipped).toBe(1); // the included Patient
    const of = (loinc: string) => results.find((r) => r.loinc === loinc)!;
    expect(of("1988-5")).toMatchObject({ valueNumber: 0.5, valueComparator: "<", referenceHigh: 5 });
    expect(of("2276-4")).toMatchObject({
      valueNumber: null,
      absentReason: "error",
      note: "No result: haemolysed sample",
    });
    // 2025-05-10 at Asia/Shanghai (+08:00) begins at 16:00 UTC the day before; at Berlin (+02:00 in May), 22:00.
    expect(of("4485-9")).toMatchObject({ effectiveAt: "2025-05-09T16:00:00.000Z", effectiveIsDate: true });
    expect(
      readFhirLabBundle(JSON.parse(fixture("searchset-ranges.json")), { now, timeZone: "Europe/Berlin" })
        .results[0],
    ).toMatchObject({
      effectiveAt: "2025-05-09T22:00:00.000Z",
    });
    expect(of("2889-4")).toMatchObject({
      effectiveAt: "2025-05-09T00:00:00.000Z",
      effectiveEnd: "2025-05-10T00:00:00.000Z",
    });
    expect(of("8061-4")).toMatchObject({ valueCode: "260385009", valueCodeSystem: "http://snomed.info/sct" });
  });

  it("a collection: entered-in-error is a retraction by identifier, not a result", () => {
    const { results, retractions, issues } = read("collection-corrections.json");
    expect(issues).toEqual([]);
    expect(results.map((r) => [r.loinc, r.status])).toEqual([
      ["777-3", "corrected"],
      ["718-7", "final"],
      ["2160-0", "final"],
    ]);
    expect(retractions).toEqual([
      {
        identifier: { system: "https://lis.example-hospital.cn/fhir/sid/result-id", value: "R25-050101-WBC" },
        subjectCode: "AA-0001",
        path: "/entry/1/resource",
      },
    ]);
  });

  it("does not guess: a Patient with several identifiers and none of ours, a retraction without identifier, a value beside dataAbsentReason", () => {
    const bundle = JSON.parse(fixture("transaction-panel.json"));
    bundle.entry[0].resource.identifier[1].system = "https://his.example-hospital.cn/fhir/sid/card";
    bundle.entry[4].resource.status = "entered-in-error";
    bundle.entry[4].resource.identifier = [];
    bundle.entry[5].resource.dataAbsentReason = { coding: [{ code: "error" }] };
    const { issues } = readFhirLabBundle(bundle, { now, timeZone: "Asia/Shanghai" });
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["/entry/3/resource/subject/reference", "unresolvable_subject"],
      ["/entry/4/resource/subject/reference", "unresolvable_subject"],
      ["/entry/4/resource/identifier", "retraction_without_identifier"],
      ["/entry/5/resource/subject/reference", "unresolvable_subject"],
      ["/entry/5/resource/dataAbsentReason", "value_and_absent_reason"],
    ]);
    expect(issues[0]!.message).toMatch(/2 identifiers and none with system/);
  });

  it("refuses a date without a time when no site zone is given, and a value type it cannot store", () => {
    const bundle = JSON.parse(fixture("searchset-ranges.json"));
    bundle.entry[1].resource.valueRange = { low: { value: 1 } };
    delete bundle.entry[1].resource.valueQuantity;
    const { issues } = readFhirLabBundle(bundle, { now });
    expect(issues.map((i) => [i.path, i.code])).toEqual(
      expect.arrayContaining([
        ["/entry/0/resource/effectiveDateTime", "invalid_time"],
        ["/entry/1/resource/valueRange", "unsupported_value"],
      ]),
    );
  });
});

describe("any input", () => {
  it("never throws: every problem is an issue pointing at a line, the mapping or the content", async () => {
    const cell = fc.oneof(
      fc.constantFrom(
        "AA-0001",
        "718-7",
        "HGB",
        "12",
        "g/L",
        "kIU/L",
        "2025-03-01T08:30:00Z",
        "",
        '"',
        ",",
        "\n",
      ),
      fc.string({ maxLength: 12 }),
    );
    const line = fc.array(cell, { minLength: 0, maxLength: 8 }).map((cells) => cells.join(","));
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 6 }), async (lines) => {
        const { issues, results } = await csv(HEADER + lines.join("\n"));
        for (const i of issues) expect(i.path).toMatch(/^\/(lines\/\d+|mapping\/|content)/);
        for (const r of results) expect(Number.isFinite(r.valueNumber ?? 0)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("an overflowing conversion is a problem, not Infinity", async () => {
    const { issues } = await csv(`${HEADER}AA-0001,2465-3,1e307,g/L,2025-03-01T08:30:00Z,\n`);
    expect(issues.map((i) => [i.path, i.code])).toEqual([["/lines/2/Result", "invalid_number"]]);
  });
});
