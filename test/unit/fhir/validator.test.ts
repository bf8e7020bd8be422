/**
 * The validator the FHIR tests rely on must fail on what it claims to catch, or a green demo
 * export proves nothing. Each case breaks one rule of the R4 specification.
 */
import type { Resource } from "@medplum/fhirtypes";
import { describe, expect, it } from "vitest";
import { fhirProblems } from "../../support/fhir-validation.ts";

const valid = {
  resourceType: "Observation",
  id: "0190a1b2-0000-7000-8000-000000000001",
  status: "final",
  code: { coding: [{ system: "http://loinc.org", code: "718-7" }] },
  subject: { reference: "Patient/0190a1b2-0000-7000-8000-000000000002" },
  effectiveDateTime: "2019-09-16T02:00:00.000Z",
  valueQuantity: { value: 12, unit: "g/dL", system: "http://unitsofmeasure.org", code: "g/dL" },
} as Resource;

const broken = (patch: Record<string, unknown>) => ({ ...valid, ...patch }) as Resource;

describe("FHIR validation used by the tests", () => {
  it("accepts a well-formed Observation", () => {
    expect(fhirProblems(valid)).toEqual([]);
  });
  it("refuses a missing required element (Observation.code, 1..1)", () => {
    expect(fhirProblems(broken({ code: undefined })).join()).toMatch(/Observation\.code/);
  });
  it("refuses an element R4 does not define", () => {
    expect(fhirProblems(broken({ grade: 3 })).join()).toMatch(/grade/);
  });
  it("refuses a status outside its required value set (observation-status)", () => {
    expect(fhirProblems(broken({ status: "done" })).join()).toMatch(
      /"done" is not in the required value set/,
    );
  });
  it("accepts a nested code of a required value set (corrected sits under amended)", () => {
    expect(fhirProblems(broken({ status: "corrected" }))).toEqual([]);
  });
  it("refuses a dateTime with a time but no zone", () => {
    expect(fhirProblems(broken({ effectiveDateTime: "2019-09-16T02:00:00" })).join()).toMatch(/no time zone/);
  });
  it("refuses a Coding without a system, and a Quantity code that is not UCUM", () => {
    expect(fhirProblems(broken({ code: { coding: [{ code: "718-7" }] } })).join()).toMatch(
      /no absolute system/,
    );
    expect(
      fhirProblems(
        broken({ valueQuantity: { value: 12, unit: "g/dL", system: "http://example.org", code: "g/dL" } }),
      ).join(),
    ).toMatch(/UCUM/);
  });
  it("refuses a required CodeableConcept code outside its value set (Condition.clinicalStatus)", () => {
    const condition = {
      resourceType: "Condition",
      id: "0190a1b2-0000-7000-8000-000000000003",
      clinicalStatus: {
        coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "cured" }],
      },
      subject: { reference: "Patient/0190a1b2-0000-7000-8000-000000000002" },
    } as Resource;
    expect(fhirProblems(condition).join()).toMatch(/"cured" is not in the required value set/);
  });
});
