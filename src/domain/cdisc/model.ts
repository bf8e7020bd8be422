/**
 * What an SDTM export is made of: the record of one study as the store reads it (StudySource,
 * pseudonymous: subject codes, birth year and sex, never identity data), and the datasets built
 * from it (SdtmDataset: variables with their SDTMIG metadata, rows keyed by variable name).
 * Variable names, labels, roles and core designations follow the SDTM Implementation Guide 3.4
 * (CDISC, 2021) domain specifications; the Define-XML and the XPT files are written from the same
 * metadata, so the three cannot disagree.
 */
import type { Attribution, SeriousnessCriterion } from "../adverse-events.ts";

export interface SourceEvent {
  type: string;
  at: Date;
  reason: string | null;
  payload: Record<string, unknown>;
}

export interface SourceObservation {
  id: string;
  code: string;
  display: string | null;
  valueNumber: number | null;
  valueCode: string | null;
  valueText: string | null;
  /** canonical unit after UCUM normalisation (observation-value.ts) */
  unit: string | null;
  /** as entered or imported, before normalisation */
  originalValue: number | null;
  originalUnit: string | null;
  effectiveAt: Date;
}

export interface SourceMedication {
  id: string;
  drug: string;
  atcCode: string | null;
  doseValue: number | null;
  doseUnit: string | null;
  route: string | null;
  frequency: string | null;
  startDate: string;
  stopDate: string | null;
  indication: string | null;
}

export interface SourceCondition {
  id: string;
  codeSystem: string;
  code: string;
  display: string;
  onsetDate: string | null;
  abatementDate: string | null;
  clinicalStatus: string;
}

/** One adverse event as recorded (adverse_events; vocabulary and rules in domain/adverse-events.ts). */
export interface SourceAdverseEvent {
  id: string;
  /** the CTCAE v5.0 term, ASTCT-graded for CRS and ICANS */
  term: string;
  /** its MedDRA system organ class as CTCAE v5.0 groups it */
  soc: string;
  grade: number;
  attribution: Attribution;
  serious: boolean;
  seriousCriteria: readonly SeriousnessCriterion[];
  onsetDate: string;
  resolvedDate: string | null;
  /** already a CDISC OUT submission value */
  outcome: string;
}

export interface SourceAssessment {
  id: string;
  calculator: string;
  assessedAt: Date;
  inputs: unknown;
  result: unknown;
}

export interface SourceSubject {
  subjectCode: string;
  siteCode: string;
  /** ISO 3166-1 alpha-2 as the site records it */
  country: string | null;
  timeZone: string;
  birthYear: number;
  sex: string;
  armCode: string;
  doseLevelCode: string | null;
  consentDate: string;
  infusionDate: string | null;
  journey: SourceEvent[];
  conditions: SourceCondition[];
  observations: SourceObservation[];
  medications: SourceMedication[];
  adverseEvents: SourceAdverseEvent[];
  assessments: SourceAssessment[];
}

export interface SourceDoseLevel {
  code: string;
  label: string;
  dose: number;
  unit: string;
}

export interface StudySource {
  /** STUDYID: the registry id when the study has one, else its short name */
  studyId: string;
  title: string;
  arms: { code: string; name: string; doseLevels: SourceDoseLevel[] }[];
  /** the CAR product infused in the study (EXTRT) */
  productName: string;
  /** site codes the export covers (those the exporting user may read) */
  siteCodes: string[];
  subjects: SourceSubject[];
}

export type SdtmValue = string | number | null;
export type SdtmRow = Record<string, SdtmValue>;

/** Where a value comes from, in Define-XML 2.0 def:Origin terms. */
export type Origin = "Collected" | "Derived" | "Assigned" | "Protocol";

export interface SdtmVariable {
  name: string;
  label: string;
  type: "char" | "num";
  /** SDTMIG core: Required, Expected, Permissible */
  core: "Req" | "Exp" | "Perm";
  origin: Origin;
  /** name of a codelist in terminology.ts, when the variable is controlled */
  codelist?: string;
  /** ISO 8601 date/time text (Define-XML DataType datetime) */
  iso8601?: boolean;
  /** why or how, for the Define-XML comment */
  comment?: string;
}

export interface SdtmDataset {
  /** the domain code, e.g. "DM" */
  name: string;
  label: string;
  /** SDTM observation class, e.g. "SPECIAL PURPOSE", "EVENTS" */
  class: string;
  structure: string;
  /** the natural key, in order (Define-XML KeySequence) */
  keys: string[];
  variables: SdtmVariable[];
  rows: SdtmRow[];
}

/** A variable list in the order SDTMIG gives, built from a compact table. */
export function variables(
  list: [
    name: string,
    label: string,
    type: "char" | "num",
    core: SdtmVariable["core"],
    origin: Origin,
    extra?: Partial<SdtmVariable>,
  ][],
): SdtmVariable[] {
  return list.map(([name, label, type, core, origin, extra]) => ({
    name,
    label,
    type,
    core,
    origin,
    ...extra,
  }));
}
