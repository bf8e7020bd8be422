/**
 * Draft calculator inputs for a visit, prefilled from what is already recorded (observations,
 * medications, imaging events), each prefilled field with the records it came from and the rule
 * that read them, and every field left for the clinician listed. A draft is never a result: the
 * clinician checks it, completes it and stores it as an assessment.
 *
 * SLEDAI-2K laboratory descriptors (Gladman DD et al., J Rheumatol 2002;29:288–291, Table 1;
 * shared/domain/clinical-rules.md §5.1): low complement = CH50, C3 or C4 below the laboratory's
 * normal range (2); increased DNA binding = anti-dsDNA above the laboratory's normal range (2);
 * thrombocytopenia < 100 × 10⁹/L (1) and leukopenia < 3 × 10⁹/L (1), drug causes excluded;
 * proteinuria > 0.5 g/24 h (4); fever > 38 °C (1), infection excluded. A descriptor scores when present in the scoring window: the visit
 * day and the preceding 10 days (original window; 30 days validated by Touma 2011, notes §5.1).
 *
 * Glucocorticoid dose for DORIS 2021 (≤ 5 mg/day) and LLDAS (≤ 7.5 mg/day): the current daily
 * prednisolone-equivalent dose from the medication record on the visit day.
 */
import { z } from "zod";
import { findCalculator } from "./calculators/index.ts";
import { SLEDAI_2K_DESCRIPTORS, type SledaiKey } from "./calculators/lupus/sledai.ts";
import { addDays } from "./calendar.ts";
import { parseReferenceRange } from "./lab-import/reference-range.ts";
import { cellsPerMicrolitre } from "./lab-units.ts";
import {
  activeOn,
  glucocorticoidOf,
  isSystemicGlucocorticoid,
  type LupusDrugClass,
  lupusDrugClass,
  prednisoloneEquivalentMgPerDay,
} from "./medications.ts";
import { type Comparator, isAbove, isBelow } from "./observation-value.ts";

export { parseReferenceRange };

export interface PrefillObservation {
  id: string;
  code: string;
  valueNumber: number | null;
  unit: string | null;
  /** calendar date at the site */
  date: string;
  /** the laboratory's reference range as the lab file gave it, in the original unit */
  referenceRange?: string | null;
  /**
   * The range's limits as stored on import, in `unit` (lab-import/reference-range.ts). Read
   * first: a FHIR range written out as text ("90 mg/dL–180 mg/dL") does not parse back.
   */
  referenceLow?: number | null;
  referenceHigh?: number | null;
  /** a censored result ("<5"): valueNumber is the limit, judged with isBelow/isAbove */
  valueComparator?: Comparator | null;
  /** the value as the lab file gave it, before unit normalisation */
  originalValue?: number | null;
}

export interface PrefillMedication {
  id: string;
  drug: string;
  drugCode: string | null;
  doseValue: number | null;
  doseUnit: string | null;
  route: string | null;
  frequency: string | null;
  startDate: string;
  stopDate: string | null;
}

export interface PrefillEvent {
  id: string;
  category: string;
  title: string;
  date: string;
}

export interface SourceRef {
  kind: "observation" | "medication" | "clinical-event";
  id: string;
  date: string;
  summary: string;
}

export interface PrefilledField {
  /** JSON Pointer into the calculator input, e.g. /sledai2k/lowComplement */
  field: string;
  value: unknown;
  rule: string;
  sources: SourceRef[];
  /** what the clinician must still confirm before storing */
  confirm?: string;
}

export interface AssessmentDraft {
  calculator: string;
  title: string;
  /** the prefilled fields only; complete it and POST it as an assessment's inputs */
  input: Record<string, unknown>;
  prefilled: PrefilledField[];
  unfilled: { field: string; reason: string }[];
  notes: string[];
}

/**
 * The limits the serology descriptors compare with when a result carries no laboratory range.
 * Gladman 2002 uses the laboratory's own range, and a result imported from a lab file carries it
 * (reference_range), which then wins. Without one, these [D] design defaults apply, matching the
 * demo laboratory (C3 90–180 mg/dL, C4 10–40 mg/dL, anti-dsDNA negative below 10 IU/mL, a common
 * ELISA cut-off: src/demo/codes.ts); a site sends its own as query parameters. Every prefilled
 * field says which limit it used.
 */
export const ReferenceLimits = z.object({
  c3LowerMgDl: z.coerce.number().positive().max(1000).default(90),
  c4LowerMgDl: z.coerce.number().positive().max(1000).default(10),
  antiDsDnaUpperIuMl: z.coerce.number().positive().max(100_000).default(10),
});
export type ReferenceLimits = z.infer<typeof ReferenceLimits>;

export const DEFAULT_SCORING_WINDOW_DAYS = 10;

export const LOINC_PREFILL = {
  c3: "4485-9",
  c4: "4498-2",
  antiDsDna: ["5130-0", "33800-4"],
  platelets: ["777-3", "26515-7"],
  leukocytes: ["6690-2", "26464-8"],
  /** Protein [Mass/time] in 24 hour Urine */
  urineProtein24h: "2889-4",
  /** Protein/Creatinine [Mass Ratio] in Urine */
  upcr: "2890-2",
  /** Body temperature (as derived-crs.ts and the demo record it) */
  temperature: "8310-5",
} as const;

/** Complement to mg/dL (1 g/L = 100 mg/dL). */
const COMPLEMENT_MG_DL: Record<string, number> = { "mg/dL": 1, "g/L": 100, "mg/L": 0.1 };
/** Anti-dsDNA: IU/mL only (kIU/L is the same quantity); other assay units are not comparable. */
const DSDNA_IU_ML: Record<string, number> = { "[IU]/mL": 1, "k[IU]/L": 1 };
/** 24-hour urine protein to g per 24 h. */
const PROTEIN_G_24H: Record<string, number> = { "g/(24.h)": 1, "mg/(24.h)": 0.001, "g/d": 1, "mg/d": 0.001 };

/** Gladman 2002 Table 1 thresholds. */
const PLATELETS_BELOW_PER_UL = 100_000; // < 100 × 10⁹/L
const LEUKOCYTES_BELOW_PER_UL = 3_000; // < 3 × 10⁹/L
const PROTEINURIA_ABOVE_G_24H = 0.5; // > 0.5 g/24 h
const FEVER_ABOVE_CEL = 38; // > 38 °C

// ---------------------------------------------------------------------------------------------
// SLEDAI-2K laboratory descriptors
// ---------------------------------------------------------------------------------------------

const obsRef = (o: PrefillObservation, what: string): SourceRef => ({
  kind: "observation",
  id: o.id,
  date: o.date,
  summary: `${what} ${o.valueNumber} ${o.unit ?? ""}`.trim(),
});

type LabJudgement =
  | { kind: "filled"; value: boolean; rule: string; sources: SourceRef[]; confirm?: string }
  | { kind: "unfilled"; reason: string };

/**
 * Judges one descriptor from numeric results: present if any result meets the criterion, absent
 * if results exist and none does, unfilled if there is none or a unit cannot be compared.
 */
function judge(
  results: PrefillObservation[],
  toUnit: (o: PrefillObservation) => number | null,
  meets: (v: number) => boolean,
  what: string,
  rule: string,
  confirm?: string,
): LabJudgement {
  if (results.length === 0) return { kind: "unfilled", reason: `No ${what} result in the scoring window.` };
  const bad = results.filter((o) => toUnit(o) === null);
  if (bad.length > 0)
    return {
      kind: "unfilled",
      reason: `${what} in a unit this rule cannot compare (${bad.map((o) => `${o.unit ?? "no unit"} on ${o.date}`).join(", ")}).`,
    };
  const hits = results.filter((o) => meets(toUnit(o)!));
  const sources = (hits.length > 0 ? hits : results).map((o) => obsRef(o, what));
  return { kind: "filled", value: hits.length > 0, rule, sources, ...(confirm ? { confirm } : {}) };
}

const numeric = (o: PrefillObservation) => o.valueNumber !== null;

interface SerologyLimit {
  value: number;
  limit: number;
  used: string;
}

/** The SLEDAI-2K descriptors recorded data can answer, by descriptor key. */
export function sledaiLabDescriptors(
  observations: readonly PrefillObservation[],
  assessmentDate: string,
  windowDays: number,
  limits: ReferenceLimits,
): { judged: Partial<Record<SledaiKey, LabJudgement>>; notes: string[] } {
  const from = addDays(assessmentDate, -windowDays);
  const inWindow = observations.filter((o) => o.date >= from && o.date <= assessmentDate && numeric(o));
  const of = (codes: string | readonly string[]) => {
    const set = new Set(typeof codes === "string" ? [codes] : codes);
    return inWindow.filter((o) => set.has(o.code));
  };
  const judged: Partial<Record<SledaiKey, LabJudgement>> = {};
  const notes: string[] = [];

  // Low complement: C3 or C4 below the lower limit. Absent only when both were measured.
  const c3 = of(LOINC_PREFILL.c3);
  const c4 = of(LOINC_PREFILL.c4);
  const label = (o: PrefillObservation) => (o.code === LOINC_PREFILL.c3 ? "C3" : "C4");
  const complementLimit = (o: PrefillObservation): SerologyLimit | null => {
    if (o.referenceLow != null)
      return {
        value: o.valueNumber!,
        limit: o.referenceLow,
        used: `lab range low ${o.referenceLow} ${o.unit ?? ""}`.trimEnd(),
      };
    const lab = parseReferenceRange(o.referenceRange);
    if (lab?.low !== undefined)
      return {
        value: o.originalValue ?? o.valueNumber!,
        limit: lab.low,
        used: `lab range "${o.referenceRange}"`,
      };
    const f = o.unit === null ? undefined : COMPLEMENT_MG_DL[o.unit];
    if (f === undefined) return null;
    const limit = o.code === LOINC_PREFILL.c3 ? limits.c3LowerMgDl : limits.c4LowerMgDl;
    return { value: o.valueNumber! * f, limit, used: `< ${limit} mg/dL (no lab range on the result)` };
  };
  const complement = [...c3, ...c4];
  const complementRule = (used: PrefillObservation[]) =>
    `SLEDAI-2K descriptor 20 (Gladman 2002): CH50, C3 or C4 below the laboratory's normal range; limits used: ${used
      .map((o) => `${label(o)} ${complementLimit(o)!.used}`)
      .join("; ")}`;
  const unreadable = complement.filter((o) => complementLimit(o) === null);
  // A censored result counts only when it settles the comparison ("<5" mg/dL is below 10).
  const reading = (o: PrefillObservation, value: number) => ({
    value,
    comparator: o.valueComparator ?? null,
  });
  const unsettled = (o: PrefillObservation, l: SerologyLimit | null, test: typeof isBelow) =>
    l !== null && test(reading(o, l.value), l.limit) === null;
  const low = complement.filter((o) => {
    const l = complementLimit(o);
    return l !== null && isBelow(reading(o, l.value), l.limit) === true;
  });
  const complementUnsettled = complement.filter((o) => unsettled(o, complementLimit(o), isBelow));
  if (complement.length === 0)
    judged.lowComplement = { kind: "unfilled", reason: "No C3/C4 result in the scoring window." };
  else if (low.length > 0)
    judged.lowComplement = {
      kind: "filled",
      value: true,
      rule: complementRule(low),
      sources: low.map((o) => obsRef(o, label(o))),
    };
  else if (unreadable.length > 0)
    judged.lowComplement = {
      kind: "unfilled",
      reason: `C3/C4 in a unit this rule cannot compare and without a lab range (${unreadable.map((o) => `${o.unit ?? "no unit"} on ${o.date}`).join(", ")}).`,
    };
  else if (complementUnsettled.length > 0)
    judged.lowComplement = {
      kind: "unfilled",
      reason: `a censored C3/C4 result cannot be compared with its limit (${complementUnsettled.map((o) => `${o.valueComparator}${o.valueNumber} ${o.unit ?? ""} on ${o.date}`).join(", ")}).`,
    };
  else if (c3.length === 0 || c4.length === 0)
    judged.lowComplement = {
      kind: "unfilled",
      reason: `${c3.length === 0 ? "C3" : "C4"} not measured in the scoring window; the other is normal.`,
    };
  else
    judged.lowComplement = {
      kind: "filled",
      value: false,
      rule: complementRule(complement),
      sources: complement.map((o) => obsRef(o, label(o))),
    };

  // Increased DNA binding: above the lab's upper limit; without one, the site's or default IU/mL cut-off.
  const dnaLimit = (o: PrefillObservation): SerologyLimit | null => {
    if (o.referenceHigh != null)
      return {
        value: o.valueNumber!,
        limit: o.referenceHigh,
        used: `lab range high ${o.referenceHigh} ${o.unit ?? ""}`.trimEnd(),
      };
    const lab = parseReferenceRange(o.referenceRange);
    if (lab?.high !== undefined)
      return {
        value: o.originalValue ?? o.valueNumber!,
        limit: lab.high,
        used: `lab range "${o.referenceRange}"`,
      };
    const f = o.unit === null ? undefined : DSDNA_IU_ML[o.unit];
    if (f === undefined) return null;
    return {
      value: o.valueNumber! * f,
      limit: limits.antiDsDnaUpperIuMl,
      used: `> ${limits.antiDsDnaUpperIuMl} IU/mL (assay-specific; no lab range on the result)`,
    };
  };
  const dna = of(LOINC_PREFILL.antiDsDna);
  const dnaUnreadable = dna.filter((o) => dnaLimit(o) === null);
  const dnaHigh = dna.filter((o) => {
    const l = dnaLimit(o);
    return l !== null && isAbove(reading(o, l.value), l.limit) === true;
  });
  const dnaUnsettled = dna.filter((o) => unsettled(o, dnaLimit(o), isAbove));
  const dnaRule = (used: PrefillObservation[]) =>
    `SLEDAI-2K descriptor 21 (Gladman 2002): anti-dsDNA above the laboratory's normal range; limits used: ${[
      ...new Set(used.map((o) => dnaLimit(o)!.used)),
    ].join("; ")}`;
  if (dna.length === 0)
    judged.increasedDnaBinding = { kind: "unfilled", reason: "No anti-dsDNA result in the scoring window." };
  else if (dnaHigh.length > 0)
    judged.increasedDnaBinding = {
      kind: "filled",
      value: true,
      rule: dnaRule(dnaHigh),
      sources: dnaHigh.map((o) => obsRef(o, "anti-dsDNA")),
    };
  else if (dnaUnreadable.length > 0)
    judged.increasedDnaBinding = {
      kind: "unfilled",
      reason: `anti-dsDNA in a unit this rule cannot compare and without a lab range (${dnaUnreadable.map((o) => `${o.unit ?? "no unit"} on ${o.date}`).join(", ")}).`,
    };
  else if (dnaUnsettled.length > 0)
    judged.increasedDnaBinding = {
      kind: "unfilled",
      reason: `a censored anti-dsDNA result cannot be compared with its limit (${dnaUnsettled.map((o) => `${o.valueComparator}${o.valueNumber} ${o.unit ?? ""} on ${o.date}`).join(", ")}).`,
    };
  else
    judged.increasedDnaBinding = {
      kind: "filled",
      value: false,
      rule: dnaRule(dna),
      sources: dna.map((o) => obsRef(o, "anti-dsDNA")),
    };

  const drugCauses =
    "Descriptor counts only if not caused by drugs: after lymphodepletion and CAR-T, cytopenia is usually treatment-related (ICAHT), not SLE.";
  judged.thrombocytopenia = judge(
    of(LOINC_PREFILL.platelets),
    (o) => cellsPerMicrolitre(o.valueNumber!, o.unit),
    (v) => v < PLATELETS_BELOW_PER_UL,
    "platelets",
    "SLEDAI-2K descriptor 23 (Gladman 2002): platelets < 100 × 10⁹/L",
    drugCauses,
  );
  judged.leukopenia = judge(
    of(LOINC_PREFILL.leukocytes),
    (o) => cellsPerMicrolitre(o.valueNumber!, o.unit),
    (v) => v < LEUKOCYTES_BELOW_PER_UL,
    "leukocytes",
    "SLEDAI-2K descriptor 24 (Gladman 2002): leukocytes < 3 × 10⁹/L",
    drugCauses,
  );
  judged.fever = judge(
    of(LOINC_PREFILL.temperature),
    (o) => (o.unit === "Cel" ? o.valueNumber! : o.unit === "[degF]" ? ((o.valueNumber! - 32) * 5) / 9 : null),
    (v) => v > FEVER_ABOVE_CEL,
    "body temperature",
    "SLEDAI-2K descriptor 22 (Gladman 2002): fever > 38 °C",
    "Counts only if infection is excluded; after CAR-T, fever is usually CRS or infection, not SLE.",
  );
  judged.proteinuria = judge(
    of(LOINC_PREFILL.urineProtein24h),
    (o) => {
      const f = o.unit === null ? undefined : PROTEIN_G_24H[o.unit];
      return f === undefined ? null : o.valueNumber! * f;
    },
    (v) => v > PROTEINURIA_ABOVE_G_24H,
    "24-hour urine protein",
    "SLEDAI-2K descriptor 13 (Gladman 2002): proteinuria > 0.5 g/24 h",
    "Confirm it is lupus nephritis activity (infection and other causes excluded).",
  );
  // A spot protein/creatinine ratio screens well but does not quantify reliably in lupus
  // (Medina-Rosas J, Gladman DD, Touma Z, et al. Arthritis Res Ther 2015;17:296), so it is shown,
  // never used to fill the descriptor.
  for (const o of of(LOINC_PREFILL.upcr))
    notes.push(
      `Urine protein/creatinine ratio ${o.valueNumber} ${o.unit ?? ""} on ${o.date} (observation ${o.id}): a screening value, not a substitute for 24-hour protein (Medina-Rosas 2015); proteinuria left to the clinician unless a 24-hour result exists.`,
    );
  return { judged, notes };
}

// ---------------------------------------------------------------------------------------------
// Medications
// ---------------------------------------------------------------------------------------------

/** DORIS and LLDAS name their drug classes; the classes themselves are domain/medications.ts's. */
type DrugClass = Exclude<LupusDrugClass, "glucocorticoid">;

/** The record as the medication rules read it: its code counts as ATC when it looks like one. */
const facts = (m: PrefillMedication) => ({
  ...m,
  atcCode: m.drugCode && /^[A-Z]\d{2}[A-Z]{2}\d{2}$/.test(m.drugCode) ? m.drugCode : null,
});

const medRef = (m: PrefillMedication): SourceRef => ({
  kind: "medication",
  id: m.id,
  date: m.startDate,
  summary: `${m.drug}${m.doseValue !== null ? ` ${m.doseValue} ${m.doseUnit ?? ""}` : ""}${m.frequency ? ` ${m.frequency}` : ""} from ${m.startDate}${m.stopDate ? ` to ${m.stopDate}` : ""}`,
});

type DoseJudgement =
  | { kind: "filled"; value: number; rule: string; sources: SourceRef[]; confirm?: string }
  | { kind: "unfilled"; reason: string };

/** Current daily prednisolone-equivalent dose on the date, summed over systemic glucocorticoids. */
export function prednisoloneEquivalentOn(
  medications: readonly PrefillMedication[],
  date: string,
): DoseJudgement {
  const active = medications.filter((m) => activeOn(m, date) && glucocorticoidOf(facts(m)));
  const systemic = active.filter((m) => isSystemicGlucocorticoid(facts(m)));
  const rule =
    "Current daily prednisolone-equivalent dose on the visit day (BNF equivalent anti-inflammatory doses; prednisone = prednisolone mg for mg)";
  if (systemic.length === 0)
    return {
      kind: "filled",
      value: 0,
      rule: `${rule}: no systemic glucocorticoid active on ${date}`,
      sources: active.map(medRef),
    };
  let total = 0;
  for (const m of systemic) {
    const equivalent = prednisoloneEquivalentMgPerDay(facts(m));
    if (equivalent === null)
      return {
        kind: "unfilled",
        reason: `Cannot read a daily dose from ${m.drug} (medication ${m.id}): dose ${m.doseValue ?? "missing"} ${m.doseUnit ?? ""}, frequency "${m.frequency ?? "missing"}".`,
      };
    total += equivalent;
  }
  return {
    kind: "filled",
    value: Math.round(total * 100) / 100,
    rule,
    sources: systemic.map(medRef),
    ...(systemic.some((m) => m.route === null)
      ? { confirm: "A record without a route was counted as systemic." }
      : {}),
  };
}

type ClassJudgement =
  | { kind: "filled"; value: "NONE"; rule: string; sources: SourceRef[] }
  | { kind: "unfilled"; reason: string };

/** NONE when no drug of the classes is active on the date; otherwise stable-or-not is the clinician's call. */
function classOn(
  medications: readonly PrefillMedication[],
  date: string,
  classes: DrugClass[],
): ClassJudgement {
  const active = medications.filter(
    (m) => activeOn(m, date) && classes.some((c) => lupusDrugClass(facts(m)) === c),
  );
  if (active.length === 0)
    return {
      kind: "filled",
      value: "NONE",
      rule: `No ${classes.join(" or ")} drug active on ${date} in the medication record (ATC code or name)`,
      sources: [],
    };
  return {
    kind: "unfilled",
    reason: `Active on ${date}: ${active.map((m) => `${m.drug} (medication ${m.id})`).join(", ")}; whether the dose is stable is the clinician's call.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Drafts
// ---------------------------------------------------------------------------------------------

export interface PrefillInput {
  calculators: readonly string[];
  /** the visit day: done date, else today inside the window, else the planned date */
  assessmentDate: string;
  windowDays: number;
  limits: ReferenceLimits;
  observations: readonly PrefillObservation[];
  medications: readonly PrefillMedication[];
  events: readonly PrefillEvent[];
}

/** Leaf fields of a calculator input, as JSON Pointers, from its JSON Schema (one level of nesting). */
export function inputFields(calculator: string): string[] {
  const calc = findCalculator(calculator);
  if (!calc) return [];
  let schema: { properties?: Record<string, { properties?: Record<string, unknown> }> };
  try {
    schema = z.toJSONSchema(calc.input, { io: "input", unrepresentable: "any" }) as typeof schema;
  } catch {
    return [];
  }
  return Object.entries(schema.properties ?? {}).flatMap(([k, v]) =>
    v.properties ? Object.keys(v.properties).map((kk) => `/${k}/${kk}`) : [`/${k}`],
  );
}

function setAt(target: Record<string, unknown>, pointer: string, value: unknown) {
  const parts = pointer.split("/").slice(1);
  let o = target;
  for (const p of parts.slice(0, -1)) {
    o[p] ??= {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts.at(-1)!] = value;
}

const CLINICAL_REASON = "Clinical finding: the clinician assesses it.";

export function buildDrafts(p: PrefillInput): AssessmentDraft[] {
  const sledai = sledaiLabDescriptors(p.observations, p.assessmentDate, p.windowDays, p.limits);
  const dose = prednisoloneEquivalentOn(p.medications, p.assessmentDate);
  return p.calculators.map((name) => {
    const calc = findCalculator(name);
    const draft: AssessmentDraft = {
      calculator: name,
      title: calc?.title ?? name,
      input: {},
      prefilled: [],
      unfilled: [],
      notes: [],
    };
    const fill = (field: string, j: LabJudgement | DoseJudgement | ClassJudgement) => {
      if (j.kind === "unfilled") {
        draft.unfilled.push({ field, reason: j.reason });
        return;
      }
      setAt(draft.input, field, j.value);
      draft.prefilled.push({
        field,
        value: j.value,
        rule: j.rule,
        sources: j.sources,
        ...("confirm" in j && j.confirm ? { confirm: j.confirm } : {}),
      });
    };
    const fillSledai = (prefix: string) => {
      for (const d of SLEDAI_2K_DESCRIPTORS) {
        const j = sledai.judged[d.key];
        if (j) fill(`${prefix}/${d.key}`, j);
        else draft.unfilled.push({ field: `${prefix}/${d.key}`, reason: CLINICAL_REASON });
      }
      draft.notes.push(...sledai.notes);
    };
    const rest = () => {
      const done = new Set([...draft.prefilled.map((f) => f.field), ...draft.unfilled.map((f) => f.field)]);
      for (const f of inputFields(name))
        if (!done.has(f)) draft.unfilled.push({ field: f, reason: "Not derivable from recorded data." });
    };

    switch (name) {
      case "sledai-2k":
        fillSledai("");
        setAt(draft.input, "/windowDays", p.windowDays);
        draft.prefilled.push({
          field: "/windowDays",
          value: p.windowDays,
          rule: "Scoring window used for the laboratory descriptors (visit day and the preceding days; 10 in Gladman 2002)",
          sources: [],
        });
        break;
      case "doris":
        fillSledai("/sledai2k");
        fill("/prednisoloneEquivalentMgPerDay", dose);
        fill("/antimalarial", classOn(p.medications, p.assessmentDate, ["antimalarial"]));
        fill("/immunosuppressive", classOn(p.medications, p.assessmentDate, ["immunosuppressive"]));
        fill("/biologic", classOn(p.medications, p.assessmentDate, ["biologic"]));
        break;
      case "lldas":
        fillSledai("/sledai2k");
        fill("/prednisoloneEquivalentMgPerDay", dose);
        fill(
          "/immunosuppressiveTherapy",
          classOn(p.medications, p.assessmentDate, ["immunosuppressive", "biologic"]),
        );
        break;
      case "lugano-pet":
      case "lugano-ct": {
        // Deauville scores and lesion measurements are the reader's (Lugano 2014): nothing is
        // prefilled, but the clinician sees which scan the assessment should rest on.
        const pet = p.events
          .filter((e) => e.category === "imaging" && /\bPET\b/i.test(e.title) && e.date <= p.assessmentDate)
          .sort((a, b) => (a.date < b.date ? 1 : -1))[0];
        draft.notes.push(
          pet
            ? `Last PET-CT on ${pet.date}: "${pet.title}" (clinical event ${pet.id}).`
            : `No PET-CT recorded on or before ${p.assessmentDate}.`,
        );
        break;
      }
    }
    rest();
    return draft;
  });
}
