/**
 * The pure parts of Bulk Data kick-off (src/fhir/bulk.ts): `_typeFilter` read by the search
 * routes' parser, `patient`, and a POST's Parameters body turned into the GET form's query; and
 * the single-dose rule and its MedicationAdministration.
 */
import { describe, expect, it } from "vitest";
import { isSingleAdministration } from "../../../src/domain/medications.ts";
import { parametersToQuery, parseBulkRequest } from "../../../src/fhir/bulk.ts";
import { type MedicationRecord, toMedicationAdministration } from "../../../src/fhir/medication.ts";
import { parseSearch } from "../../../src/fhir/search.ts";
import { fhirProblems } from "../../support/fhir-validation.ts";

const ASYNC = "respond-async";
const P = "01a2409b-0000-7000-8000-0000000000aa";

describe("_typeFilter", () => {
  it("reads each filter as the search route would read the same query, several per type kept apart", () => {
    const { request, problems } = parseBulkRequest(
      "system",
      {
        _typeFilter: [
          "Observation?code=http://loinc.org|718-7&date=ge2019-09-01",
          "Observation?code=1988-5",
          "Condition?onset-date=le2020",
        ],
      },
      ASYNC,
    );
    expect(problems).toEqual([]);
    expect(request.typeFilters!.Observation).toEqual([
      parseSearch("Observation", { code: ["http://loinc.org|718-7"], date: ["ge2019-09-01"] }).search,
      parseSearch("Observation", { code: ["1988-5"] }).search,
    ]);
    expect(request.typeFilters!.Condition).toHaveLength(1);
  });

  it("splits comma-separated filters only where a new Type? begins (a code list keeps its commas)", () => {
    const { request, problems } = parseBulkRequest(
      "system",
      { _typeFilter: "Observation?code=718-7,1988-5,Condition?code=M32.1" },
      ASYNC,
    );
    expect(problems).toEqual([]);
    expect(request.typeFilters!.Observation![0]!.codes!.map((c) => c.code)).toEqual(["718-7", "1988-5"]);
    expect(request.typeFilters!.Condition![0]!.codes![0]!.code).toBe("M32.1");
  });

  it("refuses what it cannot apply, even with Prefer: handling=lenient", () => {
    const bad = [
      "Observation?colour=red",
      "Observation?_count=5",
      "Patient?identity=true",
      "Spaceship?x=1",
      "Observation",
      "code=718-7",
      "Observation?date=sa2019",
    ];
    for (const f of bad) {
      const { problems } = parseBulkRequest("system", { _typeFilter: f }, `${ASYNC}, handling=lenient`);
      expect(problems.length, f).toBeGreaterThan(0);
      expect(problems[0]!.parameter).toBe("_typeFilter");
    }
    // Provenance cannot be cut to patients, so it cannot be filtered at Patient level either
    expect(
      parseBulkRequest("patient", { _typeFilter: "Provenance?recorded=ge2020" }, ASYNC).problems,
    ).toHaveLength(1);
    // a filter on a type _type leaves out
    expect(
      parseBulkRequest("system", { _type: "Patient", _typeFilter: "Observation?code=1" }, ASYNC).problems,
    ).toHaveLength(1);
  });
});

describe("patient", () => {
  it("takes Patient references at Patient and Group level, not at system level", () => {
    expect(parseBulkRequest("patient", { patient: [`Patient/${P}`, P] }, ASYNC).request.patientIds).toEqual([
      P,
    ]);
    expect(parseBulkRequest("group", { patient: `Patient/${P}` }, ASYNC).problems).toEqual([]);
    expect(parseBulkRequest("system", { patient: `Patient/${P}` }, ASYNC).problems).toHaveLength(1);
    expect(parseBulkRequest("patient", { patient: "Patient/x" }, ASYNC).problems).toHaveLength(1);
  });
});

describe("a POST kick-off's Parameters", () => {
  it("become the GET form's query, repeated names kept", () => {
    const { query, problems } = parametersToQuery({
      resourceType: "Parameters",
      parameter: [
        { name: "_type", valueString: "Observation" },
        { name: "_since", valueInstant: "2020-01-01T00:00:00Z" },
        { name: "_typeFilter", valueString: "Observation?code=1" },
        { name: "_typeFilter", valueString: "Observation?code=2" },
        { name: "patient", valueReference: { reference: `Patient/${P}` } },
      ],
    });
    expect(problems).toEqual([]);
    expect(query).toEqual({
      _type: ["Observation"],
      _since: ["2020-01-01T00:00:00Z"],
      _typeFilter: ["Observation?code=1", "Observation?code=2"],
      patient: [`Patient/${P}`],
    });
  });

  it("refuses anything but named parameters with the value type the IG gives each", () => {
    const bad: unknown[] = [
      null,
      "Parameters",
      { resourceType: "Bundle" },
      { resourceType: "Parameters", parameter: {} },
      { resourceType: "Parameters", parameter: [{ valueString: "x" }] },
      { resourceType: "Parameters", parameter: [{ name: "_type" }] },
      { resourceType: "Parameters", parameter: [{ name: "_type", valueString: "A", valueCode: "B" }] },
      { resourceType: "Parameters", parameter: [{ name: "_since", valueString: "2020-01-01T00:00:00Z" }] },
      { resourceType: "Parameters", parameter: [{ name: "patient", valueReference: { display: "Li" } }] },
      { resourceType: "Parameters", parameter: [{ name: "_type", valueString: 3 }] },
    ];
    for (const body of bad)
      expect(parametersToQuery(body).problems.length, JSON.stringify(body)).toBeGreaterThan(0);
    // an empty Parameters is a whole export, as a GET without a query
    expect(parametersToQuery({ resourceType: "Parameters" })).toEqual({ query: {}, problems: [] });
  });
});

describe("single doses", () => {
  const at = new Date("2019-09-16T02:00:00Z");
  const med = (patch: Partial<MedicationRecord>): MedicationRecord => ({
    id: "01a2409b-0000-7000-8000-000000000001",
    patient_id: P,
    drug: "tocilizumab",
    drug_code_system: "http://www.whocc.no/atc",
    drug_code: "L04AC07",
    dose_value: 8,
    dose_unit: "mg/kg",
    route: "intravenous",
    frequency: "once",
    start_date: "2019-09-16",
    stop_date: "2019-09-16",
    indication: "CRS grade 2",
    status: "completed",
    note: null,
    created_at: at,
    version: 1,
    updated_at: at,
    ...patch,
  });
  const facts = (m: MedicationRecord) => ({
    frequency: m.frequency,
    startDate: m.start_date,
    stopDate: m.stop_date,
    status: m.status,
  });

  it("are one-dose frequencies started and stopped the same day, no longer active", () => {
    expect(isSingleAdministration(facts(med({})))).toBe(true);
    expect(isSingleAdministration(facts(med({ frequency: " STAT " })))).toBe(true);
    expect(isSingleAdministration(facts(med({ frequency: "once daily" })))).toBe(false);
    expect(isSingleAdministration(facts(med({ stop_date: "2019-09-18" })))).toBe(false);
    expect(isSingleAdministration(facts(med({ stop_date: null })))).toBe(false);
    expect(isSingleAdministration(facts(med({ status: "active" })))).toBe(false);
  });

  it("map to a valid MedicationAdministration: ATC code, the day, a UCUM dose", () => {
    const ma = toMedicationAdministration(med({}));
    expect(ma).toMatchObject({
      status: "completed",
      medicationCodeableConcept: { coding: [{ system: "http://www.whocc.no/atc", code: "L04AC07" }] },
      subject: { reference: `Patient/${P}` },
      effectiveDateTime: "2019-09-16",
      dosage: { dose: { value: 8, system: "http://unitsofmeasure.org", code: "mg/kg" } },
    });
    expect(fhirProblems(ma)).toEqual([]);
    expect(toMedicationAdministration(med({ status: "entered-in-error" })).status).toBe("entered-in-error");
    expect(
      fhirProblems(toMedicationAdministration(med({ dose_value: null, dose_unit: null, route: null }))),
    ).toEqual([]);
    expect(() => toMedicationAdministration(med({ status: "active" }))).toThrow();
  });
});
