/**
 * Events-class domains: AE from the adverse event record, MH from the recorded conditions, DS
 * from the journey's disposition events and milestones (SDTMIG 3.4 sections 6.2.1, 6.2.6, 6.2.4).
 */
import { isRelated, type SeriousnessCriterion } from "../adverse-events.ts";
import type { SdtmRow, SdtmVariable, SourceAdverseEvent } from "./model.ts";
import { variables } from "./model.ts";
import type { SubjectContext } from "./subject-context.ts";
import { DISPOSITIONS } from "./terminology.ts";

/**
 * The SDTMIG 3.4 AE seriousness flags, one per ICH E2A criterion we record (AESCAN and AESOD
 * are not ICH E2A criteria and are not collected).
 */
export const SERIOUSNESS_FLAGS: readonly {
  variable: string;
  label: string;
  criterion: SeriousnessCriterion;
}[] = [
  { variable: "AESCONG", label: "Congenital Anomaly or Birth Defect", criterion: "congenital-anomaly" },
  { variable: "AESDISAB", label: "Persist or Signif Disability/Incapacity", criterion: "disability" },
  { variable: "AESDTH", label: "Results in Death", criterion: "death" },
  { variable: "AESHOSP", label: "Requires or Prolongs Hospitalization", criterion: "hospitalisation" },
  { variable: "AESLIFE", label: "Is Life Threatening", criterion: "life-threatening" },
  {
    variable: "AESMIE",
    label: "Other Medically Important Serious Event",
    criterion: "important-medical-event",
  },
];

/**
 * AEREL from the NCI CTEP attribution, with the rule "related" = possible, probable or definite
 * (isRelated, domain/adverse-events.ts). SDTMIG 3.4 gives AEREL no CDISC codelist, so the two
 * values are sponsor-defined; the five-level attribution itself is not exported.
 */
export const relationship = (ae: Pick<SourceAdverseEvent, "attribution">): "RELATED" | "NOT RELATED" =>
  isRelated(ae.attribution) ? "RELATED" : "NOT RELATED";

export const AE_VARIABLES: SdtmVariable[] = variables([
  ["STUDYID", "Study Identifier", "char", "Req", "Assigned"],
  ["DOMAIN", "Domain Abbreviation", "char", "Req", "Assigned"],
  ["USUBJID", "Unique Subject Identifier", "char", "Req", "Derived"],
  ["AESEQ", "Sequence Number", "num", "Req", "Derived"],
  [
    "AETERM",
    "Reported Term for the Adverse Event",
    "char",
    "Req",
    "Collected",
    { comment: "The CTCAE v5.0 term as recorded (for CRS and ICANS the ASTCT 2019 syndrome's name)" },
  ],
  [
    "AEDECOD",
    "Dictionary-Derived Term",
    "char",
    "Req",
    "Assigned",
    {
      comment:
        "The CTCAE v5.0 term, not a MedDRA preferred term: MedDRA coding is not available here (the dictionary is licensed). CTCAE v5.0 terms are MedDRA LLTs, so coding downstream maps each to its PT",
    },
  ],
  [
    "AEBODSYS",
    "Body System or Organ Class",
    "char",
    "Exp",
    "Assigned",
    { comment: "The MedDRA system organ class CTCAE v5.0 places the term in (MedDRA 20.1), as recorded" },
  ],
  ["AESOC", "Primary System Organ Class", "char", "Exp", "Assigned", { comment: "Same as AEBODSYS" }],
  ["AESER", "Serious Event", "char", "Exp", "Collected", { codelist: "NY" }],
  [
    "AEREL",
    "Causality",
    "char",
    "Exp",
    "Derived",
    {
      codelist: "AEREL",
      comment:
        "From the investigator's NCI CTEP attribution to the CAR-T product: unrelated or unlikely -> NOT RELATED; possible, probable or definite -> RELATED (sponsor-defined values)",
    },
  ],
  [
    "AEOUT",
    "Outcome of Adverse Event",
    "char",
    "Perm",
    "Collected",
    { codelist: "OUT", comment: "Recorded in CDISC OUT terms" },
  ],
  ...SERIOUSNESS_FLAGS.map((f): Parameters<typeof variables>[0][number] => [
    f.variable,
    f.label,
    "char",
    "Perm",
    "Derived",
    {
      codelist: "NY",
      comment:
        "Y when the serious event names this ICH E2A criterion, N when it names others; empty for a non-serious event",
    },
  ]),
  [
    "AETOXGR",
    "Standard Toxicity Grade",
    "char",
    "Perm",
    "Collected",
    {
      codelist: "TOXGR",
      comment:
        "NCI CTCAE v5.0 grade; for Cytokine release syndrome and Immune effector cell-associated neurotoxicity syndrome the ASTCT 2019 consensus grade (Lee et al.). AESEV is not populated: severity is not collected separately from the grade",
    },
  ],
  ["AESTDTC", "Start Date/Time of Adverse Event", "char", "Exp", "Collected", { iso8601: true }],
  ["AEENDTC", "End Date/Time of Adverse Event", "char", "Exp", "Collected", { iso8601: true }],
  ["AESTDY", "Study Day of Start of Adverse Event", "num", "Perm", "Derived"],
  ["AEENDY", "Study Day of End of Adverse Event", "num", "Perm", "Derived"],
]);

/**
 * One AE record per recorded adverse event (SDTMIG 3.4 AE: one record per event per subject),
 * in order of onset. The seriousness flags are filled for serious events only, where the
 * criteria were asked; a non-serious event leaves them empty.
 */
export function aeRows(c: SubjectContext): SdtmRow[] {
  return [...c.subject.adverseEvents]
    .sort(
      (a, b) =>
        a.onsetDate.localeCompare(b.onsetDate) || a.term.localeCompare(b.term) || a.id.localeCompare(b.id),
    )
    .map((ae) => ({
      STUDYID: c.studyId,
      DOMAIN: "AE",
      USUBJID: c.usubjid,
      AETERM: ae.term,
      AEDECOD: ae.term,
      AEBODSYS: ae.soc,
      AESOC: ae.soc,
      AESER: ae.serious ? "Y" : "N",
      AEREL: relationship(ae),
      AEOUT: ae.outcome,
      ...Object.fromEntries(
        SERIOUSNESS_FLAGS.map((f) => [
          f.variable,
          ae.serious ? (ae.seriousCriteria.includes(f.criterion) ? "Y" : "N") : null,
        ]),
      ),
      AETOXGR: String(ae.grade),
      AESTDTC: ae.onsetDate,
      AEENDTC: ae.resolvedDate,
      AESTDY: c.dy(ae.onsetDate),
      AEENDY: c.dy(ae.resolvedDate),
    }));
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
