/**
 * Lab results from a FHIR R4 Bundle (type collection, transaction or batch) of Observations.
 *
 * Each entry must be an Observation with a LOINC coding (system http://loinc.org), a subject
 * given by our pseudonymous subject code as `subject.identifier.value` (vein2vein never hands out
 * its patient ids to laboratories, so a `subject.reference` to another server's Patient cannot be
 * resolved and is refused), `effectiveDateTime` (or `effectiveInstant`), and `valueQuantity` with
 * a UCUM unit (`system` http://unitsofmeasure.org; `code`, or `unit` when `code` is absent) or, for
 * coded results, `valueCodeableConcept`. Problems point into the bundle as JSON Pointers, e.g.
 * `/entry/3/resource/valueQuantity/code`. Sources: FHIR R4 Bundle, Observation and Quantity
 * (hl7.org/fhir/R4/bundle.html, observation.html, datatypes.html#Quantity).
 */
import { CODE_SYSTEMS } from "../code-systems.ts";
import type { Issue } from "../errors.ts";
import {
  type ImportedStatus,
  type InterpretOptions,
  interpretResult,
  type LabResult,
  MAX_LISTED_ISSUES,
  type ParsedFile,
  type RawResult,
} from "./result.ts";

export const BUNDLE_TYPES = ["collection", "transaction", "batch"] as const;
const STATUSES: readonly ImportedStatus[] = ["preliminary", "final", "amended", "corrected"];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" ? v : undefined);

export function readFhirLabBundle(bundle: unknown, options: InterpretOptions): ParsedFile {
  const issues: Issue[] = [];
  const add = (path: string, code: string, message: string) => issues.push({ path, code, message });
  if (!isObject(bundle) || bundle.resourceType !== "Bundle") {
    add("/resourceType", "not_a_bundle", 'the file is not a FHIR Bundle (resourceType must be "Bundle")');
    return { results: [], issues, rows: 0 };
  }
  if (!BUNDLE_TYPES.includes(bundle.type as (typeof BUNDLE_TYPES)[number]))
    add(
      "/type",
      "bundle_type",
      `a bundle of type ${JSON.stringify(bundle.type ?? null)} is not imported; use ${BUNDLE_TYPES.join(", ")}`,
    );
  const entries = bundle.entry;
  if (!Array.isArray(entries) || entries.length === 0) {
    add("/entry", "no_rows", "the bundle has no entries");
    return { results: [], issues, rows: 0 };
  }
  const results: LabResult[] = [];
  let unlisted = 0;
  entries.forEach((entry, i) => {
    const { raw, paths, problems } = readObservation(entry, `/entry/${i}/resource`);
    const { result, issues: found } = raw
      ? interpretResult(raw, paths, options)
      : { result: null, issues: [] };
    if (result && problems.length === 0) results.push(result);
    // A Patient reference is reported once, as such, not again as a missing subject code.
    const unresolvable = problems.some((p) => p.code === "unresolvable_subject");
    const rest = found.filter((f) => !(unresolvable && f.code === "missing_subject"));
    for (const issue of [...problems, ...rest]) {
      if (issues.length < MAX_LISTED_ISSUES)
        issues.push({ ...issue, message: `entry ${i}: ${issue.message}` });
      else unlisted++;
    }
  });
  if (unlisted > 0)
    issues.push({
      path: "/entry",
      code: "too_many_problems",
      message: `${unlisted} more problems are not listed`,
    });
  return { results, issues, rows: entries.length };
}

function readObservation(entry: unknown, at: string) {
  const problems: Issue[] = [];
  const add = (path: string, code: string, message: string) => problems.push({ path, code, message });
  const resource = isObject(entry) ? entry.resource : undefined;
  const paths = {
    subjectCode: `${at}/subject/identifier/value`,
    code: `${at}/code/coding`,
    value: `${at}/valueQuantity/value`,
    unit: `${at}/valueQuantity/code`,
    effectiveAt: `${at}/effectiveDateTime`,
    referenceRange: `${at}/referenceRange/0`,
  };
  if (!isObject(resource)) {
    add(at, "missing_resource", "the entry has no resource");
    return { raw: null, paths, problems };
  }
  if (resource.resourceType !== "Observation") {
    add(
      `${at}/resourceType`,
      "not_an_observation",
      `only Observations are imported, not ${JSON.stringify(resource.resourceType ?? null)}`,
    );
    return { raw: null, paths, problems };
  }
  const raw: RawResult = {};

  const status = resource.status;
  if (STATUSES.includes(status as ImportedStatus)) raw.status = status as ImportedStatus;
  else
    add(
      `${at}/status`,
      "observation_status",
      `an Observation with status ${JSON.stringify(status ?? null)} is not imported; use ${STATUSES.join(", ")}`,
    );

  const codings = isObject(resource.code) && Array.isArray(resource.code.coding) ? resource.code.coding : [];
  const loincAt = codings.findIndex((c) => isObject(c) && c.system === CODE_SYSTEMS.loinc);
  if (loincAt >= 0) {
    raw.code = text((codings[loincAt] as Json).code) ?? "";
    paths.code = `${at}/code/coding/${loincAt}/code`;
  } else if (codings.length > 0 || isObject(resource.code))
    add(paths.code, "missing_code", `the code has no LOINC coding (system ${CODE_SYSTEMS.loinc})`);
  // no code at all: interpretResult reports the missing LOINC code

  const subject = resource.subject;
  if (isObject(subject) && isObject(subject.identifier)) raw.subjectCode = text(subject.identifier.value);
  else if (isObject(subject) && typeof subject.reference === "string")
    add(
      `${at}/subject/reference`,
      "unresolvable_subject",
      "give the subject code as subject.identifier.value; Patient references are not resolved",
    );

  if (typeof resource.effectiveDateTime === "string") raw.effectiveAt = resource.effectiveDateTime;
  else if (typeof resource.effectiveInstant === "string") {
    raw.effectiveAt = resource.effectiveInstant;
    paths.effectiveAt = `${at}/effectiveInstant`;
  }

  const quantity = resource.valueQuantity;
  if (isObject(quantity)) {
    if (typeof quantity.value === "number") raw.value = { number: quantity.value };
    else if (quantity.value !== undefined)
      add(paths.value, "invalid_number", "valueQuantity.value is not a number");
    if (quantity.comparator !== undefined)
      add(
        `${at}/valueQuantity/comparator`,
        "censored_value",
        `a censored result (comparator ${JSON.stringify(quantity.comparator)}) is not imported as a value`,
      );
    if (quantity.system !== undefined && quantity.system !== CODE_SYSTEMS.ucum)
      add(
        `${at}/valueQuantity/system`,
        "unit_system",
        `the unit system must be ${CODE_SYSTEMS.ucum}, not ${JSON.stringify(quantity.system)}`,
      );
    if (typeof quantity.code === "string") raw.unit = quantity.code;
    else if (typeof quantity.unit === "string") {
      raw.unit = quantity.unit;
      paths.unit = `${at}/valueQuantity/unit`;
    }
  } else if (isObject(resource.valueCodeableConcept)) {
    const concept = resource.valueCodeableConcept;
    const coding = Array.isArray(concept.coding) ? concept.coding.find(isObject) : undefined;
    const code = text(coding?.code) ?? text(concept.text);
    paths.value = `${at}/valueCodeableConcept`;
    if (code) raw.value = { code };
  } else if (typeof resource.valueString === "string") {
    raw.value = { text: resource.valueString };
    paths.value = `${at}/valueString`;
  }

  const range = Array.isArray(resource.referenceRange) ? resource.referenceRange[0] : undefined;
  if (isObject(range)) raw.referenceRange = text(range.text) ?? rangeText(range);
  return { raw, paths, problems };
}

function rangeText(range: Json): string | undefined {
  const end = (q: unknown) =>
    isObject(q) && typeof q.value === "number"
      ? `${q.value}${typeof q.code === "string" ? ` ${q.code}` : typeof q.unit === "string" ? ` ${q.unit}` : ""}`
      : "";
  const low = end(range.low);
  const high = end(range.high);
  return low || high ? `${low}–${high}` : undefined;
}
