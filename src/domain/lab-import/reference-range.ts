/**
 * A laboratory's reference range, from text ("90-180 mg/dL", "0,9 – 1,8", "< 10", "≥ 20") or from
 * FHIR's structured referenceRange, brought into the result's canonical unit so that rules which
 * judge a result against the lab's own normal range (SLEDAI-2K complement and anti-dsDNA, Gladman
 * 2002) compare like with like. The text as the lab wrote it is kept beside it.
 */
import { convertQuantity } from "./ucum.ts";

export interface RangeLimits {
  low?: number;
  high?: number;
}

const num = (decimal: "." | ",") =>
  decimal === "," ? String.raw`(\d+(?:,\d+)?)` : String.raw`(\d+(?:\.\d+)?)`;

/**
 * The lower and upper limits of a range written as text, in the unit the lab wrote; null when it
 * cannot be read. `decimal` is the file's declared decimal sign.
 */
export function parseReferenceRange(
  text: string | null | undefined,
  decimal: "." | "," = ".",
): RangeLimits | null {
  if (!text) return null;
  const n = num(decimal);
  const read = (s: string) => Number(s.replace(",", "."));
  const r = new RegExp(String.raw`^\s*${n}\s*(?:-|–|—|to)\s*${n}`).exec(text);
  if (r) return { low: read(r[1]!), high: read(r[2]!) };
  const b = new RegExp(String.raw`^\s*(?:<|≤|<=)\s*${n}`).exec(text);
  if (b) return { high: read(b[1]!) };
  const a = new RegExp(String.raw`^\s*(?:>|≥|>=)\s*${n}`).exec(text);
  if (a) return { low: read(a[1]!) };
  return null;
}

/**
 * One limit in the canonical unit: `unit` is the limit's own unit, or the result's unit as written
 * when the range gives none (FHIR: referenceRange.low/high are SimpleQuantities of the result's kind).
 */
export function limitInUnit(
  value: number,
  unit: string,
  canonical: string,
  molecularWeight: number | undefined,
): { ok: true; value: number } | { ok: false; message: string } {
  const c = convertQuantity(value, unit, canonical, molecularWeight);
  return c.ok ? { ok: true, value: c.value } : { ok: false, message: c.message };
}
