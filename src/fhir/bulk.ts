/**
 * FHIR Bulk Data Access (HL7 IG v2.0.0, STU2, https://hl7.org/fhir/uv/bulkdata/STU2/export.html):
 * the kick-off parameters we accept and the completion manifest. Pure; the job runs in
 * src/services/fhir-bulk-export.ts.
 *
 * Kick-off: `Prefer: respond-async` is required (the IG lets a server refuse without it; we do,
 * so a client never waits on a synchronous answer we do not give). `_outputFormat` may be
 * application/fhir+ndjson or the two abbreviations the IG says servers SHALL accept
 * (application/ndjson, ndjson). `_type` is comma-separated and may repeat; `_since` is a FHIR
 * instant (date, time and zone). Other parameters of the IG (`_elements`, `patient`,
 * `_typeFilter`, `includeAssociatedData`) are refused, as the IG asks of a server that does not
 * support them unless the client sent `Prefer: handling=lenient`, which then ignores them.
 */
import { isResourceType, RESOURCE_TYPES, type ResourceType } from "./search.ts";

export type BulkLevel = "system" | "patient" | "group";

/**
 * Types a Patient or Group export can cover: the R4 Patient compartment's types we serve
 * (compartmentdefinition-patient.html), and ResearchStudy, which the ResearchSubjects refer to
 * (the IG: "other resources outside of the patient compartment that are helpful in interpreting
 * the patient data"). Provenance is left out: our Provenance comes from audit rows, which name
 * no patient, so it could not be cut to the group's patients.
 */
export const PATIENT_LEVEL_TYPES: readonly ResourceType[] = RESOURCE_TYPES.filter((t) => t !== "Provenance");

const OUTPUT_FORMATS = new Set(["application/fhir+ndjson", "application/ndjson", "ndjson"]);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export interface BulkRequest {
  /** undefined: every type the level covers that the caller may read */
  types?: ResourceType[];
  since?: Date;
}

export interface BulkProblem {
  parameter: string;
  message: string;
}

const valuesOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

/** Whether a Prefer header asks for the asynchronous pattern (RFC 7240 preferences, comma-separated). */
export const prefersAsync = (prefer: string | undefined): boolean =>
  (prefer ?? "").split(",").some((p) => p.split(";")[0]!.trim().toLowerCase() === "respond-async");

const lenient = (prefer: string | undefined): boolean =>
  (prefer ?? "").split(",").some((p) => p.replace(/\s+/g, "").toLowerCase() === "handling=lenient");

export function parseBulkRequest(
  level: BulkLevel,
  query: Record<string, unknown>,
  prefer: string | undefined,
): { request: BulkRequest; problems: BulkProblem[] } {
  const problems: BulkProblem[] = [];
  const request: BulkRequest = {};
  if (!prefersAsync(prefer))
    problems.push({
      parameter: "Prefer",
      message: "a bulk export is asynchronous: send the header Prefer: respond-async",
    });
  for (const [name, raw] of Object.entries(query)) {
    const values = valuesOf(raw);
    if (name === "_outputFormat") {
      const bad = values.filter((v) => !OUTPUT_FORMATS.has(v));
      if (bad.length > 0)
        problems.push({
          parameter: name,
          message: `"${bad.join(", ")}" is not a format we write; use application/fhir+ndjson`,
        });
    } else if (name === "_type") {
      const names = values.flatMap((v) => v.split(",")).map((t) => t.trim());
      const unknown = names.filter((t) => !isResourceType(t));
      if (unknown.length > 0)
        problems.push({
          parameter: name,
          message: `not a type this server exports: ${unknown.join(", ")} (it exports ${RESOURCE_TYPES.join(", ")})`,
        });
      const types = [...new Set(names.filter(isResourceType))];
      const outside = level === "system" ? [] : types.filter((t) => !PATIENT_LEVEL_TYPES.includes(t));
      if (outside.length > 0)
        problems.push({
          parameter: name,
          message: `${outside.join(", ")} is exported at system level only ($export): it cannot be cut to patients`,
        });
      request.types = RESOURCE_TYPES.filter((t) => types.includes(t));
    } else if (name === "_since") {
      const v = values.at(-1)!;
      const at = new Date(v);
      if (values.length > 1 || !INSTANT.test(v) || Number.isNaN(at.getTime()))
        problems.push({
          parameter: name,
          message: "one FHIR instant with a time zone, e.g. 2026-01-01T00:00:00Z",
        });
      else request.since = at;
    } else if (!lenient(prefer)) {
      problems.push({
        parameter: name,
        message: `this server does not support the $export parameter "${name}" (send Prefer: handling=lenient to have it ignored)`,
      });
    }
  }
  return { request, problems };
}

export interface BulkManifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: { type: string; url: string }[];
}

/**
 * The completion manifest. Output files need the same login or token as the kick-off, so
 * `requiresAccessToken` is true. A type with no resources gets no file, so an export that matched
 * nothing has an empty `output` (as the IG says a server SHOULD). An error during a job fails
 * the whole job (the status answers with an OperationOutcome), so `error` is always empty.
 */
export function bulkManifest(job: {
  transactionTime: Date;
  request: string;
  types: string[];
  counts: Record<string, number>;
  fileUrl: (type: string) => string;
}): BulkManifest {
  return {
    transactionTime: job.transactionTime.toISOString(),
    request: job.request,
    requiresAccessToken: true,
    output: job.types
      .filter((t) => (job.counts[t] ?? 0) > 0)
      .map((type) => ({ type, url: job.fileUrl(type), count: job.counts[type]! })),
    error: [],
  };
}
