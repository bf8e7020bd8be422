/**
 * Lab results from a FHIR R4 Bundle, as laboratories actually send them: a transaction, batch,
 * collection or searchset whose entries are Observations among the resources that give them
 * context (Patient, DiagnosticReport, Specimen, …). Sources: FHIR R4 Bundle, Observation,
 * Quantity and references (hl7.org/fhir/R4/bundle.html, observation.html, datatypes.html#Quantity,
 * references.html#contained); decision 0035.
 *
 * - **Entries.** Observations are results; the context resources are read where needed (a Patient
 *   names the subject) and otherwise skipped, never a reason to refuse the file. A panel
 *   Observation (`hasMember`, no value of its own) is not a result: its members are, and each must
 *   be in the bundle. Anything else (a MedicationRequest) is refused: it is not a lab result.
 * - **Subject.** `subject.identifier.value` is our pseudonymous subject code. A `subject.reference`
 *   (`urn:uuid:…`, `Patient/123`, or an absolute URL) is resolved inside the bundle, by fullUrl or
 *   by type and id; the Patient it names gives the subject code through its identifier with system
 *   SUBJECT_CODE_SYSTEM, or its only identifier. A reference outside the bundle is refused: our
 *   patient ids are never handed out, so another server's Patient cannot be matched.
 * - **What is kept.** The LOINC coding, the UCUM quantity (with its comparator: "<0.5 mg/L" is a
 *   censored result), a coded value with its system, `dataAbsentReason` (a missing result, stored
 *   as such), interpretation codings, reference ranges (structured limits and the text), the
 *   sampling time (a date alone is a day at the site; `effectivePeriod` keeps start and end), the
 *   lab's notes, the status, and the Observation identifier, by which a later `corrected`/`amended` result
 *   supersedes the one it names and an `entered-in-error` one retracts it (src/services/lab-import.ts).
 *
 * Problems point into the bundle as JSON Pointers, e.g. `/entry/3/resource/valueQuantity/code`.
 */
import { CODE_SYSTEMS } from "../code-systems.ts";
import type { Issue } from "../errors.ts";
import { COMPARATORS, type Comparator } from "../observation-value.ts";
import {
  type Coding,
  type FieldPaths,
  type ImportedStatus,
  type InterpretOptions,
  interpretResult,
  type LabIdentifier,
  type LabResult,
  type LabRetraction,
  MAX_LISTED_ISSUES,
  type ParsedFile,
  type RawLimit,
  type RawResult,
} from "./result.ts";

export const BUNDLE_TYPES = ["collection", "transaction", "batch", "searchset"] as const;
const STATUSES: readonly ImportedStatus[] = ["preliminary", "final", "amended", "corrected"];
/**
 * The identifier system of our pseudonymous subject codes on a Patient a laboratory sends back
 * (vein2vein's own namespace; decision 0035).
 */
export const SUBJECT_CODE_SYSTEM = "https://vein2vein.org/fhir/sid/subject-code";
/** Resources a lab bundle carries around its results: read where they help, else skipped. */
export const CONTEXT_RESOURCES = new Set([
  "Patient",
  "DiagnosticReport",
  "Specimen",
  "ServiceRequest",
  "Encounter",
  "Practitioner",
  "PractitionerRole",
  "Organization",
  "Location",
  "Device",
  "Provenance",
  "OperationOutcome",
]);
/** Value types FHIR allows that are not a lab result we can store as one value. */
const UNSUPPORTED_VALUES = [
  "valueBoolean",
  "valueRange",
  "valueRatio",
  "valueSampledData",
  "valueTime",
  "valueDateTime",
  "valuePeriod",
] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);
const array = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Where each entry can be found by reference: its fullUrl, and ResourceType/id. */
class BundleIndex {
  private readonly byKey = new Map<string, number | "ambiguous">();
  constructor(private readonly entries: unknown[]) {
    entries.forEach((entry, i) => {
      if (!isObject(entry)) return;
      const r = entry.resource;
      const keys = new Set<string>();
      const fullUrl = text(entry.fullUrl);
      if (fullUrl) {
        keys.add(fullUrl);
        const tail = /([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(fullUrl);
        if (tail && !fullUrl.startsWith("urn:")) keys.add(tail[1]!);
      }
      if (isObject(r) && text(r.resourceType) && text(r.id)) keys.add(`${r.resourceType}/${r.id}`);
      for (const k of keys) this.byKey.set(k, this.byKey.has(k) ? "ambiguous" : i);
    });
  }
  /** The entry a reference names, "ambiguous" when two entries answer to it, or undefined. */
  resolve(reference: string): { index: number; resource: Json } | "ambiguous" | undefined {
    const ref = reference.replace(/\/_history\/[^/]+$/, "");
    const tail = /([A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(ref)?.[1];
    const hit = this.byKey.get(ref) ?? (ref.startsWith("urn:") || !tail ? undefined : this.byKey.get(tail));
    if (hit === "ambiguous") return hit;
    if (hit === undefined) return undefined;
    const resource = (this.entries[hit] as Json).resource;
    return isObject(resource) ? { index: hit, resource } : undefined;
  }
}

export function readFhirLabBundle(bundle: unknown, options: InterpretOptions): ParsedFile {
  const issues: Issue[] = [];
  const empty = (): ParsedFile => ({ results: [], retractions: [], issues, rows: 0, skipped: 0 });
  const add = (path: string, code: string, message: string) => issues.push({ path, code, message });
  if (!isObject(bundle) || bundle.resourceType !== "Bundle") {
    add("/resourceType", "not_a_bundle", 'the file is not a FHIR Bundle (resourceType must be "Bundle")');
    return empty();
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
    return empty();
  }
  const index = new BundleIndex(entries);
  const results: LabResult[] = [];
  const retractions: LabRetraction[] = [];
  let skipped = 0;
  let unlisted = 0;
  entries.forEach((entry, i) => {
    const read = readEntry(entry, i, index, options);
    if (read.kind === "skipped") skipped++;
    if (read.kind === "result" && read.problems.length === 0) results.push(read.result);
    if (read.kind === "retraction" && read.problems.length === 0) retractions.push(read.retraction);
    for (const issue of read.problems) {
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
  return { results, retractions, issues, rows: entries.length, skipped };
}

type EntryRead =
  | { kind: "skipped"; problems: Issue[] }
  | { kind: "result"; result: LabResult; problems: Issue[] }
  | { kind: "retraction"; retraction: LabRetraction; problems: Issue[] }
  | { kind: "refused"; problems: Issue[] };

function readEntry(entry: unknown, i: number, index: BundleIndex, options: InterpretOptions): EntryRead {
  const at = `/entry/${i}/resource`;
  const problems: Issue[] = [];
  const add = (path: string, code: string, message: string) => problems.push({ path, code, message });
  const resource = isObject(entry) ? entry.resource : undefined;
  if (!isObject(resource)) {
    add(at, "missing_resource", "the entry has no resource");
    return { kind: "refused", problems };
  }
  const request = isObject(entry) && isObject(entry.request) ? entry.request : undefined;
  if (request && request.method !== undefined && !["POST", "PUT"].includes(String(request.method)))
    add(
      `/entry/${i}/request/method`,
      "request_method",
      `a ${JSON.stringify(request.method)} request is not a result to import (POST or PUT)`,
    );
  const type = resource.resourceType;
  if (typeof type === "string" && CONTEXT_RESOURCES.has(type)) return { kind: "skipped", problems };
  if (type !== "Observation") {
    add(
      `${at}/resourceType`,
      "not_an_observation",
      `only Observations are imported (with ${[...CONTEXT_RESOURCES].slice(0, 3).join(", ")} and other context skipped), not ${JSON.stringify(type ?? null)}`,
    );
    return { kind: "refused", problems };
  }

  const members = array(resource.hasMember);
  if (members.length > 0 && !hasValue(resource)) {
    members.forEach((m, k) => {
      const ref = isObject(m) ? text(m.reference) : undefined;
      const found = ref ? index.resolve(ref) : undefined;
      if (
        !ref ||
        found === undefined ||
        found === "ambiguous" ||
        found.resource.resourceType !== "Observation"
      )
        add(
          `${at}/hasMember/${k}/reference`,
          "missing_member",
          `the panel's member ${JSON.stringify(ref ?? null)} is not an Observation in this bundle; a panel is imported through its members`,
        );
    });
    return { kind: "skipped", problems };
  }

  const identifier = readIdentifier(resource, at, add);
  const subject = readSubject(resource, at, index, add);

  if (resource.status === "entered-in-error") {
    if (!identifier)
      add(
        `${at}/identifier`,
        "retraction_without_identifier",
        "an entered-in-error Observation retracts the result with the same identifier; this one has none",
      );
    if (problems.length > 0 || !identifier) return { kind: "refused", problems };
    return {
      kind: "retraction",
      retraction: { identifier, subjectCode: subject.code ?? null, path: at },
      problems,
    };
  }

  const raw: RawResult = {};
  const paths: FieldPaths = {
    row: at,
    subjectCode: subject.path,
    code: `${at}/code/coding`,
    value: `${at}/valueQuantity/value`,
    unit: `${at}/valueQuantity/code`,
    effectiveAt: `${at}/effectiveDateTime`,
    effectiveEnd: `${at}/effectivePeriod/end`,
    referenceRange: `${at}/referenceRange/0`,
    absentReason: `${at}/dataAbsentReason`,
  };
  if (subject.code !== undefined) raw.subjectCode = subject.code;
  if (identifier) raw.identifier = identifier;

  const status = resource.status;
  if (STATUSES.includes(status as ImportedStatus)) raw.status = status as ImportedStatus;
  else
    add(
      `${at}/status`,
      "observation_status",
      `an Observation with status ${JSON.stringify(status ?? null)} is not imported; use ${STATUSES.join(", ")}, or entered-in-error to retract a result`,
    );

  const codings = isObject(resource.code) ? array(resource.code.coding) : [];
  const loincAt = codings.findIndex((c) => isObject(c) && c.system === CODE_SYSTEMS.loinc);
  if (loincAt >= 0) {
    raw.code = text((codings[loincAt] as Json).code) ?? "";
    paths.code = `${at}/code/coding/${loincAt}/code`;
  } else if (codings.length > 0 || isObject(resource.code))
    add(paths.code, "missing_code", `the code has no LOINC coding (system ${CODE_SYSTEMS.loinc})`);
  // no code at all: interpretResult reports the missing LOINC code

  readEffective(resource, at, raw, paths);
  readValue(resource, at, raw, paths, add);

  const absent = resource.dataAbsentReason;
  if (isObject(absent)) {
    const coding = array(absent.coding).find(isObject);
    raw.absentReason = text(coding?.code) ?? text(absent.text) ?? "unknown";
  }
  const interpretation = array(resource.interpretation).flatMap(codingsOf);
  if (interpretation.length > 0) raw.interpretation = interpretation;
  readRanges(resource, at, raw, paths);
  const notes = array(resource.note).flatMap((n) => (isObject(n) && text(n.text) ? [text(n.text)!] : []));
  // The reason's own words ("haemolysed sample") say more than its code ("error").
  if (isObject(absent) && text(absent.text)) notes.push(`No result: ${text(absent.text)}`);
  if (notes.length > 0) raw.note = notes.join("\n");

  const { result, issues } = interpretResult(raw, paths, options);
  // An unresolved subject is reported once, as such, not again as a missing subject code.
  const rest = issues.filter((f) => !(subject.reported && f.code === "missing_subject"));
  problems.push(...rest);
  return result ? { kind: "result", result, problems } : { kind: "refused", problems };
}

const hasValue = (r: Json) =>
  Object.keys(r).some((k) => k.startsWith("value")) || isObject(r.dataAbsentReason);

function codingsOf(concept: unknown): Coding[] {
  if (!isObject(concept)) return [];
  const codings = array(concept.coding)
    .filter(isObject)
    .flatMap((c): Coding[] => {
      const code = text(c.code);
      if (!code) return [];
      const display = text(c.display);
      return [{ system: text(c.system) ?? null, code, ...(display ? { display } : {}) }];
    });
  const label = text(concept.text);
  return codings.length > 0 ? codings : label ? [{ system: null, code: label }] : [];
}

function readIdentifier(
  resource: Json,
  at: string,
  add: (path: string, code: string, message: string) => void,
): LabIdentifier | null {
  const ids = array(resource.identifier);
  const k = ids.findIndex((id) => isObject(id) && text(id.value) !== undefined);
  if (k < 0) return null;
  const id = ids[k] as Json;
  const value = text(id.value)!.trim();
  if (value.length > 200) {
    add(`${at}/identifier/${k}/value`, "too_long", "the identifier is at most 200 characters");
    return null;
  }
  return { system: text(id.system) ?? null, value };
}

/**
 * The subject code an Observation names, and the path to point at when no patient has it: the
 * Observation's own subject.identifier, or the identifier of the Patient entry its reference names.
 */
function readSubject(
  resource: Json,
  at: string,
  index: BundleIndex,
  add: (path: string, code: string, message: string) => void,
): { code?: string; path: string; reported: boolean } {
  const subject = resource.subject;
  const own = `${at}/subject/identifier/value`;
  if (!isObject(subject)) return { path: own, reported: false };
  if (isObject(subject.identifier) && text(subject.identifier.value))
    return { code: text(subject.identifier.value), path: own, reported: false };
  const reference = text(subject.reference);
  if (!reference) return { path: own, reported: false };
  const refPath = `${at}/subject/reference`;
  const refuse = (message: string) => {
    add(refPath, "unresolvable_subject", message);
    return { path: refPath, reported: true };
  };
  const found = index.resolve(reference);
  if (found === "ambiguous") return refuse(`${reference} names more than one entry of the bundle`);
  if (found === undefined)
    return refuse(
      `${reference} is not in this bundle; give the subject code as subject.identifier.value, or include the Patient with its subject code as identifier`,
    );
  if (found.resource.resourceType !== "Patient")
    return refuse(`${reference} is a ${String(found.resource.resourceType)}, not a Patient`);
  const ids = array(found.resource.identifier);
  const ours = ids.findIndex((id) => isObject(id) && id.system === SUBJECT_CODE_SYSTEM && text(id.value));
  const withValue = ids.flatMap((id, k) => (isObject(id) && text(id.value) ? [k] : []));
  const k = ours >= 0 ? ours : withValue.length === 1 ? withValue[0]! : -1;
  if (k < 0)
    return refuse(
      withValue.length === 0
        ? `the Patient ${reference} has no identifier to find the subject by`
        : `the Patient ${reference} has ${withValue.length} identifiers and none with system ${SUBJECT_CODE_SYSTEM}; which one is the subject code is not guessed`,
    );
  return {
    code: text((ids[k] as Json).value),
    path: `/entry/${found.index}/resource/identifier/${k}/value`,
    reported: false,
  };
}

function readEffective(resource: Json, at: string, raw: RawResult, paths: FieldPaths) {
  if (typeof resource.effectiveDateTime === "string") raw.effectiveAt = resource.effectiveDateTime;
  else if (typeof resource.effectiveInstant === "string") {
    raw.effectiveAt = resource.effectiveInstant;
    paths.effectiveAt = `${at}/effectiveInstant`;
  } else if (isObject(resource.effectivePeriod)) {
    // The sample was taken over a period (a 24-hour urine): its start is the result's time.
    paths.effectiveAt = `${at}/effectivePeriod/start`;
    if (typeof resource.effectivePeriod.start === "string") raw.effectiveAt = resource.effectivePeriod.start;
    if (typeof resource.effectivePeriod.end === "string") raw.effectiveEnd = resource.effectivePeriod.end;
  }
}

function readValue(
  resource: Json,
  at: string,
  raw: RawResult,
  paths: FieldPaths,
  add: (path: string, code: string, message: string) => void,
) {
  const quantity = resource.valueQuantity;
  if (isObject(quantity)) {
    const comparator = quantity.comparator;
    if (comparator !== undefined && !COMPARATORS.includes(comparator as Comparator))
      add(
        `${at}/valueQuantity/comparator`,
        "comparator",
        `the comparator ${JSON.stringify(comparator)} is not one of ${COMPARATORS.join(" ")}`,
      );
    if (typeof quantity.value === "number")
      raw.value = {
        number: quantity.value,
        ...(COMPARATORS.includes(comparator as Comparator) ? { comparator: comparator as Comparator } : {}),
      };
    else if (quantity.value !== undefined)
      add(paths.value, "invalid_number", "valueQuantity.value is not a number");
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
    const coding = array(concept.coding).find(isObject);
    const code = text(coding?.code) ?? text(concept.text);
    paths.value = `${at}/valueCodeableConcept`;
    if (code) raw.value = { code, system: (coding && text(coding.code) && text(coding.system)) || null };
  } else if (typeof resource.valueString === "string") {
    raw.value = { text: resource.valueString };
    paths.value = `${at}/valueString`;
  } else if (typeof resource.valueInteger === "number") {
    raw.value = { number: resource.valueInteger };
    paths.value = `${at}/valueInteger`;
  } else {
    const other = UNSUPPORTED_VALUES.find((k) => resource[k] !== undefined);
    if (other)
      add(
        `${at}/${other}`,
        "unsupported_value",
        `a ${other} is not a lab result vein2vein stores as one value`,
      );
  }
}

/**
 * Every range is kept as text ("115 g/L–150 g/L", joined with "; " when the lab gives several, e.g.
 * by sex or age); the first range with a limit gives the structured low/high.
 */
function readRanges(resource: Json, at: string, raw: RawResult, paths: FieldPaths) {
  const ranges = array(resource.referenceRange).filter(isObject);
  if (ranges.length === 0) return;
  const texts = ranges.map((r) => text(r.text) ?? rangeText(r)).filter((t): t is string => t !== undefined);
  if (texts.length > 0) raw.referenceRange = texts.join("; ");
  const k = ranges.findIndex((r) => limitOf(r.low) || limitOf(r.high));
  if (k < 0) return;
  const low = limitOf(ranges[k]!.low);
  const high = limitOf(ranges[k]!.high);
  raw.referenceLimits = { ...(low ? { low } : {}), ...(high ? { high } : {}) };
  paths.referenceRange = `${at}/referenceRange/${k}`;
}

function limitOf(q: unknown): RawLimit | undefined {
  if (!isObject(q) || typeof q.value !== "number") return undefined;
  const unit = text(q.code) ?? text(q.unit);
  return unit ? { value: q.value, unit } : { value: q.value };
}

function rangeText(range: Json): string | undefined {
  const end = (q: unknown) => {
    const l = limitOf(q);
    return l ? `${l.value}${l.unit ? ` ${l.unit}` : ""}` : "";
  };
  const low = end(range.low);
  const high = end(range.high);
  const type = isObject(range.type) ? codingsOf(range.type)[0]?.code : undefined;
  const applies = array(range.appliesTo).flatMap(codingsOf)[0];
  const label = [type && type !== "normal" ? type : undefined, applies?.display ?? applies?.code]
    .filter(Boolean)
    .join(", ");
  if (!low && !high) return undefined;
  const limits = low && high ? `${low}–${high}` : low ? `≥ ${low}` : `≤ ${high}`;
  return label ? `${label}: ${limits}` : limits;
}
