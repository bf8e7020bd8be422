/**
 * The mappings on worked examples, each checked against what the R4 specification or our cited
 * sources say it must be, and validated as R4.
 */
import { describe, expect, it } from "vitest";
import { toAdverseEvent } from "../../../src/fhir/adverse-event.ts";
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

describe("assessments and adverse events", () => {
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

  it("makes CRS grade 3 an AdverseEvent coded ICD-10-CM D89.833, severe, with the grade kept", () => {
    const ae = toAdverseEvent(crs(3))!;
    expect(ae.event!.coding![0]).toMatchObject({
      system: "http://hl7.org/fhir/sid/icd-10-cm",
      code: "D89.833",
    });
    expect(ae.severity!.coding![0]!.code).toBe("severe");
    expect(ae.extension![0]!.valueInteger).toBe(3);
    expect(fhirProblems(ae)).toEqual([]);
  });

  it("codes ICANS grade 2 as G92.02 (moderate), and makes no event of grade 0", () => {
    const ae = toAdverseEvent(crs(2, "icans"))!;
    expect(ae.event!.coding![0]!.code).toBe("G92.02");
    expect(ae.severity!.coding![0]!.code).toBe("moderate");
    expect(toAdverseEvent(crs(0))).toBeNull();
    expect(toAdverseEvent(crs("CMR", "lugano-pet"))).toBeNull();
  });

  it("takes a CTCAE assessment's worst grade", () => {
    const ae = toAdverseEvent(
      crs({ worst: 4, worstTerms: ["neutrophilCountDecreased"] }, "ctcae-hematology"),
    )!;
    expect(ae.extension![0]!.valueInteger).toBe(4);
    expect(ae.event!.text).toMatch(/neutrophilCountDecreased grade 4/);
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
