/**
 * The mappings on worked examples, each checked against what the R4 specification or our cited
 * sources say it must be, and validated as R4.
 */
import { describe, expect, it } from "vitest";
import { AE_OUTCOMES } from "../../../src/domain/adverse-events.ts";
import { type AdverseEventRecord, FHIR_OUTCOME, toAdverseEvent } from "../../../src/fhir/adverse-event.ts";
import type { AssessmentRecord } from "../../../src/fhir/assessment.ts";
import { assessmentToObservation } from "../../../src/fhir/assessment.ts";
import {
  interpretation,
  type ObservationRecord,
  observationCategory,
  toObservation,
} from "../../../src/fhir/observation.ts";
import { toBiologicallyDerivedProduct, toProcedure } from "../../../src/fhir/product.ts";
import { researchSubjectStatus } from "../../../src/fhir/research.ts";
import { fhirProblems } from "../../support/fhir-validation.ts";

const at = new Date("2019-09-16T02:00:00Z");
const base = { version: 2, updated_at: at, created_at: at };
const lab = (patch: Partial<ObservationRecord>): ObservationRecord => ({
  id: "01a2409b-0000-7000-8000-000000000001",
  patient_id: "01a2409b-0000-7000-8000-0000000000aa",
  code_system: "http://loinc.org",
  code: "718-7",
  display: null,
  value_number: 10.1,
  value_code: null,
  value_text: null,
  unit: "g/dL",
  effective_at: at,
  status: "final",
  note: null,
  original_value: null,
  original_unit: null,
  reference_range: null,
  ...base,
  ...patch,
});

describe("lab and vital-sign Observations", () => {
  it("reads the lab's range and flags 10.1 g/dL against 12.0–16.0 as Low (v3 ObservationInterpretation L)", () => {
    const o = toObservation(lab({ reference_range: "12.0-16.0 g/dL" }));
    expect(o.referenceRange![0]).toEqual({
      low: { value: 12, unit: "g/dL", system: "http://unitsofmeasure.org", code: "g/dL" },
      high: { value: 16, unit: "g/dL", system: "http://unitsofmeasure.org", code: "g/dL" },
      text: "12.0-16.0 g/dL",
    });
    expect(o.interpretation![0]!.coding![0]).toMatchObject({
      system: "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
      code: "L",
    });
    expect(fhirProblems(o)).toEqual([]);
  });

  it("judges a converted result in the unit the lab reported: 101 g/L against 120–160 g/L is Low", () => {
    const o = toObservation(
      lab({ value_number: 10.1, original_value: 101, original_unit: "g/L", reference_range: "120-160" }),
    );
    expect(o.referenceRange![0]!.low).toMatchObject({ value: 120, code: "g/L" });
    expect(o.interpretation![0]!.coding![0]!.code).toBe("L");
    expect(o.valueQuantity).toMatchObject({ value: 10.1, code: "g/dL" });
  });

  it("interprets at the range's edges as Normal and beyond as High, and open ranges one-sided", () => {
    expect(interpretation(12, { low: 12, high: 16 })).toBe("N");
    expect(interpretation(16, { low: 12, high: 16 })).toBe("N");
    expect(interpretation(16.1, { low: 12, high: 16 })).toBe("H");
    expect(interpretation(11.9, { low: 12 })).toBe("L");
    expect(interpretation(9, { high: 10 })).toBe("N");
  });

  it("files temperature, SpO2, pressure, weight and height as vital-signs, ECOG as survey, the rest laboratory", () => {
    for (const code of ["8310-5", "59408-5", "8480-6", "29463-7", "8302-2"])
      expect(observationCategory("http://loinc.org", code)).toBe("vital-signs");
    expect(observationCategory("http://loinc.org", "89247-1")).toBe("survey");
    expect(observationCategory("http://loinc.org", "1988-5")).toBe("laboratory");
  });

  it("writes a coded result as a CodeableConcept and a missing value with a dataAbsentReason", () => {
    const ana = toObservation(
      lab({ code: "8061-4", value_number: null, value_code: "positive", unit: null }),
    );
    expect(ana.valueCodeableConcept).toEqual({ text: "positive" });
    const none = toObservation(lab({ value_number: null }));
    expect(none.dataAbsentReason!.coding![0]!.code).toBe("unknown");
    expect([...fhirProblems(ana), ...fhirProblems(none)]).toEqual([]);
  });
});

const crs = (value: unknown, calculator = "crs"): AssessmentRecord => ({
  id: "01a2409b-0000-7000-8000-000000000002",
  patient_id: "01a2409b-0000-7000-8000-0000000000aa",
  calculator,
  assessed_at: at,
  inputs: { tempMaxC: 39.2, hypotension: "ONE_VASOPRESSOR", oxygenDevice: "NONE", nested: { a: true } },
  result: { value },
  label: `Grade ${value}`,
  rule_set: "ASTCT 2019 (Lee et al.)",
  rule_set_version: "1",
  status: "final",
  note: null,
  ...base,
});

describe("assessments", () => {
  it("keeps every calculator input as a component, typed as given", () => {
    const o = assessmentToObservation(crs(3));
    expect(o.valueInteger).toBe(3);
    expect(
      o.component!.map((c) => [c.code.text, c.valueQuantity ?? c.valueString ?? c.valueBoolean]),
    ).toEqual([
      ["tempMaxC", { value: 39.2 }],
      ["hypotension", "ONE_VASOPRESSOR"],
      ["oxygenDevice", "NONE"],
      ["nested.a", true],
    ]);
    expect(fhirProblems(o)).toEqual([]);
  });
});

/**
 * Adverse events from the record, on the three cases of the SDTM AE worked example (decision
 * 0033): a pre-infusion infection, a CRS and a fatal sepsis. Expected codes are read off the R4
 * code systems adverse-event-outcome, -seriousness and -causality-assess.
 */
describe("adverse events from the adverse event record", () => {
  const event = (over: Partial<AdverseEventRecord>): AdverseEventRecord => ({
    id: "01a2409b-0000-7000-8000-0000000000e1",
    patient_id: "01a2409b-0000-7000-8000-0000000000aa",
    term: "Cytokine release syndrome",
    soc: "Immune system disorders",
    grade: 2,
    attribution: "definite",
    serious: false,
    serious_criteria: [],
    onset_date: "2019-09-18",
    outcome: "RECOVERED/RESOLVED",
    infusion_id: "01a2409b-0000-7000-8000-0000000000f1",
    ...base,
    ...over,
  });

  it("sends a CRS as its term in text, the grade in the extension, non-serious, resolved, certainly caused by the infusion", () => {
    const ae = toAdverseEvent(event({}));
    expect(ae.actuality).toBe("actual");
    expect(ae.event).toEqual({ text: "Cytokine release syndrome" });
    expect(ae.category).toEqual([{ text: "Immune system disorders" }]);
    expect(ae.date).toBe("2019-09-18");
    expect(ae.extension).toEqual([
      { url: "https://vein2vein.org/fhir/StructureDefinition/adverse-event-grade", valueInteger: 2 },
    ]);
    expect(ae.seriousness!.coding![0]!.code).toBe("Non-serious");
    expect(ae.outcome!.coding![0]!.code).toBe("resolved");
    expect(ae.severity).toBeUndefined();
    expect(ae.suspectEntity![0]!.instance.reference).toBe("Procedure/01a2409b-0000-7000-8000-0000000000f1");
    expect(ae.suspectEntity![0]!.causality![0]!.assessment!.coding![0]!.code).toBe("Certain");
    expect(fhirProblems(ae)).toEqual([]);
  });

  it("sends an unrelated pre-infusion infection as serious with its criteria, recovering, and no WHO-UMC code for 'unrelated'", () => {
    const ae = toAdverseEvent(
      event({
        term: "Lung infection",
        soc: "Infections and infestations",
        grade: 3,
        attribution: "unrelated",
        serious: true,
        serious_criteria: ["hospitalisation", "important-medical-event"],
        outcome: "RECOVERING/RESOLVING",
        infusion_id: null,
      }),
    );
    expect(ae.seriousness).toEqual({
      coding: [
        {
          system: "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness",
          code: "Serious",
          display: "Serious",
        },
      ],
      text: "Serious (ICH E2A): hospitalisation, important-medical-event",
    });
    expect(ae.outcome!.coding![0]!.code).toBe("recovering");
    expect(ae.suspectEntity).toBeUndefined();
    expect(fhirProblems(ae)).toEqual([]);
  });

  it("maps every CDISC outcome to an R4 adverse-event-outcome code and a fatal sepsis to fatal", () => {
    expect(FHIR_OUTCOME).toEqual({
      "RECOVERED/RESOLVED": "resolved",
      "RECOVERING/RESOLVING": "recovering",
      "NOT RECOVERED/NOT RESOLVED": "ongoing",
      "RECOVERED/RESOLVED WITH SEQUELAE": "resolvedWithSequelae",
      FATAL: "fatal",
      UNKNOWN: "unknown",
    });
    for (const outcome of AE_OUTCOMES)
      expect(fhirProblems(toAdverseEvent(event({ outcome, grade: outcome === "FATAL" ? 5 : 2 })))).toEqual(
        [],
      );
    const sepsis = toAdverseEvent(
      event({ term: "Sepsis", grade: 5, outcome: "FATAL", serious: true, serious_criteria: ["death"] }),
    );
    expect(sepsis.outcome!.coding![0]!.code).toBe("fatal");
  });

  it("maps NCI attribution to WHO-UMC causality codes, probable as Probably-Likely", () => {
    const code = (attribution: string) =>
      toAdverseEvent(event({ attribution })).suspectEntity![0]!.causality![0]!.assessment!;
    expect(code("probable").coding![0]!.code).toBe("Probably-Likely");
    expect(code("possible").coding![0]!.code).toBe("Possible");
    expect(code("unlikely").coding![0]!.code).toBe("Unlikely");
    expect(code("unrelated")).toEqual({ text: "NCI attribution: unrelated" });
    expect(fhirProblems(toAdverseEvent(event({ attribution: "unrelated" })))).toEqual([]);
  });
});

describe("research subjects, bags and procedures", () => {
  it("reads the subject's status from the journey map (one home for it)", () => {
    expect(researchSubjectStatus("follow-up", "enrolled")).toBe("on-study-observation");
    expect(researchSubjectStatus(null, "screen-failed")).toBe("ineligible");
    expect(researchSubjectStatus(null, "on-treatment")).toBe("on-study-intervention");
  });

  it("gives a bag its DIN and chain-of-identity id, its apheresis parent and availability", () => {
    const bag = toBiologicallyDerivedProduct({
      id: "01a2409b-0000-7000-8000-000000000003",
      patient_id: "01a2409b-0000-7000-8000-0000000000aa",
      kind: "final-product",
      parent_id: "01a2409b-0000-7000-8000-000000000004",
      din: "W000019000123",
      coi_id: "W0000COI19000001",
      product_code: "S2001V00",
      state: "administered",
      collected_at: at,
      ...base,
    });
    expect(bag.identifier!.map((i) => i.value)).toEqual(["W000019000123", "W0000COI19000001"]);
    expect(bag.status).toBe("unavailable");
    expect(bag.parent![0]!.reference).toBe("BiologicallyDerivedProduct/01a2409b-0000-7000-8000-000000000004");
    const infusion = toProcedure({
      id: "01a2409b-0000-7000-8000-000000000005",
      patient_id: "01a2409b-0000-7000-8000-0000000000aa",
      kind: "infusion",
      at,
      product_id: bag.id!,
      recorded_at: at,
    });
    expect(infusion.extension![0]!.valueReference!.reference).toBe(`BiologicallyDerivedProduct/${bag.id}`);
    expect([...fhirProblems(bag), ...fhirProblems(infusion)]).toEqual([]);
  });
});
