/**
 * What cohort results need to know of one treated patient, and the time-to-event data read from
 * it. The service fills a TreatedPatient from the record (already cut at the data-cut date, dates
 * site-local); everything after that is pure and the same for the API, the CLI and the reports.
 *
 * Time zero is the first CAR-T infusion (day 0), as CAR-T trials report (e.g. Neelapu 2017,
 * ZUMA-1; Schuster 2019, JULIET). Definitions:
 * - Overall survival: infusion to death from any cause; alive patients are censored at the last
 *   date they were known alive (their latest record). Cheson BD, et al. J Clin Oncol
 *   2014;32:3059 (Lugano), "Response assessment" endpoints; same as Cheson 2007 Table 5.
 * - Progression-free survival: infusion to progression or death from any cause, whichever is
 *   first; censored at the last response assessment without progression (at day 0 when there is
 *   none), as the FDA guidance "Clinical Trial Endpoints for the Approval of Cancer Drugs and
 *   Biologics" (2018), Table A, censors PFS at the last adequate assessment.
 * - Duration of response: from the first CR or PR to progression or death; censored at the last
 *   assessment (Cheson 2014). Only responders have one.
 */
import type { PathogenClass } from "../adverse-events.ts";
import { daysBetween } from "../calendar.ts";
import type { ResponseCategory } from "../endpoints/lymphoma-response.ts";
import type { CompetingTime } from "../statistics/cumulative-incidence.ts";
import type { SurvivalTime } from "../statistics/kaplan-meier.ts";
import type { Indication } from "./indication.ts";

/** A toxicity graded day by day (ASTCT CRS or ICANS) over the patient's stored assessments. */
export interface ToxicityCourse {
  /** worst grade stored; null when no assessment was stored (not graded, which is not grade 0) */
  maxGrade: number | null;
  /** first date graded ≥ 1 */
  onsetDate: string | null;
  /** last date graded ≥ 1 */
  lastDate: string | null;
}

export interface LymphomaCourse {
  best: ResponseCategory | null;
  firstResponseDate: string | null;
  firstCompleteResponseDate: string | null;
  progressionDate: string | null;
  /** the last Lugano assessment on or after day 0; null when there was none */
  lastAssessmentDate: string | null;
  /** SPD of the target lesions at baseline, as the Lugano CT assessments after day 0 give it (mm²) */
  spdBaselineMm2: number | null;
  /** the smallest SPD on a Lugano CT assessment after day 0 (mm²) */
  spdBestMm2: number | null;
}

export interface LupusCourse {
  dorisDate: string | null;
  lldasDate: string | null;
  drugFreeDate: string | null;
  /** the last DORIS or LLDAS assessment on or after day 0 */
  lastAssessmentDate: string | null;
  /** first date lupus activity returned after DORIS/LLDAS had been reached (lupusRelapseDate) */
  relapseDate: string | null;
  /** SLEDAI-2K at baseline: the last score on or before day 0 */
  sledaiBaseline: number | null;
  /** the lowest SLEDAI-2K after day 0 */
  sledaiBest: number | null;
  /** stored SRI-4 assessments after day 0, oldest first: each visit's responder status (Furie 2009) */
  sri4: Sri4Visit[];
}

/** One visit's SLE Responder Index, as the SRI-4 calculator judged it. */
export interface Sri4Visit {
  date: string;
  responder: boolean;
}

/**
 * The infused bag's attributes, joined through the chain of identity (the administered final
 * product of the patient's journey), for product-against-outcome tables (issue 12). QC attribute
 * names are those of domain/release-specs.ts; null where the result was not recorded.
 */
export interface ProductFacts {
  /** CAR-positive viable cells in the bag */
  carPositiveCells: number | null;
  carPositivePercent: number | null;
  vectorCopyNumber: number | null;
  viabilityPercent: number | null;
  /** infused under an out-of-specification exception */
  outOfSpecification: boolean;
  /** vein-to-vein days (domain/journey-metrics.ts): last apheresis before the infusion to the infusion */
  veinToVeinDays: number | null;
}

export interface TreatedPatient {
  patientId: string;
  subjectCode: string;
  siteCode: string;
  studyId: string;
  studyName: string;
  arm: string;
  doseLevel: string | null;
  /** the study's CAR products, e.g. ["cCAR-19B"] */
  products: string[];
  /** the antigens they target, e.g. ["BCMA", "CD19"] */
  targets: string[];
  indication: Indication | null;
  infusionDate: string;
  /** the latest record of any kind, up to the data cut (or death) */
  lastContactDate: string;
  deathDate: string | null;
  /** the date the journey ended otherwise (withdrawn, lost to follow-up), if it did */
  offStudyDate: string | null;
  offStudyReason: "withdrawn" | "lost-to-follow-up" | "completed" | null;
  lymphoma: LymphomaCourse | null;
  lupus: LupusCourse | null;
  crs: ToxicityCourse;
  icans: ToxicityCourse;
  /** immune effector cell-associated haematotoxicity, early phase (Rejeski 2023 grade 0–4) */
  icaht: ToxicityCourse;
  /** IEC-associated HLH-like syndrome, clinician-adjudicated grade (Hines 2023) */
  iecHs: ToxicityCourse;
  /** the infused bag; null when no administered bag is recorded (e.g. a registry-only record) */
  product: ProductFacts | null;
  /** peak CAR-T transgene copies per µg genomic DNA after day 0 (car-kinetics endpoint); null without one */
  carCmax: number | null;
  /** tocilizumab given from day 0 to day 30 */
  tocilizumab: boolean;
  /** a systemic glucocorticoid started from day 0 to day 30 */
  systemicSteroids: boolean;
  /** recorded infections (adverse events in the SOC Infections and infestations) from day 0 on */
  infections: InfectionEpisode[];
}

/** One infection after infusion: its onset study day, CTCAE grade and pathogen class. */
export interface InfectionEpisode {
  studyDay: number;
  grade: number;
  pathogenClass: PathogenClass | null;
}

const since = (p: TreatedPatient, date: string) => Math.max(0, daysBetween(p.infusionDate, date));

/** Days from infusion to death, or censored at the last contact. */
export function overallSurvival(p: TreatedPatient): SurvivalTime {
  return p.deathDate
    ? { time: since(p, p.deathDate), event: true }
    : { time: since(p, p.lastContactDate), event: false };
}

/**
 * Lupus relapse-free survival, days from infusion to the return of lupus activity after DORIS
 * remission or LLDAS had been reached (lupusRelapseDate) or death from any cause; censored at the
 * last DORIS/LLDAS assessment (day 0 without one). Lupus patients only. SLE CAR-T series report
 * relapse as loss of remission on these instruments (Mackensen A, et al. Nat Med 2022;28:2124;
 * Müller F, et al. N Engl J Med 2024;390:687).
 */
export function lupusRelapseFreeSurvival(p: TreatedPatient): SurvivalTime | null {
  if (!p.lupus) return null;
  const ends = [p.lupus.relapseDate, p.deathDate].filter((d): d is string => d !== null).sort();
  if (ends.length > 0) return { time: since(p, ends[0]!), event: true };
  return { time: p.lupus.lastAssessmentDate ? since(p, p.lupus.lastAssessmentDate) : 0, event: false };
}

/** Days from infusion to progression or death; null for patients without a lymphoma. */
export function progressionFreeSurvival(p: TreatedPatient): SurvivalTime | null {
  if (!p.lymphoma) return null;
  const ends = [p.lymphoma.progressionDate, p.deathDate].filter((d): d is string => d !== null).sort();
  if (ends.length > 0) return { time: since(p, ends[0]!), event: true };
  return { time: p.lymphoma.lastAssessmentDate ? since(p, p.lymphoma.lastAssessmentDate) : 0, event: false };
}

/**
 * Progression against non-relapse mortality, as competing risks (lymphoma only): the first of
 * progression/relapse (cause "progression") and death without a prior progression (cause
 * "non-relapse mortality"), censored where progression-free survival is, so the two cumulative
 * incidences add up to 1 − PFS at every time (CIBMTR's relapse/NRM split, e.g. Gooley TA, et al.
 * Stat Med 1999;18:695–706 on why 1 − KM of one cause overstates it).
 */
export function progressionOrNonRelapseDeath(p: TreatedPatient): CompetingTime | null {
  const pfs = progressionFreeSurvival(p);
  if (!pfs) return null;
  if (!pfs.event) return { time: pfs.time, cause: null };
  const progressed =
    p.lymphoma?.progressionDate && (!p.deathDate || p.lymphoma.progressionDate <= p.deathDate);
  return { time: pfs.time, cause: progressed ? "progression" : "non-relapse mortality" };
}

/** Days from the first response to progression or death; null for non-responders. */
export function durationOfResponse(p: TreatedPatient): SurvivalTime | null {
  const l = p.lymphoma;
  if (!l?.firstResponseDate) return null;
  const from = l.firstResponseDate;
  const ends = [l.progressionDate, p.deathDate].filter((d): d is string => d !== null && d >= from).sort();
  if (ends.length > 0) return { time: daysBetween(from, ends[0]!), event: true };
  return { time: Math.max(0, daysBetween(from, l.lastAssessmentDate ?? from)), event: false };
}

/**
 * Days of a toxicity from onset to its last graded day, both counted; null without one. Trials
 * report CRS duration as onset to resolution (e.g. Neelapu SS, et al. N Engl J Med
 * 2017;377:2531, ZUMA-1); the record has no resolution date of its own, so the last day graded ≥ 1
 * stands for it, which undercounts by up to a day when gradings are not daily.
 */
export function toxicityDurationDays(t: ToxicityCourse): number | null {
  return t.onsetDate && t.lastDate ? daysBetween(t.onsetDate, t.lastDate) + 1 : null;
}

/** Study day of onset (day 0 = infusion); null without one. */
export const onsetDay = (p: TreatedPatient, t: ToxicityCourse): number | null =>
  t.onsetDate ? daysBetween(p.infusionDate, t.onsetDate) : null;

/**
 * Best change of SLEDAI-2K from baseline in percent, for the waterfall plot: (lowest after day 0 −
 * baseline) / baseline × 100. Null without both scores, or with a baseline of 0 (no activity to
 * change). Waterfall plots of best percentage change are the convention of solid-tumour trials
 * (best change in the sum of diameters, RECIST 1.1); SLEDAI-2K is the lupus measure they show here.
 */
export function sledaiBestChangePercent(p: TreatedPatient): number | null {
  const l = p.lupus;
  if (!l || l.sledaiBaseline === null || l.sledaiBest === null || l.sledaiBaseline === 0) return null;
  return ((l.sledaiBest - l.sledaiBaseline) / l.sledaiBaseline) * 100;
}

/**
 * Best change of the tumour's SPD (sum of the products of the perpendicular diameters of up to six
 * target lesions, Lugano 2014: Cheson BD, et al. J Clin Oncol 2014;32:3059, Table 3) from
 * baseline in percent, for the lymphoma waterfall plot: (smallest SPD after day 0 − baseline) /
 * baseline × 100. −50 % is the partial-response line. Null without a CT-based assessment or with
 * a baseline SPD of 0.
 */
export function spdBestChangePercent(p: TreatedPatient): number | null {
  const l = p.lymphoma;
  if (!l || l.spdBaselineMm2 === null || l.spdBestMm2 === null || !(l.spdBaselineMm2 > 0)) return null;
  return ((l.spdBestMm2 - l.spdBaselineMm2) / l.spdBaselineMm2) * 100;
}

/**
 * The grade a stored ICAHT result counts with in cohort tables: the early phase only (days 0–30,
 * the one Rejeski 2023 grades by neutropenia duration); null for a late-phase result.
 */
export function icahtGrade(value: unknown): number | null {
  const v = value as { phase?: string; grade?: unknown } | null;
  return v?.phase === "EARLY" && typeof v.grade === "number" ? v.grade : null;
}

/**
 * The grade a stored IEC-HS result counts with: 0 when the screen was negative (no IEC-HS); the
 * clinician-adjudicated grade when positive (Hines 2023 grades need clinical judgement); null for
 * a positive screen nobody graded yet.
 */
export function iecHsGrade(value: unknown): number | null {
  const v = value as { screenPositive?: boolean; grade?: number | null } | null;
  if (v?.screenPositive === false) return 0;
  return typeof v?.grade === "number" ? v.grade : null;
}
