/**
 * The server's CapabilityStatement (https://hl7.org/fhir/R4/capabilitystatement.html), built from
 * the search table in search.ts so it cannot advertise what the routes do not do.
 *
 * Bulk Data (IG v2.0.0, https://hl7.org/fhir/uv/bulkdata/STU2/): the statement `instantiates`
 * the IG's CapabilityStatement and names the three `$export` operations by the IG's
 * OperationDefinition canonicals, system level on `rest.operation`, Patient and Group level on
 * their resources (R4 CapabilityStatement.rest.resource.operation). A Group is a saved cohort:
 * it can be read (the IG's "SHOULD support reading and searching for Group"), not searched; the
 * saved cohorts are listed through /api/v1.
 */
import type { CapabilityStatement } from "@medplum/fhirtypes";
import { RESOURCE_TYPES, SEARCH_PARAMETERS } from "./search.ts";
import { FHIR_VERSION } from "./systems.ts";

const BULK = "http://hl7.org/fhir/uv/bulkdata";
export const BULK_DATA = {
  capabilityStatement: `${BULK}/CapabilityStatement/bulk-data`,
  systemExport: `${BULK}/OperationDefinition/export`,
  patientExport: `${BULK}/OperationDefinition/patient-export`,
  groupExport: `${BULK}/OperationDefinition/group-export`,
} as const;

const EXPORT_DOC =
  "Prefer: respond-async; GET with a query or POST of a Parameters resource; _outputFormat, _type, _since, _typeFilter (the search parameters listed for each type; several for one type are ORed)";

const DATE_DOC = "prefixes eq, ge, gt, le, lt; a value without a time zone is read in UTC";

export function capabilityStatement(
  baseUrl: string,
  softwareVersion: string,
  date: Date,
): CapabilityStatement {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: date.toISOString(),
    kind: "instance",
    instantiates: [BULK_DATA.capabilityStatement],
    software: { name: "vein2vein", version: softwareVersion },
    implementation: { description: "vein2vein FHIR R4 read and search API", url: baseUrl },
    fhirVersion: FHIR_VERSION,
    format: ["application/fhir+json"],
    rest: [
      {
        mode: "server",
        documentation:
          "Read and search, and Bulk Data $export (system, Patient, Group = a saved cohort). Same authentication as /api/v1 (session cookie or Authorization: Bearer token); each resource is visible only at sites where the caller's role may read it. Unknown search parameters are refused with 400.",
        security: { cors: false, description: "Session cookie or bearer API token, as /api/v1" },
        operation: [{ name: "export", definition: BULK_DATA.systemExport, documentation: EXPORT_DOC }],
        resource: [
          ...RESOURCE_TYPES.map((type) => {
            const spec = SEARCH_PARAMETERS[type];
            const params: {
              name: string;
              type: "token" | "date" | "reference" | "number";
              documentation?: string;
            }[] = [
              { name: "_id", type: "token" },
              { name: "_lastUpdated", type: "date", documentation: DATE_DOC },
            ];
            if (spec.patient) params.push({ name: spec.patient, type: "reference" });
            if (spec.code)
              params.push({
                name: "code",
                type: "token",
                documentation: "system|code or code; commas for OR",
              });
            if (spec.date) params.push({ name: spec.date, type: "date", documentation: DATE_DOC });
            if (spec.identity)
              params.push({
                name: "identity",
                type: "token",
                documentation:
                  "true: add name, birth date and contact where your role may read identity (audited); pseudonymous otherwise",
              });
            return {
              type,
              interaction: [{ code: "read" as const }, { code: "search-type" as const }],
              versioning: "versioned" as const,
              readHistory: false,
              searchParam: params,
              ...(type === "Patient"
                ? {
                    operation: [
                      {
                        name: "export",
                        definition: BULK_DATA.patientExport,
                        documentation: `${EXPORT_DOC}; patient (Patient/{id}, repeatable)`,
                      },
                    ],
                  }
                : {}),
            };
          }),
          {
            type: "Group",
            documentation:
              "A Group is a saved cohort (its id): read gives its members as the caller may see them now, which is what its $export covers; no search",
            interaction: [{ code: "read" as const }],
            operation: [
              {
                name: "export",
                definition: BULK_DATA.groupExport,
                documentation: `${EXPORT_DOC}; patient (Patient/{id}) narrows to those of the cohort`,
              },
            ],
          },
        ],
      },
    ],
  };
}
