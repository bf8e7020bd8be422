/**
 * Prefill rules for visit drafts: SLEDAI-2K laboratory descriptors at their Gladman 2002 thresholds
 * (both edges), the scoring window's edges, units, and the prednisolone-equivalent dose (BNF
 * equivalences) and drug classes that DORIS and LLDAS need.
 */
import { describe, expect, it } from "vitest";
import {
  buildDrafts,
  type PrefillMedication,
  type PrefillObservation,
  parseReferenceRange,
  prednisoloneEquivalentOn,
  ReferenceLimits,
  sledaiLabDescriptors,
} from "../../src/domain/assessment-prefill.ts";
import { findCalculator } from "../../src/domain/calculators/index.ts";
import { dosesPerDay } from "../../src/domain/medications.ts";

const LIMITS = ReferenceLimits.parse({});
const DAY = "2020-03-16";
let seq = 0;
const obs = (code: string, valueNumber: number, unit: string, date = DAY): PrefillObservation => ({
  id: `obs-${++seq}`,
  code,
  valueNumber,
  unit,
  date,
});
const judge = (observations: PrefillObservation[], windowDays = 10) =>
  sledaiLabDescriptors(observations, DAY, windowDays, LIMITS).judged;

describe("SLEDAI-2K laboratory descriptors (Gladman 2002)", () => {
  it("thrombocytopenia below 100 × 10⁹/L: 99 scores, 100 does not, in any count unit", () => {
    expect(judge([obs("777-3", 99, "10*9/L")]).thrombocytopenia).toMatchObject({
      kind: "filled",
      value: true,
    });
    expect(judge([obs("777-3", 100, "10*3/uL")]).thrombocytopenia).toMatchObject({
      kind: "filled",
      value: false,
    });
    expect(judge([obs("26515-7", 99_000, "/uL")]).thrombocytopenia).toMatchObject({ value: true });
  });

  it("leukopenia below 3 × 10⁹/L: 2.9 scores, 3.0 does not", () => {
    expect(judge([obs("6690-2", 2.9, "10*9/L")]).leukopenia).toMatchObject({ value: true });
    expect(judge([obs("6690-2", 3.0, "10*9/L")]).leukopenia).toMatchObject({ value: false });
  });

  it("proteinuria above 0.5 g/24 h: 0.51 scores, 0.5 does not; a spot ratio is only noted", () => {
    expect(judge([obs("2889-4", 510, "mg/(24.h)")]).proteinuria).toMatchObject({ value: true });
    expect(judge([obs("2889-4", 0.5, "g/(24.h)")]).proteinuria).toMatchObject({ value: false });
    const spot = sledaiLabDescriptors([obs("2890-2", 1200, "mg/g")], DAY, 10, LIMITS);
    expect(spot.judged.proteinuria).toMatchObject({ kind: "unfilled" });
    expect(spot.notes[0]).toMatch(/screening value.*Medina-Rosas/);
  });

  it("fever above 38 °C: 38.1 scores, 38.0 does not, 100.6 °F (38.1 °C) scores; infection to be excluded", () => {
    expect(judge([obs("8310-5", 38.1, "Cel")]).fever).toMatchObject({
      value: true,
      confirm: expect.stringMatching(/infection/),
    });
    expect(judge([obs("8310-5", 38.0, "Cel")]).fever).toMatchObject({ value: false });
    expect(judge([obs("8310-5", 100.6, "[degF]")]).fever).toMatchObject({ value: true });
    expect(judge([obs("8310-5", 100.4, "[degF]")]).fever).toMatchObject({ value: false });
  });

  it("low complement: either below the limit scores; absent only when both C3 and C4 are normal", () => {
    // C3 89 mg/dL is below 90; 0.9 g/L is 90 mg/dL, not below.
    expect(judge([obs("4485-9", 89, "mg/dL")]).lowComplement).toMatchObject({ kind: "filled", value: true });
    expect(judge([obs("4485-9", 0.9, "g/L"), obs("4498-2", 10, "mg/dL")]).lowComplement).toMatchObject({
      kind: "filled",
      value: false,
    });
    expect(judge([obs("4498-2", 9.9, "mg/dL")]).lowComplement).toMatchObject({ value: true });
    expect(judge([obs("4485-9", 120, "mg/dL")]).lowComplement).toMatchObject({
      kind: "unfilled",
      reason: expect.stringMatching(/C4 not measured/),
    });
  });

  it("increased DNA binding above the assay's limit (default 10 IU/mL, or the site's)", () => {
    expect(judge([obs("5130-0", 10.1, "[IU]/mL")]).increasedDnaBinding).toMatchObject({ value: true });
    expect(judge([obs("5130-0", 10, "[IU]/mL")]).increasedDnaBinding).toMatchObject({ value: false });
    const site = ReferenceLimits.parse({ antiDsDnaUpperIuMl: "30" });
    expect(
      sledaiLabDescriptors([obs("5130-0", 25, "[IU]/mL")], DAY, 10, site).judged.increasedDnaBinding,
    ).toMatchObject({
      value: false,
      rule: expect.stringContaining("> 30 IU/mL"),
    });
    expect(judge([obs("5130-0", 40, "[arb'U]/mL")]).increasedDnaBinding).toMatchObject({ kind: "unfilled" });
  });

  it("uses the laboratory's own range when the result carries one, in the unit the lab reported", () => {
    expect(parseReferenceRange("90-180 mg/dL")).toEqual({ low: 90, high: 180 });
    expect(parseReferenceRange("0.9 – 1.8")).toEqual({ low: 0.9, high: 1.8 });
    expect(parseReferenceRange("<= 25")).toEqual({ high: 25 });
    expect(parseReferenceRange("negative")).toBeNull();
    // C3 0.85 g/L is 85 mg/dL: low by the default 90 mg/dL, normal by this lab's 0.8–1.6 g/L.
    const c3 = { ...obs("4485-9", 85, "mg/dL"), originalValue: 0.85, referenceRange: "0.8-1.6 g/L" };
    const c4 = { ...obs("4498-2", 15, "mg/dL"), referenceRange: "10-40" };
    expect(judge([c3, c4]).lowComplement).toMatchObject({
      value: false,
      rule: expect.stringContaining('C3 lab range "0.8-1.6 g/L"'),
    });
    // An assay reporting in its own units is judged against its own upper limit: 26 > 25 scores, 25 does not.
    const dna = (v: number) => ({ ...obs("5130-0", v, "[arb'U]/mL"), referenceRange: "<25" });
    expect(judge([dna(26)]).increasedDnaBinding).toMatchObject({ value: true });
    expect(judge([dna(25)]).increasedDnaBinding).toMatchObject({ value: false });
  });

  it("reads an imported structured range (in the stored unit), which a FHIR range's text could not give", () => {
    // A FHIR import writes the range out as "0.79 g/L–1.52 g/L", which the text reader cannot
    // parse; the structured limits stored on import are in mg/dL like the value (decision 0035).
    const text = "0.79 g/L–1.52 g/L";
    expect(parseReferenceRange(text)).toBeNull();
    const c3 = {
      ...obs("4485-9", 85, "mg/dL"),
      originalValue: 0.85,
      referenceRange: text,
      referenceLow: 79,
      referenceHigh: 152,
    };
    const c4 = { ...obs("4498-2", 12, "mg/dL"), referenceLow: 10, referenceHigh: 40 };
    const judged = judge([c3, c4]).lowComplement;
    // 85 ≥ 79 and 12 ≥ 10: normal by the lab's range, although 85 is below the default 90.
    expect(judged).toMatchObject({
      value: false,
      rule: expect.stringContaining("C3 lab range low 79 mg/dL"),
    });
    expect(judge([{ ...c3, referenceLow: 86 }, c4]).lowComplement).toMatchObject({ value: true });
    // anti-dsDNA 45 IU/mL against the lab's upper limit 100: not increased (the default 10 would say so).
    const dna = { ...obs("5130-0", 45, "[IU]/mL"), referenceHigh: 100 };
    expect(judge([dna]).increasedDnaBinding).toMatchObject({ value: false });
    expect(judge([{ ...dna, referenceHigh: null }]).increasedDnaBinding).toMatchObject({ value: true });
  });

  it("judges a censored result only where its limit settles the descriptor", () => {
    const dna = (value: number, valueComparator: "<" | ">", referenceHigh: number) => ({
      ...obs("5130-0", value, "[IU]/mL"),
      valueComparator,
      referenceHigh,
    });
    // ">300" is above an upper limit of 100; "<10" is not above 10; "<200" cannot say against 100.
    expect(judge([dna(300, ">", 100)]).increasedDnaBinding).toMatchObject({ value: true });
    expect(judge([dna(10, "<", 10)]).increasedDnaBinding).toMatchObject({ value: false });
    expect(judge([dna(200, "<", 100)]).increasedDnaBinding).toMatchObject({
      kind: "unfilled",
      reason: expect.stringMatching(/censored anti-dsDNA result cannot be compared/),
    });
    const c3 = { ...obs("4485-9", 40, "mg/dL"), valueComparator: "<" as const, referenceLow: 79 };
    const c4 = { ...obs("4498-2", 12, "mg/dL"), referenceLow: 10 };
    expect(judge([c3, c4]).lowComplement).toMatchObject({ value: true }); // "<40" is below 79
  });

  it("reads only the visit day and the 10 days before it", () => {
    expect(judge([obs("777-3", 50, "10*9/L", "2020-03-06")]).thrombocytopenia).toMatchObject({ value: true });
    expect(judge([obs("777-3", 50, "10*9/L", "2020-03-05")]).thrombocytopenia).toMatchObject({
      kind: "unfilled",
    });
    expect(judge([obs("777-3", 50, "10*9/L", "2020-03-17")]).thrombocytopenia).toMatchObject({
      kind: "unfilled",
    });
    expect(judge([obs("777-3", 50, "10*9/L", "2020-02-15")], 30).thrombocytopenia).toMatchObject({
      value: true,
    });
  });

  it("names the record it read and asks to exclude drug causes for cytopenias", () => {
    const o = obs("777-3", 80, "10*9/L");
    const j = judge([o]).thrombocytopenia;
    expect(j).toMatchObject({
      sources: [{ kind: "observation", id: o.id, date: DAY, summary: "platelets 80 10*9/L" }],
      confirm: expect.stringMatching(/drugs/),
    });
  });
});

const med = (m: Partial<PrefillMedication>): PrefillMedication => ({
  id: `med-${++seq}`,
  drug: "prednisone",
  drugCode: "H02AB07",
  doseValue: 5,
  doseUnit: "mg",
  route: "oral",
  frequency: "once daily",
  startDate: "2020-01-01",
  stopDate: null,
  ...m,
});

describe("glucocorticoid dose and drug classes", () => {
  it("converts to prednisolone equivalents (BNF): methylprednisolone 4 mg = dexamethasone 0.75 mg = 5 mg", () => {
    expect(
      prednisoloneEquivalentOn([med({ drug: "methylprednisolone", drugCode: "H02AB04", doseValue: 4 })], DAY),
    ).toMatchObject({
      value: 5,
    });
    expect(
      prednisoloneEquivalentOn([med({ drug: "dexamethasone", drugCode: null, doseValue: 0.75 })], DAY),
    ).toMatchObject({
      value: 5,
    });
    expect(prednisoloneEquivalentOn([med({ doseValue: 2.5, frequency: "twice daily" })], DAY)).toMatchObject({
      value: 5,
    });
  });

  it("counts a course active on the day only: stopped the day before is 0, stopping that day counts", () => {
    expect(prednisoloneEquivalentOn([med({ stopDate: "2020-03-15" })], DAY)).toMatchObject({
      kind: "filled",
      value: 0,
    });
    expect(prednisoloneEquivalentOn([med({ stopDate: DAY })], DAY)).toMatchObject({ value: 5 });
    expect(prednisoloneEquivalentOn([med({ route: "topical" })], DAY)).toMatchObject({ value: 0 });
  });

  it("counts a subcutaneous steroid as systemic (EDQM: subcutaneous use is not cutaneous use), as the endpoints do", () => {
    expect(prednisoloneEquivalentOn([med({ route: "subcutaneous" })], DAY)).toMatchObject({ value: 5 });
    expect(prednisoloneEquivalentOn([med({ route: "cutaneous" })], DAY)).toMatchObject({ value: 0 });
  });

  it("reads q8h as three doses a day and every other day as half a dose a day on average", () => {
    expect(prednisoloneEquivalentOn([med({ doseValue: 2, frequency: "q8h" })], DAY)).toMatchObject({
      value: 6,
    });
    expect(
      prednisoloneEquivalentOn([med({ doseValue: 10, frequency: "every other day" })], DAY),
    ).toMatchObject({
      value: 5,
    });
  });

  it("leaves the dose to the clinician when the frequency cannot be read", () => {
    expect(dosesPerDay("as needed")).toBeNull();
    expect(prednisoloneEquivalentOn([med({ frequency: "as needed" })], DAY)).toMatchObject({
      kind: "unfilled",
    });
  });

  it("fills DORIS drug classes with NONE only when no drug of the class is active", () => {
    const [doris] = buildDrafts({
      calculators: ["doris"],
      assessmentDate: DAY,
      windowDays: 10,
      limits: LIMITS,
      observations: [],
      medications: [med({ drug: "hydroxychloroquine", drugCode: "P01BA02", doseValue: 200 })],
      events: [],
    });
    expect(doris!.input).toMatchObject({
      immunosuppressive: "NONE",
      biologic: "NONE",
      prednisoloneEquivalentMgPerDay: 0,
    });
    expect(doris!.input).not.toHaveProperty("antimalarial");
    expect(doris!.unfilled.find((u) => u.field === "/antimalarial")!.reason).toMatch(/hydroxychloroquine/);
    expect(doris!.unfilled.map((u) => u.field)).toEqual(
      expect.arrayContaining(["/pga", "/sledai2k/arthritis"]),
    );
  });
});

describe("drafts", () => {
  it("a completed SLEDAI-2K draft runs in the calculator: SD-2-like labs give their points", () => {
    const [draft] = buildDrafts({
      calculators: ["sledai-2k"],
      assessmentDate: DAY,
      windowDays: 10,
      limits: LIMITS,
      observations: [
        obs("4485-9", 60, "mg/dL"),
        obs("4498-2", 12, "mg/dL"),
        obs("5130-0", 80, "[IU]/mL"),
        obs("777-3", 80, "10*9/L"),
        obs("6690-2", 4.5, "10*9/L"),
        obs("2889-4", 1.2, "g/(24.h)"),
      ],
      medications: [],
      events: [],
    });
    // Every clinical descriptor is left to the clinician; complete them as absent.
    const inputs = { ...draft!.input };
    for (const u of draft!.unfilled) inputs[u.field.slice(1)] = false;
    const result = findCalculator("sledai-2k")!.run(inputs);
    // low complement 2 + DNA binding 2 + thrombocytopenia 1 + proteinuria 4 (Gladman 2002 weights)
    expect(result.value).toBe(9);
    // five laboratory descriptors answered (C3 and C4 together make one), 19 clinical ones left
    expect(draft!.unfilled).toHaveLength(24 - 5);
  });

  it("leaves Lugano to the reader and notes the last PET-CT on or before the visit day", () => {
    const [draft] = buildDrafts({
      calculators: ["lugano-pet"],
      assessmentDate: DAY,
      windowDays: 10,
      limits: LIMITS,
      observations: [],
      medications: [],
      events: [
        { id: "e1", category: "imaging", title: "Baseline PET-CT", date: "2019-08-22" },
        { id: "e2", category: "imaging", title: "PET-CT day 30", date: "2019-10-16" },
        { id: "e3", category: "imaging", title: "PET-CT month 7", date: "2020-04-16" },
        { id: "e4", category: "imaging", title: "Chest CT", date: "2020-03-01" },
      ],
    });
    expect(draft!.input).toEqual({});
    expect(draft!.notes).toEqual(['Last PET-CT on 2019-10-16: "PET-CT day 30" (clinical event e2).']);
    expect(draft!.unfilled.length).toBeGreaterThan(0);
  });
});
