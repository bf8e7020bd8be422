/**
 * The resource types we serve and the search parameters each supports, with their R4 names
 * (each resource page's "Search Parameters" table, https://hl7.org/fhir/R4/searchparameter-registry.html):
 * `date` is `onset-date` on Condition, `effective` on MedicationStatement, `effective-time` on
 * MedicationAdministration and `recorded` on Provenance; AdverseEvent names its patient `subject`. The same table feeds the parser below and
 * the CapabilityStatement, so what we advertise is what we accept.
 *
 * Parsing is pure: a query object in, a search or every problem found out. An unknown parameter is
 * refused rather than ignored (as R4 allows with `Prefer: handling=strict`), so a client never reads
 * an unfiltered page believing it filtered.
 */
export const RESOURCE_TYPES = [
  "Patient",
  "ResearchStudy",
  "ResearchSubject",
  "Condition",
  "Observation",
  "MedicationStatement",
  "MedicationAdministration",
  "Procedure",
  "BiologicallyDerivedProduct",
  "AdverseEvent",
  "Provenance",
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const isResourceType = (t: string): t is ResourceType =>
  (RESOURCE_TYPES as readonly string[]).includes(t);

export interface TypeSearch {
  /** Patient only: `identity=true` asks for name and contact where the caller may read them */
  identity?: boolean;
  /** name of the parameter that searches the patient, if any */
  patient?: "patient" | "subject";
  /** name of the date parameter, if any */
  date?: "date" | "onset-date" | "effective" | "effective-time" | "recorded";
  code?: boolean;
}

export const SEARCH_PARAMETERS: Readonly<Record<ResourceType, TypeSearch>> = {
  Patient: { identity: true },
  ResearchStudy: {},
  ResearchSubject: { patient: "patient", date: "date" },
  Condition: { patient: "patient", date: "onset-date", code: true },
  Observation: { patient: "patient", date: "date", code: true },
  MedicationStatement: { patient: "patient", date: "effective", code: true },
  MedicationAdministration: { patient: "patient", date: "effective-time", code: true },
  Procedure: { patient: "patient", date: "date", code: true },
  BiologicallyDerivedProduct: {},
  AdverseEvent: { patient: "subject", date: "date" },
  Provenance: { date: "recorded" },
};

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 1000;

/** A half-open interval [from, to) of instants; either end may be open. */
export interface Interval {
  from?: Date;
  to?: Date;
}

export interface Token {
  system?: string;
  code: string;
}

export interface Search {
  ids?: string[];
  patientId?: string;
  codes?: Token[];
  date?: Interval;
  lastUpdated?: Interval;
  count: number;
  /** keyset cursor: the id of the last resource on the previous page */
  after?: string;
  /** Patient: add identity where the caller's role may read it (audited) */
  identity?: boolean;
}

export interface SearchProblem {
  parameter: string;
  message: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_VALUE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * A FHIR date search value as the interval it covers (R4 search.html#date: "2013-01" covers the
 * whole month). A value without a time zone is read in UTC, the zone every time we export is in.
 */
export function dateValueInterval(value: string): Interval | null {
  const m = DATE_VALUE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (h !== undefined) {
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}${frac ?? ""}${zone ?? "Z"}`;
    const start = new Date(iso);
    if (Number.isNaN(start.getTime())) return null;
    const step = s === undefined ? 60_000 : frac === undefined ? 1000 : 1;
    return { from: start, to: new Date(start.getTime() + step) };
  }
  if (d !== undefined) {
    const start = new Date(Date.UTC(year, Number(mo) - 1, Number(d)));
    if (start.getUTCMonth() !== Number(mo) - 1 || start.getUTCDate() !== Number(d)) return null;
    return { from: start, to: new Date(Date.UTC(year, Number(mo) - 1, Number(d) + 1)) };
  }
  if (mo !== undefined) {
    if (Number(mo) < 1 || Number(mo) > 12) return null;
    return { from: new Date(Date.UTC(year, Number(mo) - 1, 1)), to: new Date(Date.UTC(year, Number(mo), 1)) };
  }
  return { from: new Date(Date.UTC(year, 0, 1)), to: new Date(Date.UTC(year + 1, 0, 1)) };
}

const later = (a: Date | undefined, b: Date | undefined) => (a && b ? (a > b ? a : b) : (a ?? b));
const earlier = (a: Date | undefined, b: Date | undefined) => (a && b ? (a < b ? a : b) : (a ?? b));

/**
 * Several values of one date parameter are ANDed (R4 search.html#combining): `date=ge2020&date=le2021`.
 * Supported prefixes: eq (default), ge, gt, le, lt.
 */
export function parseDateParameter(
  values: string[],
  parameter: string,
  problems: SearchProblem[],
): Interval | undefined {
  let result: Interval = {};
  for (const raw of values) {
    const m = /^(eq|ge|gt|le|lt|ne|sa|eb|ap)?(.*)$/.exec(raw)!;
    const prefix = m[1] ?? "eq";
    const interval = dateValueInterval(m[2]!);
    if (!interval) {
      problems.push({
        parameter,
        message: `"${raw}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)`,
      });
      continue;
    }
    let part: Interval;
    if (prefix === "eq") part = interval;
    else if (prefix === "ge") part = { from: interval.from };
    else if (prefix === "gt") part = { from: interval.to };
    else if (prefix === "le") part = { to: interval.to };
    else if (prefix === "lt") part = { to: interval.from };
    else {
      problems.push({
        parameter,
        message: `the prefix "${prefix}" is not supported (use eq, ge, gt, le or lt)`,
      });
      continue;
    }
    result = { from: later(result.from, part.from), to: earlier(result.to, part.to) };
  }
  return result;
}

function parseToken(raw: string): Token {
  const bar = raw.indexOf("|");
  if (bar < 0) return { code: raw };
  const system = raw.slice(0, bar);
  return system ? { system, code: raw.slice(bar + 1) } : { code: raw.slice(bar + 1) };
}

const valuesOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)];

/** Parameters accepted on every type and ignored because they change nothing we send. */
const HARMLESS = new Set(["_format", "_pretty"]);

export function parseSearch(
  type: ResourceType,
  query: Record<string, unknown>,
): { search: Search; problems: SearchProblem[] } {
  const spec = SEARCH_PARAMETERS[type];
  const problems: SearchProblem[] = [];
  const search: Search = { count: DEFAULT_COUNT };
  for (const [name, raw] of Object.entries(query)) {
    const values = valuesOf(raw);
    if (name === "_id") {
      const ids = values.flatMap((v) => v.split(","));
      const bad = ids.filter((id) => !UUID.test(id));
      if (bad.length > 0)
        problems.push({ parameter: name, message: `not resource ids of this server: ${bad.join(", ")}` });
      search.ids = ids;
    } else if (name === "_count") {
      const n = Number(values.at(-1));
      if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT)
        problems.push({ parameter: name, message: `must be a whole number from 1 to ${MAX_COUNT}` });
      else search.count = n;
    } else if (name === "_cursor") {
      const v = values.at(-1)!;
      if (!UUID.test(v)) problems.push({ parameter: name, message: "not a paging cursor of this server" });
      else search.after = v;
    } else if (name === "_lastUpdated") {
      search.lastUpdated = parseDateParameter(values, name, problems);
    } else if (spec.date !== undefined && name === spec.date) {
      search.date = parseDateParameter(values, name, problems);
    } else if (spec.patient !== undefined && name === spec.patient) {
      const v = values.at(-1)!.replace(/^Patient\//, "");
      if (!UUID.test(v))
        problems.push({ parameter: name, message: `"${values.at(-1)}" is not a Patient id of this server` });
      else search.patientId = v;
    } else if (spec.code && name === "code") {
      // comma = OR within one parameter; repeated parameters would AND, which one code cannot meet
      search.codes = values.at(-1)!.split(",").map(parseToken);
      if (values.length > 1)
        problems.push({ parameter: name, message: "give one code parameter (codes separated by commas)" });
    } else if (spec.identity && name === "identity") {
      const v = values.at(-1);
      if (v !== "true" && v !== "false") problems.push({ parameter: name, message: "must be true or false" });
      else search.identity = v === "true";
    } else if (!HARMLESS.has(name)) {
      problems.push({ parameter: name, message: `${type} does not support the search parameter "${name}"` });
    }
  }
  return { search, problems };
}
