/**
 * Immunoglobulin nadir after CAR-T: the lowest serum IgG (and IgA, IgM when measured) on or after
 * the infusion day, with its date. Values are compared in g/L whatever unit the laboratory used
 * (1 g/L = 100 mg/dL = 1000 mg/L); on ties the earliest sample is the nadir. An IgG nadir
 * ≤ 4 g/L (400 mg/dL) is flagged: the threshold at which immunoglobulin replacement is considered
 * after CAR-T (Hill & Seo, Blood 2020, as tabulated in clinical-rules.md §3.2 [V]). When the lowest
 * value is also the latest one, the nadir may still be ahead, and the result says so.
 *
 * Censored results (decision 0038): a result below the assay's range ("<1.4 g/L", FHIR
 * Quantity.comparator kept by the lab import, decision 0035) bounds the nadir without giving it:
 * the nadir is at most that limit, reported as "< 1.4 g/L" (`details.comparator`), never as 1.4.
 * In general each sample bounds the nadir from above by its value or upper limit; the nadir is
 * exact only when the lowest bound is a measured value and no below-limit result could lie under
 * it. The ≤ 4 g/L flag is then read with observation-value.ts isAbove: "<1.4" is flagged, "<5" is
 * neither flagged nor cleared (null) when no measured value settles it. A result above the range
 * (">20 g/L") never bounds a nadir from above.
 */
import { type Comparator, isAbove } from "../observation-value.ts";
import { studyDay } from "../study-day.ts";
import { type Endpoint, type EndpointDefinition, notEvaluable, type RecordRef, reached } from "./endpoint.ts";

/** LOINC codes (IgG from workflow-standards.md §5.4; IgA 2458-8 and IgM 2472-9 as in public LOINC value sets). */
export const IMMUNOGLOBULIN_CODES = { IgG: "2465-3", IgA: "2458-8", IgM: "2472-9" } as const;
export type Immunoglobulin = keyof typeof IMMUNOGLOBULIN_CODES;

/** clinical-rules.md §3.2: IgG ≤ 4 g/L → consider replacement (Hill & Seo 2020). */
export const IGG_REPLACEMENT_AT_OR_BELOW_G_PER_L = 4;

const G_PER_L: Record<string, number> = { "g/L": 1, "g/dL": 10, "mg/dL": 0.01, "mg/L": 0.001 };

/** A mass concentration in g/L, or null for a unit we do not convert. */
export const gramsPerLitre = (value: number, unit: string | null): number | null => {
  const f = unit === null ? undefined : G_PER_L[unit];
  return f === undefined ? null : value * f;
};

export const immunoglobulinDefinition = (ig: Immunoglobulin): EndpointDefinition => ({
  key: `${ig.toLowerCase()}-nadir`,
  title: `${ig} nadir after infusion`,
  rule: `Lowest serum ${ig} on or after day 0, in g/L; earliest sample on ties.${ig === "IgG" ? ` Flag at ≤ ${IGG_REPLACEMENT_AT_OR_BELOW_G_PER_L} g/L.` : ""}`,
  source:
    ig === "IgG"
      ? "Flag threshold: Hill JA, Seo SK. Blood 2020;136:925–935, as tabulated in shared/domain/clinical-rules.md §3.2"
      : "Platform definition (shared/domain/clinical-rules.md §3.2 stores immunoglobulins in g/L)",
});

export interface IgSample {
  date: string;
  /** the result, or the limit of a censored one (`comparator`) */
  value: number;
  comparator?: Comparator | null;
  unit: string | null;
  ref: RecordRef;
}

export function immunoglobulinNadir(ig: Immunoglobulin, samples: IgSample[], day0: string | null): Endpoint {
  const def = immunoglobulinDefinition(ig);
  if (!day0) return notEvaluable(def, "No CAR-T infusion recorded: there is no day 0.");
  const after = [...samples]
    .filter((s) => studyDay(s.date, day0) >= 0)
    .sort((a, b) => a.date.localeCompare(b.date));
  if (after.length === 0) return notEvaluable(def, `No ${ig} measured on or after the infusion day.`);
  const converted = after.map((s) => ({ ...s, gPerL: gramsPerLitre(s.value, s.unit) }));
  const bad = converted.filter((s) => s.gPerL === null);
  if (bad.length)
    return notEvaluable(
      def,
      `${ig} in a unit we cannot convert to g/L (${[...new Set(bad.map((s) => s.unit ?? "none"))].join(", ")}).`,
      bad.map((s) => s.ref),
    );
  // Each sample's upper bound on the nadir: its value, or the limit of a "<"/"<=" result.
  const bounding = converted.filter((s) => s.comparator !== ">" && s.comparator !== ">=");
  if (bounding.length === 0)
    return notEvaluable(
      def,
      `Every ${ig} result from day 0 is above the assay's range: the nadir is not bounded.`,
      converted.map((s) => s.ref),
    );
  let nadir = bounding[0]!;
  for (const s of bounding)
    if (
      s.gPerL! < nadir.gPerL! ||
      (s.gPerL === nadir.gPerL && s.comparator === "<" && nadir.comparator !== "<")
    )
      nadir = s;
  // Exact only when no below-limit result could lie under the lowest measured value.
  const hidden = converted.filter((s) => (s.comparator === "<" || s.comparator === "<=") && s !== nadir);
  const comparator: Comparator | null =
    nadir.comparator === "<" || nadir.comparator === "<="
      ? nadir.comparator
      : hidden.length > 0
        ? "<="
        : null;
  const latest = converted[converted.length - 1]!;
  const shown = `${comparator === null ? "" : `${comparator} `}${round(nadir.gPerL!)} g/L`;
  const reasons = [
    `${ig} nadir ${shown} on day ${studyDay(nadir.date, day0)}, lowest of ${converted.length} sample(s) from day 0.`,
  ];
  if (comparator !== null)
    reasons.push(
      nadir.comparator
        ? `Below the assay's limit (${written(nadir)}): the nadir is at most ${round(nadir.gPerL!)} g/L, its value unknown.`
        : `A result below the assay's limit (${hidden.map(written).join(", ")}) may lie under it: the nadir is at most ${round(nadir.gPerL!)} g/L.`,
    );
  // ≤ 4 g/L is "not above 4": settled by a censored nadir only when its limit is at or below 4.
  const above = isAbove({ value: nadir.gPerL!, comparator }, IGG_REPLACEMENT_AT_OR_BELOW_G_PER_L);
  const flagged = ig === "IgG" ? (above === null ? null : !above) : false;
  if (ig === "IgG")
    reasons.push(
      flagged === true
        ? `≤ ${IGG_REPLACEMENT_AT_OR_BELOW_G_PER_L} g/L: immunoglobulin replacement to be considered (Hill & Seo 2020).`
        : flagged === false
          ? `Above ${IGG_REPLACEMENT_AT_OR_BELOW_G_PER_L} g/L.`
          : `Whether it is ≤ ${IGG_REPLACEMENT_AT_OR_BELOW_G_PER_L} g/L is not known: the censored limit is above it.`,
    );
  const mayFallFurther = nadir === latest && converted.length > 1;
  if (mayFallFurther)
    reasons.push("The lowest value is the latest sample: the nadir may not yet be reached.");
  return reached(def, {
    value: round(nadir.gPerL!),
    unit: "g/L",
    date: nadir.date,
    day0,
    // a measured nadir that a below-limit result may undercut rests on both
    derivedFrom: [nadir.ref, ...(nadir.comparator ? [] : hidden.map((s) => s.ref))],
    reasons,
    details: {
      original: {
        value: nadir.value,
        unit: nadir.unit,
        ...(nadir.comparator ? { comparator: nadir.comparator } : {}),
      },
      samples: converted.length,
      censored: comparator !== null,
      comparator,
      ...(ig === "IgG" ? { atOrBelowReplacementThreshold: flagged } : {}),
      mayFallFurther,
    },
  });
}

const written = (s: IgSample) => `${s.comparator ?? ""}${s.value}${s.unit ? ` ${s.unit}` : ""}`;
const round = (v: number) => Math.round(v * 1000) / 1000;
