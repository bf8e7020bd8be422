/**
 * The part of JSON Schema (2020-12) that the calculators' input schemas use, as the server emits
 * them from its zod schemas (GET /api/v1/calculators): objects, booleans, numbers, string enums,
 * arrays, `anyOf` with null or with constants. The form is built from these, so a calculator added
 * on the server gets a form without a change here.
 */
import { type AskedWhen, isAsked } from "../../../../src/domain/calculators/asked-when.ts";
import { lookup } from "../../api/problem-errors.ts";
import { currentLanguage } from "../../i18n/index.ts";

export interface JsonSchema {
  type?: "object" | "boolean" | "number" | "integer" | "string" | "array" | "null";
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number)[];
  const?: string | number | boolean;
  anyOf?: JsonSchema[];
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  /** the field is a question only once another answer makes it apply (domain/calculators/asked-when.ts) */
  "x-askedWhen"?: AskedWhen;
  /** where the catalogues word this field's help when it is shared by several scores (help.<key>) */
  "x-helpKey"?: string;
}

/** Whether the field `schema` describes is asked, given the answers of the object holding it. */
export function asked(schema: JsonSchema, answers: Readonly<Record<string, unknown>>): boolean {
  const condition = schema["x-askedWhen"];
  return condition === undefined || isAsked(condition, answers);
}

/** A choice list when every alternative is a small, countable set (e.g. Deauville 1–5 or "X"). */
export function choicesOf(schema: JsonSchema): (string | number)[] | null {
  if (schema.enum) return schema.enum;
  if (schema.const !== undefined && typeof schema.const !== "boolean") return [schema.const];
  if (schema.type === "integer" && schema.minimum !== undefined && schema.maximum !== undefined) {
    if (schema.maximum - schema.minimum > 10) return null;
    const out: number[] = [];
    for (let i = schema.minimum; i <= schema.maximum; i++) out.push(i);
    return out;
  }
  if (schema.anyOf) {
    const parts = schema.anyOf.filter((s) => s.type !== "null").map(choicesOf);
    if (parts.some((p) => p === null)) return null;
    return parts.flat() as (string | number)[];
  }
  return null;
}

/** `anyOf: [X, {type: null}]` → X and whether null is allowed. */
export function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (!schema.anyOf) return { schema, nullable: false };
  const rest = schema.anyOf.filter((s) => s.type !== "null");
  const nullable = rest.length < schema.anyOf.length;
  if (rest.length === 1)
    return { schema: { ...rest[0], description: schema.description ?? rest[0]?.description }, nullable };
  return { schema, nullable };
}

const UNIT_SUFFIXES: [RegExp, string][] = [
  [/CellsPerUL$/, " (cells/µL)"],
  [/GPerDL$/, " (g/dL)"],
  [/NgPerML$/, " (ng/mL)"],
  [/MgPerDay$/, " (mg/day)"],
  [/MgPerDL$/, " (mg/dL)"],
  [/MgPerL$/, " (mg/L)"],
  [/UPerL$/, " (U/L)"],
  [/Minutes$/, " (min)"],
  [/Mm2$/, " (mm²)"],
  [/Mm$/, " (mm)"],
  [/Cm$/, " (cm)"],
  [/Kg$/, " (kg)"],
  [/M2$/, " (m²)"],
  [/Lpm$/, " (L/min)"],
  [/Years$/, " (years)"],
  [/C$/, " (°C)"],
];

/** Abbreviations the clinic writes in capitals. */
const ACRONYMS = new Set(
  "crs ice icans capd icp cva dna pga anc alc wbc spd ldi sdi fdg ct pet iec hs sle nsaid ana hep2 ldh crp ck eeg cn6 lln uln car".split(
    " ",
  ),
);

/**
 * A field's label: the catalogue's (web/src/i18n, `field.<name>`) with the unit its name ends in,
 * else one made from the name for a field the catalogue does not have yet.
 */
export function fieldLabel(key: string): string {
  const worded = lookup(`field.${key}`);
  if (!worded) return labelOf(key);
  const unit = UNIT_SUFFIXES.find(([re]) => re.test(key) && key.replace(re, "").length > 0)?.[1] ?? "";
  return worded + unit;
}

/**
 * Words that belong to the API, not the clinic: a field key (`weightBasis`), a coded option
 * (`MG_PER_DL`), JSON values (`true`, `null`, `[]`). A sentence of a schema description that uses
 * them is written for API clients; the form leaves that sentence out rather than show it to a nurse.
 */
const API_WORDING = /\b[a-z]{2,}[A-Z][a-z]|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b|\b(?:true|false|null)\b|\[\]/;

/**
 * A field's help: the catalogue's (`help.<name>`), else in English the sentences of the schema's
 * description that are in a clinician's words.
 */
export function fieldHelp(
  key: string,
  description: string | undefined,
  helpKey?: string,
): string | undefined {
  const worded = (helpKey ? lookup(`help.${helpKey}`) : undefined) ?? lookup(`help.${key}`);
  if (worded) return worded;
  if (currentLanguage() !== "en" || !description) return undefined;
  // Only the sentences written for API clients go ("true if present in the scoring window…"); the
  // definition before them stays.
  const kept = description
    .split(/(?<=[.;])\s+/)
    .filter((sentence) => !API_WORDING.test(sentence))
    .join(" ");
  return kept === "" ? undefined : kept;
}

/** tempMaxC → "Temp max (°C)"; oxygenFlowLpm → "Oxygen flow (L/min)"; crsAlreadyDiagnosed → "CRS already diagnosed". */
export function labelOf(key: string): string {
  let unit = "";
  let base = key;
  for (const [re, text] of UNIT_SUFFIXES)
    if (re.test(key) && key.replace(re, "").length > 0) {
      unit = text;
      base = key.replace(re, "");
      break;
    }
  const words = base
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(" ")
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w))
    .join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1) + unit;
}

/** A calculator's name: the catalogue's (`calc.<name>`), else the server's title (or its name). */
export function calculatorName(name: string, title: string = name): string {
  return lookup(`calc.${name}`) ?? title;
}

/** An option: the catalogue's (`choice.<CODE>`), else NO_VASOPRESSOR → "No vasopressor"; numbers as they are. */
export function choiceLabel(value: string | number): string {
  if (typeof value === "number") return String(value);
  const worded = lookup(`choice.${value}`);
  if (worded) return worded;
  if (!/^[A-Z0-9_]+$/.test(value)) return value;
  const s = value.replace(/_GT_/g, " > ").replace(/_/g, " ").toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * What is sent to the calculator: empty answers left out (so "not answered" is never a silent
 * "no"), answers to questions that no longer apply left out (kept in the form, in case the answer
 * that hid them is changed back), empty optional objects dropped, a required nullable field left
 * empty sent as null.
 */
export function prune(value: unknown, schema: JsonSchema, required: boolean): unknown {
  const { schema: s, nullable } = unwrapNullable(schema);
  if (value === undefined || value === "" || value === null) return required && nullable ? null : undefined;
  if (s.type === "object" && s.properties && typeof value === "object" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    const req = new Set(s.required ?? []);
    for (const [k, sub] of Object.entries(s.properties)) {
      if (!asked(sub, value as Record<string, unknown>)) continue;
      const v = prune((value as Record<string, unknown>)[k], sub, req.has(k));
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length === 0 && !required ? undefined : out;
  }
  if (s.type === "array" && Array.isArray(value)) {
    const items = s.items;
    const out = items ? value.map((v) => prune(v, items, true)).filter((v) => v !== undefined) : value;
    return out.length === 0 && !required ? undefined : out;
  }
  return value;
}
