/**
 * The server's CapabilityStatement (https://hl7.org/fhir/R4/capabilitystatement.html), built from
 * the search table in search.ts so it cannot advertise what the routes do not do.
 */
import type { CapabilityStatement } from "@medplum/fhirtypes";
import { RESOURCE_TYPES, SEARCH_PARAMETERS } from "./search.ts";
import { FHIR_VERSION } from "./systems.ts";

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
    software: { name: "vein2vein", version: softwareVersion },
    implementation: { description: "vein2vein FHIR R4 read and search API", url: baseUrl },
    fhirVersion: FHIR_VERSION,
    format: ["application/fhir+json"],
    rest: [
      {
        mode: "server",
        documentation:
          "Read-only. Same authentication as /api/v1 (session cookie or Authorization: Bearer token); each resource is visible only at sites where the caller's role may read it. Unknown search parameters are refused with 400.",
        security: { cors: false, description: "Session cookie or bearer API token, as /api/v1" },
        resource: RESOURCE_TYPES.map((type) => {
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
            params.push({ name: "code", type: "token", documentation: "system|code or code; commas for OR" });
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
          };
        }),
      },
    ],
  };
}
