/**
 * Events-class domains: AE from the stored toxicity gradings, MH from the recorded conditions, DS
 * from the journey's disposition events and milestones (SDTMIG 3.4 sections 6.2.1, 6.2.6, 6.2.4).
 */
import { icahtGrade, iecHsGrade } from "../cohort/patient-outcome.ts";
import type { SdtmRow, SdtmVariable } from "./model.ts";
import { variables } from "./model.ts";
import type { SubjectContext } from "./subject-context.ts";
import { DISPOSITIONS, severityOfGrade } from "./terminology.ts";

/** The gradings an adverse event is read from, and what each one's stored result means. */
export const GRADED_TOXICITIES: readonly {
  calculator: string;
  term: string;
  scale: string;
  grade: (result: unknown) => number | null;
}[] = [
  {
    calculator: "crs",
    term: "Cytokine release syndrome",
    scale: "ASTCT 2019 (Lee et al.)",
    grade: (r) => integerValue(r),
  },
  {
    calculator: "icans",
    term: "Immune effector cell-associated neurotoxicity syndrome",
    scale: "ASTCT 2019 (Lee et al.)",
    grade: (r) => integerValue(r),
  },
  {
    calculator: "icaht",
    term: "Immune effector cell-associated hematotoxicity",
    scale: "EHA/EBMT 2023 (Rejeski et al.)",
    grade: (r) => icahtGrade((r as { value?: unknown } | null)?.value),
  },
  {
    calculator: "iec-hs",
    term: "Immune effector cell-associated HLH-like syndrome",
    scale: "ASTCT 2023 (Hines et al.)",
    grade: (r) => iecHsGrade((r as { value?: unknown } | null)?.value),
  },
];

function integerValue(result: unknown): number | null {
  const v = (result as { value?: unknown } | null)?.value;
  return typeof v === "number" && Number.isInteger(v) ? v : null;
}

export interface ToxicityEpisode {
  onset: Date;
  /** the first grading back at grade 0 after the episode; null while it lasts */
  resolvedAt: Date | null;
  maxGrade: number;
}

/**
 * Episodes of one toxicity from its gradings in time order: an episode starts at the first grade
 * ≥ 1 and ends at the next grade 0 (the day it was graded resolved); a later grade ≥ 1 is a new
 * episode and a new AE record, as SDTMIG 3.4 AE assumes one record per event occurrence.
 */
export function toxicityEpisodes(gradings: { at: Date; grade: number }[]): ToxicityEpisode[] {
  const out: ToxicityEpisode[] = [];
  let open: ToxicityEpisode | null = null;
  for (const g of [...gradings].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    if (g.grade >= 1) {
      if (!open) {
        open = { onset: g.at, resolvedAt: null, maxGrade: g.grade };
        out.push(open);
      } else open.maxGrade = Math.max(open.maxGrade, g.grade);
    } else if (open) {
      open.resolvedAt = g.at;
      open = null;
    }
  }
  return out;
}

export const AE_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["AESEQ", "Sequence Number", "num", "Req", "Derived"],
  ["AESPID", "Sponsor-Defined Identifier", "char", "Perm", "Assigned", { comment: "calculator name" }],
  ["AETERM", "Reported Term for the Adverse Event", "char", "Req", "Assigned"],
  [
    "AEDECOD",
    "Dictionary-Derived Term",
    "char",
    "Req",
    "Assigned",
    { comment: "The syndrome's name; not coded with MedDRA here (MedDRA is licensed; code it downstream)" },
  ],
  ["AECAT", "Category for Adverse Event", "char", "Perm", "Assigned"],
  ["AESCAT", "Subcategory for Adverse Event", "char", "Perm", "Assigned", { comment: "grading scale" }],
  [
    "AESEV",
    "Severity/Intensity",
    "char",
    "Perm",
    "Derived",
    {
      codelist: "AESEV",
      comment: "From the grade: 1 MILD, 2 MODERATE, 3-5 SEVERE (CTCAE v5.0 grade definitions)",
    },
  ],
  [
    "AETOXGR",
    "Standard Toxicity Grade",
    "char",
    "Perm",
    "Derived",
    { codelist: "TOXGR", comment: "Highest grade stored for the episode by the calculator named in AESCAT" },
  ],
  [
    "AEOUT",
    "Outcome of Adverse Event",
    "char",
    "Perm",
    "Derived",
    {
      codelist: "OUT",
      comment: "RECOVERED/RESOLVED once graded 0 again; FATAL at grade 5; UNKNOWN when no later grading says",
    },
  ],
  ["AESTDTC", "Start Date/Time of Adverse Event", "char", "Exp", "Derived", { iso8601: true }],
  ["AEENDTC", "End Date/Time of Adverse Event", "char", "Exp", "Derived", { iso8601: true }],
  ["AESTDY", "Study Day of Start of Adverse Event", "num", "Perm", "Derived"],
  ["AEENDY", "Study Day of End of Adverse Event", "num", "Perm", "Derived"],
]);

export function aeRows(c: SubjectContext): SdtmRow[] {
  const rows: SdtmRow[] = [];
  for (const tox of GRADED_TOXICITIES) {
    const gradings = c.subject.assessments
      .filter((a) => a.calculator === tox.calculator)
      .map((a) => ({ at: a.assessedAt, grade: tox.grade(a.result) }))
      .filter((g): g is { at: Date; grade: number } => g.grade !== null);
    for (const e of toxicityEpisodes(gradings)) {
      const start = c.dtc(e.onset);
      const end = e.resolvedAt ? c.dtc(e.resolvedAt) : null;
      rows.push({
        STUDYID: c.studyId,
        DOMAIN: "AE",
        USUBJID: c.usubjid,
        AESPID: tox.calculator.toUpperCase(),
        AETERM: tox.term,
        AEDECOD: tox.term,
        AECAT: "CAR-T TOXICITY",
        AESCAT: tox.scale,
        AESEV: severityOfGrade(e.maxGrade),
        AETOXGR: String(e.maxGrade),
        // Without a grade-0 grading after the episode the record cannot tell whether it resolved.
        AEOUT: e.maxGrade === 5 ? "FATAL" : e.resolvedAt ? "RECOVERED/RESOLVED" : "UNKNOWN",
        AESTDTC: start,
        AEENDTC: end,
        AESTDY: c.dy(start),
        AEENDY: c.dy(end),
      });
    }
  }
  return rows.sort((a, b) => String(a.AESTDTC).localeCompare(String(b.AESTDTC)));
}

export const MH_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["MHSEQ", "Sequence Number", "num", "Req", "Derived"],
  ["MHTERM", "Reported Term for the Medical History", "char", "Req", "Collected"],
  [
    "MHDECOD",
    "Dictionary-Derived Term",
    "char",
    "Perm",
    "Assigned",
    { comment: "The recorded condition name; not MedDRA-coded (its recorded code is in MHSCAT)" },
  ],
  ["MHCAT", "Category for Medical History", "char", "Perm", "Assigned"],
  [
    "MHSCAT",
    "Subcategory for Medical History",
    "char",
    "Perm",
    "Assigned",
    { comment: "The condition's code as recorded: code system and code (e.g. SNOMED CT 109969005)" },
  ],
  ["MHENRF", "End Relative to Reference Period", "char", "Perm", "Derived"],
  ["MHSTDTC", "Start Date/Time of Medical History Event", "char", "Perm", "Collected", { iso8601: true }],
  ["MHENDTC", "End Date/Time of Medical History Event", "char", "Perm", "Collected", { iso8601: true }],
  ["MHSTDY", "Study Day of Start of Observation", "num", "Perm", "Derived"],
]);

const systemName = (uri: string) =>
  uri.includes("snomed")
    ? "SNOMED CT"
    : uri.includes("icd-10-cm")
      ? "ICD-10-CM"
      : uri.includes("icd-10")
        ? "ICD-10"
        : uri;

export function mhRows(c: SubjectContext): SdtmRow[] {
  return [...c.subject.conditions]
    .sort((a, b) => (a.onsetDate ?? "").localeCompare(b.onsetDate ?? "") || a.id.localeCompare(b.id))
    .map((cond) => ({
      STUDYID: c.studyId,
      DOMAIN: "MH",
      USUBJID: c.usubjid,
      MHTERM: cond.display,
      MHDECOD: cond.display,
      MHCAT: "GENERAL MEDICAL HISTORY",
      MHSCAT: `${systemName(cond.codeSystem)} ${cond.code}`,
      // Ongoing at the reference start unless it abated before it (SDTMIG 3.4 section 4.4.7).
      MHENRF:
        c.referenceDate === null
          ? null
          : cond.abatementDate !== null && cond.abatementDate < c.referenceDate
            ? "BEFORE"
            : "DURING/AFTER",
      MHSTDTC: cond.onsetDate,
      MHENDTC: cond.abatementDate,
      MHSTDY: c.dy(cond.onsetDate),
    }));
}

export const DS_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["DSSEQ", "Sequence Number", "num", "Req", "Derived"],
  ["DSTERM", "Reported Term for the Disposition Event", "char", "Req", "Collected"],
  ["DSDECOD", "Standardized Disposition Term", "char", "Req", "Derived", { codelist: "DSDECOD" }],
  ["DSCAT", "Category for Disposition Event", "char", "Exp", "Assigned", { codelist: "DSCAT" }],
  ["DSSTDTC", "Start Date/Time of Disposition Event", "char", "Exp", "Collected", { iso8601: true }],
  ["DSSTDY", "Study Day of Start of Disposition Event", "num", "Perm", "Derived"],
]);

const TERMS: Readonly<Record<string, string>> = {
  "sign-consent": "Informed consent obtained",
  "fail-screening": "Screen failure",
  complete: "Completed study follow-up",
  die: "Death",
  withdraw: "Withdrawal by subject",
  "lose-to-follow-up": "Lost to follow-up",
  "stop-treatment": "Treatment stopped before infusion",
};

export function dsRows(c: SubjectContext): SdtmRow[] {
  return c.subject.journey
    .filter((e) => DISPOSITIONS[e.type])
    .map((e) => {
      const d = DISPOSITIONS[e.type]!;
      const detail = e.reason ?? (typeof e.payload.reason === "string" ? e.payload.reason : null);
      const start = c.dtc(e.at);
      return {
        STUDYID: c.studyId,
        DOMAIN: "DS",
        USUBJID: c.usubjid,
        DSTERM: detail && e.type === "stop-treatment" ? `${TERMS[e.type]}: ${detail}` : TERMS[e.type]!,
        DSDECOD: d.decod,
        DSCAT: d.category,
        DSSTDTC: start,
        DSSTDY: c.dy(start),
      };
    });
}
