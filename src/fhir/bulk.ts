/**
 * FHIR Bulk Data Access (HL7 IG v2.0.0, STU2, https://hl7.org/fhir/uv/bulkdata/STU2/export.html):
 * the kick-off parameters we accept and the completion manifest. Pure; the job runs in
 * src/services/fhir-bulk-export.ts.
 *
 * Kick-off: `Prefer: respond-async` is required (the IG lets a server refuse without it; we do,
 * so a client never waits on a synchronous answer we do not give). `_outputFormat` may be
 * application/fhir+ndjson or the two abbreviations the IG says servers SHALL accept
 * (application/ndjson, ndjson). `_type` is comma-separated and may repeat; `_since` is a FHIR
 * instant (date, time and zone). `patient` (Patient and Group level; the IG: "Not applicable to
 * system level export requests") names the patients to export, as `Patient/{id}` references.
 * At most MAX_BULK_PATIENTS patients per export: each page of each type reads the named
 * patients' records with the list as its bound parameters, and a longer list is better sent as a
 * Group (a saved cohort). The GET form is bounded sooner by the HTTP server's URL (header) limit,
 * about 16 KB, so a long list goes in a POST body.
 * `_typeFilter` is `Type?search`, parsed by the same parser as the search routes (search.ts), so a
 * filter means what the same query on `GET /fhir/R4/{Type}` means; several filters for one type
 * are ORed (the IG: a resource is included when it meets the criteria of at least one of the
 * type's `_typeFilter` values), types without a filter are not filtered. A filter we cannot apply
 * is refused, never dropped: dropping it would hand the client more data than it asked for.
 * The other parameters of the IG (`_elements`, `includeAssociatedData`) are refused, as the IG
 * asks of a server that does not support them unless the client sent `Prefer: handling=lenient`,
 * which then ignores them.
 *
 * The IG also allows the kick-off as a POST of a FHIR Parameters resource (export.html, "Bulk
 * Data Kick-off Request": "a FHIR Parameters Resource in the request body"): `parametersToQuery`
 * turns its parameters into the same query the GET form would carry, so both forms are checked
 * by one parser and a job is the same whichever form started it.
 */
import { isResourceType, parseSearch, RESOURCE_TYPES, type ResourceType, type Search } from "./search.ts";

export type BulkLevel = "system" | "patient" | "group";

/**
 * Types a Patient or Group export can cover: the R4 Patient compartment's types we serve
 * (compartmentdefinition-patient.html), and ResearchStudy, which the ResearchSubjects refer to
 * (the IG: "other resources outside of the patient compartment that are helpful in interpreting
 * the patient data"). Provenance is left out: our Provenance comes from audit rows, which name
 * no patient, so it could not be cut to the group's patients.
 */
export const PATIENT_LEVEL_TYPES: readonly ResourceType[] = RESOURCE_TYPES.filter((t) => t !== "Provenance");

/** The most `patient` references one export may name (see above). */
export const MAX_BULK_PATIENTS = 1000;

const OUTPUT_FORMATS = new Set(["application/fhir+ndjson", "application/ndjson", "ndjson"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export interface BulkRequest {
  /** undefined: every type the level covers that the caller may read */
  types?: ResourceType[];
  since?: Date;
  /** `_typeFilter`: per type, searches of which a resource must meet at least one */
  typeFilters?: Partial<Record<ResourceType, Search[]>>;
  /** `patient`: only these patients (Patient and Group level) */
  patientIds?: string[];
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
    } else if (name === "_typeFilter") {
      for (const value of values)
        for (const filter of value.split(/,(?=[A-Za-z]+\?)/))
          parseTypeFilter(level, filter, request, problems);
    } else if (name === "patient") {
      if (level === "system")
        problems.push({
          parameter: name,
          message: "patient applies to Patient and Group exports only (Patient/$export, Group/{id}/$export)",
        });
      const refs = values.flatMap((v) => v.split(",")).map((v) => v.trim());
      const bad = refs.filter((r) => !UUID.test(r.replace(/^Patient\//, "")));
      if (bad.length > 0)
        problems.push({
          parameter: name,
          message: `not Patient references of this server: ${bad.join(", ")}`,
        });
      else request.patientIds = [...new Set(refs.map((r) => r.replace(/^Patient\//, "")))];
      if (request.patientIds && request.patientIds.length > MAX_BULK_PATIENTS)
        problems.push({
          parameter: name,
          message: `${request.patientIds.length} patients named; at most ${MAX_BULK_PATIENTS} per export (export a Group, a saved cohort, for more)`,
        });
    } else if (!lenient(prefer)) {
      problems.push({
        parameter: name,
        message: `this server does not support the $export parameter "${name}" (send Prefer: handling=lenient to have it ignored)`,
      });
    }
  }
  // a filter on a type the export does not cover could never apply: the client misread something
  if (request.typeFilters && request.types) {
    const outside = Object.keys(request.typeFilters).filter(
      (t) => !request.types!.includes(t as ResourceType),
    );
    if (outside.length > 0)
      problems.push({
        parameter: "_typeFilter",
        message: `filters ${outside.join(", ")}, which _type leaves out`,
      });
  }
  return { request, problems };
}

/** Search parameters that shape a result page rather than select resources (the IG: not in a _typeFilter). */
const RESULT_PARAMETERS = new Set([
  "_count",
  "_cursor",
  "_sort",
  "_include",
  "_revinclude",
  "_summary",
  "_elements",
]);

/** One `_typeFilter` value, `Type?name=value&…`, added to the request's filters or its problems. */
function parseTypeFilter(level: BulkLevel, raw: string, request: BulkRequest, problems: BulkProblem[]) {
  const parameter = "_typeFilter";
  const m = /^([A-Za-z]+)\?(.+)$/.exec(raw.trim());
  if (!m) {
    problems.push({
      parameter,
      message: `"${raw}" is not Type?search (e.g. Observation?code=http://loinc.org|718-7)`,
    });
    return;
  }
  const [, type, query] = m as unknown as [string, string, string];
  if (!isResourceType(type)) {
    problems.push({ parameter, message: `"${type}" is not a type this server exports` });
    return;
  }
  if (level !== "system" && !PATIENT_LEVEL_TYPES.includes(type)) {
    problems.push({ parameter, message: `${type} is exported at system level only ($export)` });
    return;
  }
  const params: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = [...(params[k] ?? []), v];
  const shaping = Object.keys(params).filter((k) => RESULT_PARAMETERS.has(k) || k === "identity");
  if (shaping.length > 0) {
    problems.push({
      parameter,
      message: `${type}: ${shaping.join(", ")} shapes results and cannot filter an export`,
    });
    return;
  }
  const { search, problems: found } = parseSearch(type, params);
  if (found.length > 0) {
    problems.push(...found.map((p) => ({ parameter, message: `${type}?${p.parameter}: ${p.message}` })));
    return;
  }
  const filters = request.typeFilters ?? {};
  filters[type] = [...(filters[type] ?? []), search];
  request.typeFilters = filters;
}

/** Parameter names a Parameters body may carry, and the value[x] each must use (the IG's OperationDefinitions). */
const PARAMETER_VALUES: Readonly<
  Record<string, "valueString" | "valueInstant" | "valueReference" | "valueCode">
> = {
  _outputFormat: "valueString",
  _since: "valueInstant",
  _type: "valueString",
  _typeFilter: "valueString",
  patient: "valueReference",
  _elements: "valueString",
  includeAssociatedData: "valueCode",
};

/**
 * A POST kick-off's Parameters body as the query the GET form would carry (repeated names kept),
 * or its problems. Anything that is not a Parameters resource of named parameters, each with the
 * value type the IG gives that name, is refused: guessing would start an export nobody asked for.
 * Names the IG does not define are passed on, so parseBulkRequest refuses or (lenient) ignores
 * them exactly as in a GET.
 */
export function parametersToQuery(body: unknown): {
  query: Record<string, string[]>;
  problems: BulkProblem[];
} {
  const problems: BulkProblem[] = [];
  const query: Record<string, string[]> = {};
  const p = body as { resourceType?: unknown; parameter?: unknown } | null;
  if (p === null || typeof p !== "object" || p.resourceType !== "Parameters") {
    problems.push({ parameter: "body", message: "the body must be a FHIR Parameters resource" });
    return { query, problems };
  }
  if (p.parameter !== undefined && !Array.isArray(p.parameter)) {
    problems.push({ parameter: "parameter", message: "Parameters.parameter must be an array" });
    return { query, problems };
  }
  ((p.parameter as unknown[] | undefined) ?? []).forEach((entry, i) => {
    const at = `parameter[${i}]`;
    const e = entry as Record<string, unknown> | null;
    if (e === null || typeof e !== "object" || typeof e.name !== "string" || e.name === "") {
      problems.push({ parameter: at, message: "each parameter needs a name" });
      return;
    }
    const valueKeys = Object.keys(e).filter((k) => k.startsWith("value"));
    const expected = PARAMETER_VALUES[e.name] ?? (valueKeys[0] as string | undefined);
    const value = expected ? e[expected] : undefined;
    if (valueKeys.length !== 1 || !expected || valueKeys[0] !== expected) {
      problems.push({
        parameter: `${at}.${e.name}`,
        message: expected ? `needs one ${expected}` : "needs one value",
      });
      return;
    }
    let text: unknown = value;
    if (expected === "valueReference") text = (value as { reference?: unknown } | null)?.reference;
    if (typeof text !== "string" || text === "") {
      problems.push({
        parameter: `${at}.${e.name}`,
        message:
          expected === "valueReference" ? "needs a reference, e.g. Patient/{id}" : `${expected} must be text`,
      });
      return;
    }
    query[e.name] = [...(query[e.name] ?? []), text];
  });
  return { query, problems };
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
