/**
 * The cohort's results from its treated patients: response rates with exact intervals, toxicity
 * by maximum grade, lupus remission by month, and time-to-event curves with medians, landmark
 * rates, numbers at risk and the log-rank test between groups. Every statistic comes from
 * domain/statistics (checked against R); this file only decides who counts where, and says so in
 * each table's `denominator` so a reader can recount by hand.
 */
import {
  type InfectionWindow,
  infectionWindow,
  PATHOGEN_CLASSES,
  type PathogenClass,
  POST_INFUSION_WINDOWS,
} from "../adverse-events.ts";
import { addMonths, DAYS_PER_MONTH, daysBetween } from "../calendar.ts";
import { clopperPearson, type Proportion } from "../statistics/binomial.ts";
import { spearman } from "../statistics/correlation.ts";
import { type CompetingTime, cumulativeIncidence, incidenceAt } from "../statistics/cumulative-incidence.ts";
import {
  type Estimate,
  kaplanMeier,
  type SurvivalAtTime,
  type SurvivalTime,
  survivalAt,
} from "../statistics/kaplan-meier.ts";
import { type LogRankResult, logRank } from "../statistics/log-rank.ts";
import { type MedianRange, medianRange } from "../statistics/median-range.ts";
import { hasLupus, hasLymphoma, INDICATION_LABELS } from "./indication.ts";
import {
  durationOfResponse,
  lupusRelapseFreeSurvival,
  onsetDay,
  overallSurvival,
  progressionFreeSurvival,
  progressionOrNonRelapseDeath,
  type Sri4Visit,
  sledaiBestChangePercent,
  spdBestChangePercent,
  type ToxicityCourse,
  type TreatedPatient,
  toxicityDurationDays,
} from "./patient-outcome.ts";

export const GROUPINGS = ["none", "indication", "doseLevel", "arm", "site", "product"] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface Group {
  key: string;
  label: string;
  n: number;
}

const groupOf: Record<Exclude<Grouping, "none">, (p: TreatedPatient) => { key: string; label: string }> = {
  indication: (p) =>
    p.indication
      ? { key: p.indication, label: INDICATION_LABELS[p.indication] }
      : { key: "unclassified", label: "No treated diagnosis recorded" },
  doseLevel: (p) => ({ key: p.doseLevel ?? "none", label: p.doseLevel ?? "No dose level" }),
  arm: (p) => ({ key: `${p.studyName}/${p.arm}`, label: `${p.studyName} ${p.arm}` }),
  site: (p) => ({ key: p.siteCode, label: p.siteCode }),
  product: (p) => ({ key: p.products.join("+") || "none", label: p.products.join(" + ") || "No product" }),
};

/** Times at which the risk table and the landmark rates are given, in months. */
export const RISK_TABLE_MONTHS = [0, 3, 6, 9, 12, 18, 24, 36, 48, 60] as const;
export const LANDMARK_MONTHS = [6, 12, 24] as const;
/**
 * The months at which lupus remission is reported: issue 12's months 3, 6, 9, 12, the time points
 * at which the CD19 CAR-T lupus series report DORIS and LLDAS (Müller F, et al. N Engl J Med
 * 2024;390:687–700; workflow-standards.md §1.2: LLDAS/DORIS by week 12 in the co-infusion trial).
 */
export const REMISSION_MONTHS = [3, 6, 9, 12] as const;
/**
 * SRI-4 is a response at a visit, not a state reached once (Furie RA, et al. Arthritis Rheum
 * 2009;61:1143–51: response at week 52), so its rate at month m reads the SRI-4 visit nearest that
 * month. Visit windows are protocol-defined; ±45 days is half the three months between the
 * reported months, so no visit counts for two of them.
 */
export const SRI4_WINDOW_DAYS = 45;

/**
 * The SRI-4 visit nearest to `target` within ±SRI4_WINDOW_DAYS (the later one when two are as
 * near), or null when no visit falls in the window.
 */
export function sri4VisitNear(visits: readonly Sri4Visit[], target: string): Sri4Visit | null {
  let best: Sri4Visit | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const v of visits) {
    const distance = Math.abs(daysBetween(target, v.date));
    if (distance <= SRI4_WINDOW_DAYS && distance <= bestDistance) {
      best = v;
      bestDistance = distance;
    }
  }
  return best;
}

export interface CurvePoint {
  months: number;
  survival: number;
  lower: number | null;
  upper: number | null;
  nRisk: number;
  nEvent: number;
  nCensor: number;
}

export interface SurvivalGroup extends Group {
  events: number;
  /** the Kaplan–Meier curve, one point per distinct time (event or censoring), in months */
  curve: CurvePoint[];
  median: Estimate;
  landmarks: SurvivalAtTime[];
  riskTable: SurvivalAtTime[];
}

export interface SurvivalAnalysis {
  endpoint:
    | "overall-survival"
    | "progression-free-survival"
    | "duration-of-response"
    | "lupus-relapse-free-survival";
  title: string;
  definition: string;
  timeUnit: "months";
  all: SurvivalGroup;
  groups: SurvivalGroup[];
  /** between the groups; null with fewer than two groups */
  logRank: LogRankResult | null;
}

export interface ResponseRow extends Group {
  counts: { CR: number; PR: number; SD: number; PD: number; notEvaluable: number };
  overallResponse: Proportion;
  completeResponse: Proportion;
  /** days from infusion to the first CR or PR, among responders */
  timeToFirstResponse: MedianRange;
}

export interface ToxicityRow extends Group {
  graded: number;
  notGraded: number;
  /** patients by their maximum grade, index = grade 0…5 */
  byMaxGrade: number[];
  anyGrade: Proportion;
  gradeThreeOrMore: Proportion;
  onsetDay: MedianRange;
  durationDays: MedianRange;
}

export interface SupportiveCareRow extends Group {
  tocilizumab: Proportion;
  systemicSteroids: Proportion;
}

/** Infections in one window after infusion (Hill 2018; Cordeiro 2020): patients and episodes. */
export interface InfectionRow extends Group {
  window: InfectionWindow;
  /** patients followed into the window (last contact or death on or after its first day) */
  followed: number;
  /** followed patients with at least one infection starting in the window */
  anyInfection: Proportion;
  /** followed patients with a grade ≥ 3 infection starting in the window */
  severeInfection: Proportion;
  episodes: number;
  /** episodes by pathogen class; an episode without one counts as unidentified */
  episodesByPathogen: Record<PathogenClass, number>;
}

export interface RemissionRow extends Group {
  months: number;
  /** lupus patients assessed at or after that month; each rate's denominator adds those who reached its state earlier */
  followed: number;
  doris: Proportion;
  lldas: Proportion;
  drugFree: Proportion;
  /** SRI-4 responders over lupus patients with an SRI-4 visit within ±SRI4_WINDOW_DAYS of the month */
  sri4: Proportion;
}

/** One patient's lane in a swimmer plot, in months since infusion (null: did not happen). */
export interface SwimmerLane {
  patientId: string;
  subjectCode: string;
  indication: TreatedPatient["indication"];
  followUpMonths: number;
  /** first CR/PR for a lymphoma, else DORIS remission, else LLDAS */
  responseMonths: number | null;
  progressionMonths: number | null;
  deathMonths: number | null;
  /** alive and still on study at the data cut */
  ongoing: boolean;
}

export interface IncidenceCurve {
  cause: string;
  events: number;
  /** one point per event time of this cause, in months */
  curve: { months: number; estimate: number; lower: number | null; upper: number | null }[];
  landmarks: { months: number; estimate: number | null; lower: number | null; upper: number | null }[];
}

export interface CompetingRisksGroup extends Group {
  causes: IncidenceCurve[];
}

export interface CompetingRisks {
  title: string;
  definition: string;
  all: CompetingRisksGroup;
  groups: CompetingRisksGroup[];
}

/** One bar of the waterfall plot: a patient's best change from baseline, in percent. */
export interface WaterfallBar {
  patientId: string;
  subjectCode: string;
  indication: TreatedPatient["indication"];
  baseline: number;
  best: number;
  changePercent: number;
}

export interface CohortSummary {
  n: number;
  firstInfusion: string | null;
  lastInfusion: string | null;
  /** median follow-up by the reverse Kaplan–Meier method, in months */
  followUp: Estimate;
  grouping: Grouping;
  groups: Group[];
  response: { denominator: string; rows: ResponseRow[] };
  crs: { denominator: string; rows: ToxicityRow[] };
  icans: { denominator: string; rows: ToxicityRow[] };
  icaht: { denominator: string; rows: ToxicityRow[] };
  iecHs: { denominator: string; rows: ToxicityRow[] };
  supportiveCare: { denominator: string; rows: SupportiveCareRow[] };
  infections: { denominator: string; rows: InfectionRow[] };
  remission: { denominator: string; rows: RemissionRow[] };
  survival: SurvivalAnalysis[];
  /** progression against non-relapse mortality (lymphoma), Aalen–Johansen with Gray's variance */
  competingRisks: CompetingRisks;
  /** longest follow-up first */
  swimmer: SwimmerLane[];
  /** best SLEDAI-2K change from baseline per lupus patient, largest increase first */
  waterfall: { measure: "SLEDAI-2K"; definition: string; bars: WaterfallBar[] };
  /** best change of the tumour's SPD (Lugano 2014 CT) per lymphoma patient, largest increase first */
  tumourWaterfall: { measure: "SPD"; definition: string; bars: WaterfallBar[] };
  /** the infused bag's attributes against the CAR-T peak and the worst CRS grade */
  productCorrelations: { method: string; rows: ProductCorrelation[] };
}

export const PRODUCT_ATTRIBUTES = [
  "carPositiveCells",
  "carPositivePercent",
  "vectorCopyNumber",
  "veinToVeinDays",
] as const;
export const PRODUCT_OUTCOMES = ["carCmax", "crsMaxGrade"] as const;

/** One attribute of the bag against one outcome: Spearman's rho over the patients with both. */
export interface ProductCorrelation {
  attribute: (typeof PRODUCT_ATTRIBUTES)[number];
  outcome: (typeof PRODUCT_OUTCOMES)[number];
  n: number;
  rho: number | null;
  pValue: number | null;
}

/**
 * Each product attribute against the CAR-T peak and the worst CRS grade, over infused patients
 * whose administered bag is on record (issue 12: "chain of identity joined to outcomes"). Rank
 * correlation because neither dose nor Cmax is near normal and the CRS grade is ordinal. Each
 * pair's correlation is kept while its values are (a write to one patient's CRS grading leaves
 * the four against Cmax as they were).
 */
function productCorrelations(part: Partition): ProductCorrelation[] {
  const withBag = part.all.filter((m) => m.bag !== null);
  // Column by column: the pairs are made only for a correlation counted again.
  const attributes = PRODUCT_ATTRIBUTES.map((_, a) => withBag.map((m) => m.bag![a] ?? null));
  const outcomes = PRODUCT_OUTCOMES.map((_, o) => withBag.map((m) => m.productOutcomes[o] ?? null));
  return PRODUCT_OUTCOMES.flatMap((outcome, o) =>
    PRODUCT_ATTRIBUTES.map((attribute, a) => {
      const x = attributes[a]!;
      const y = outcomes[o]!;
      return keptRow(part, `${attribute} against ${outcome}`, ALL_N, [x, y], sameValues, () => ({
        attribute,
        outcome,
        ...spearman(x.map((v, i) => [v, y[i] ?? null] as const)),
      }));
    }),
  );
}

/**
 * Waterfall bars: each patient's best change, largest increase on the left, then by subject code.
 * Kept while every patient's bar reads the same (`reads` compares the two values it is made of).
 */
function waterfallBars(
  part: Partition,
  table: string,
  change: (p: TreatedPatient) => number | null,
  values: (p: TreatedPatient) => { baseline: number; best: number },
  reads: (a: TreatedPatient, b: TreatedPatient) => boolean,
): WaterfallBar[] {
  const same = ({ p: a }: Measured, { p: b }: Measured) =>
    a === b ||
    (a.patientId === b.patientId &&
      a.subjectCode === b.subjectCode &&
      a.indication === b.indication &&
      reads(a, b));
  return keptRow(part, table, ALL_N, part.all, same, () =>
    part.all
      .map(({ p }) => ({ p, change: change(p) }))
      .filter((x): x is { p: TreatedPatient; change: number } => x.change !== null)
      .map(({ p, change }) => ({
        patientId: p.patientId,
        subjectCode: p.subjectCode,
        indication: p.indication,
        ...values(p),
        changePercent: change,
      }))
      .sort((a, b) => b.changePercent - a.changePercent || a.subjectCode.localeCompare(b.subjectCode)),
  );
}

/**
 * One patient as the tables read it: each time to event in months and the dates the remission
 * table compares against, worked out once per summary (or kept between summaries: KeptMeasures).
 * A patient counts in "all" and in its group, and several tables read the same times, so each
 * date is parsed once, not in every table.
 */
interface Measured {
  p: TreatedPatient;
  /** days from infusion to the last contact */
  followedDays: number;
  overallSurvival: SurvivalTime;
  progressionFreeSurvival: SurvivalTime | null;
  durationOfResponse: SurvivalTime | null;
  lupusRelapseFreeSurvival: SurvivalTime | null;
  competing: CompetingTime | null;
  /** lupus at each of REMISSION_MONTHS; null for patients without lupus */
  remission: RemissionAtMonths | null;
  toxicity: Record<Toxicity, GradedToxicity>;
  /** the patient's swimmer lane (frozen with the report it is sent in, and reused after) */
  lane: SwimmerLane;
  /** the administered bag's PRODUCT_ATTRIBUTES in that order; null without a bag on record */
  bag: readonly (number | null)[] | null;
  /** PRODUCT_OUTCOMES in that order */
  productOutcomes: readonly [number | null, number | null];
}

type Toxicity = "crs" | "icans" | "icaht" | "iecHs";

/** One toxicity of one patient as its table counts it. */
interface GradedToxicity {
  maxGrade: number | null;
  /** study day of onset; null without one */
  onsetDay: number | null;
  durationDays: number | null;
}

const gradedToxicity = (p: TreatedPatient, course: ToxicityCourse): GradedToxicity => ({
  maxGrade: course.maxGrade,
  onsetDay: onsetDay(p, course),
  durationDays: toxicityDurationDays(course),
});

/** One lupus patient at each of REMISSION_MONTHS (index k), as the remission table counts them. */
interface RemissionAtMonths {
  /** assessed (DORIS or LLDAS) on or after the month */
  followed: boolean[];
  /** the state first reached on or before the month */
  doris: boolean[];
  lldas: boolean[];
  drugFree: boolean[];
  /** the SRI-4 visit nearest the month: a responder or not; null without one in the window */
  sri4: (boolean | null)[];
}

function remissionAtMonths(p: TreatedPatient): RemissionAtMonths | null {
  if (!hasLupus(p.indication)) return null;
  const by = REMISSION_MONTHS.map((m) => addMonths(p.infusionDate, m));
  const lastAssessed = p.lupus?.lastAssessmentDate ?? p.infusionDate;
  const reached = (date: string | null | undefined) => by.map((b) => !!date && date <= b);
  return {
    followed: by.map((b) => lastAssessed >= b),
    doris: reached(p.lupus?.dorisDate),
    lldas: reached(p.lupus?.lldasDate),
    drugFree: reached(p.lupus?.drugFreeDate),
    sri4: by.map((b) => {
      const visit = sri4VisitNear(p.lupus?.sri4 ?? [], b);
      return visit === null ? null : Boolean(visit.responder);
    }),
  };
}

/** A time to event (survival or competing) in days, in months. */
function inMonths<T extends { time: number }>(t: T): T;
function inMonths<T extends { time: number }>(t: T | null): T | null;
function inMonths<T extends { time: number }>(t: T | null): T | null {
  return t && { ...t, time: t.time / DAYS_PER_MONTH };
}

function measured(p: TreatedPatient): Measured {
  const followedDays = daysBetween(p.infusionDate, p.lastContactDate);
  return {
    p,
    followedDays,
    overallSurvival: inMonths(overallSurvival(p)),
    progressionFreeSurvival: inMonths(progressionFreeSurvival(p)),
    durationOfResponse: inMonths(durationOfResponse(p)),
    lupusRelapseFreeSurvival: inMonths(lupusRelapseFreeSurvival(p)),
    competing: inMonths(progressionOrNonRelapseDeath(p)),
    remission: remissionAtMonths(p),
    toxicity: {
      crs: gradedToxicity(p, p.crs),
      icans: gradedToxicity(p, p.icans),
      icaht: gradedToxicity(p, p.icaht),
      iecHs: gradedToxicity(p, p.iecHs),
    },
    lane: swimmerLane(p, followedDays),
    bag: p.product && PRODUCT_ATTRIBUTES.map((a) => p.product![a]),
    productOutcomes: [p.carCmax, p.crs.maxGrade],
  };
}

/**
 * What a summary keeps for the next summary of the same patient objects: a caller that summarises
 * again after some patients changed, passing the others as the very objects it passed before (and
 * never changing them), has only the changed ones measured again (`patients`), and each table's
 * row whose inputs did not change is the row counted before (`rows`, see keptRow).
 */
export interface KeptMeasures {
  readonly patients: WeakMap<TreatedPatient, Measured>;
  /**
   * by table, group key and label: what the row was counted from and the row (a Map, as
   * `patients`: this object is frozen with the report that holds it, the maps' contents are not)
   */
  readonly rows: Map<string, { from: readonly unknown[]; row: unknown }>;
}

export const keptMeasures = (): KeptMeasures => ({
  patients: new WeakMap(),
  rows: new Map(),
});

/**
 * The table's row of this group, counted again only when what it is counted from differs from
 * last time: the group's patients (their measures, the very objects, in order), or for a curve
 * the times themselves, compared by value, so a write that changed no time keeps the curves of
 * "all patients" too. A row depends on its group's key, label and these alone (its n is their
 * number). Rows are kept by table, key and label, so a site or dose level coded "all" is not the
 * all-patients row. What a row was counted from is kept as given: nothing here changes an array
 * once it is made. `count` is given the row kept before, if any (the swimmer sorts from it).
 */
function keptRow<T, R>(
  part: Partition,
  table: string,
  group: Group,
  from: readonly T[],
  same: (a: T, b: T) => boolean,
  count: (before: R | undefined) => R,
): R {
  const key = `${table}\u0000${group.key}\u0000${group.label}`;
  part.counted.add(key);
  const before = part.kept.rows.get(key) as { from: readonly T[]; row: R } | undefined;
  if (
    before !== undefined &&
    before.from.length === from.length &&
    before.from.every((x, i) => same(x, from[i]!))
  )
    return before.row;
  const row = count(before?.row);
  part.kept.rows.set(key, { from, row });
  return row;
}

/** Drops the kept rows this summary did not count: groups that are gone, a grouping not asked for. */
function forgetRowsNotCounted(part: Partition): void {
  for (const key of part.kept.rows.keys()) if (!part.counted.has(key)) part.kept.rows.delete(key);
}

const sameObject = <T>(a: T, b: T) => a === b;
const sameValues = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);
const sameSurvivalTime = (a: SurvivalTime, b: SurvivalTime) => a.time === b.time && a.event === b.event;
const sameCompetingTime = (a: CompetingTime, b: CompetingTime) => a.time === b.time && a.cause === b.cause;

interface Partition {
  all: Measured[];
  groups: { group: Group; patients: Measured[] }[];
  kept: KeptMeasures;
  /** the keys of the rows this summary counted or kept */
  counted: Set<string>;
}

function partition(patients: readonly TreatedPatient[], grouping: Grouping, kept: KeptMeasures): Partition {
  const all = patients.map((p) => {
    const held = kept.patients.get(p);
    if (held) return held;
    const m = measured(p);
    kept.patients.set(p, m);
    return m;
  });
  if (grouping === "none") return { all, groups: [], kept, counted: new Set() };
  const byKey = new Map<string, { group: Group; patients: Measured[] }>();
  for (const m of all) {
    const { key, label } = groupOf[grouping](m.p);
    const entry = byKey.get(key) ?? { group: { key, label, n: 0 }, patients: [] };
    entry.group.n++;
    entry.patients.push(m);
    byKey.set(key, entry);
  }
  const groups = [...byKey.values()].sort((a, b) => a.group.key.localeCompare(b.group.key));
  return { all, groups, kept, counted: new Set() };
}

const ALL: Omit<Group, "n"> = { key: "all", label: "All patients" };
/** All patients as the group of a row that sets its own n (a curve: its number of times); key and label are what is read. */
const ALL_N: Group = { ...ALL, n: 0 };

/**
 * The table's row for all patients and for each group. `reads` compares two measures of a patient
 * by all the table reads of them: a row is kept while its patients are the same or read the same
 * (a patient written to is a new object, and most writes leave most tables as they were).
 */
function rows<R>(
  part: Partition,
  table: string,
  build: (group: Group, patients: Measured[]) => R,
  reads: (a: Measured, b: Measured) => boolean,
): R[] {
  const same = (a: Measured, b: Measured) => a === b || reads(a, b);
  const row = (group: Group, patients: Measured[]) =>
    keptRow(part, table, group, patients, same, () => build(group, patients));
  return [row({ ...ALL, n: part.all.length }, part.all), ...part.groups.map((g) => row(g.group, g.patients))];
}

const responseReads = (a: Measured, b: Measured) =>
  a.p.indication === b.p.indication &&
  a.p.infusionDate === b.p.infusionDate &&
  a.p.lymphoma?.best === b.p.lymphoma?.best &&
  a.p.lymphoma?.firstResponseDate === b.p.lymphoma?.firstResponseDate;

function responseRow(group: Group, patients: Measured[]): ResponseRow {
  const lymphoma = patients.filter((m) => hasLymphoma(m.p.indication));
  const counts = { CR: 0, PR: 0, SD: 0, PD: 0, notEvaluable: 0 };
  const toResponse: number[] = [];
  for (const { p } of lymphoma) {
    const best = p.lymphoma?.best ?? null;
    if (best === null) counts.notEvaluable++;
    else counts[best]++;
    if (p.lymphoma?.firstResponseDate)
      toResponse.push(daysBetween(p.infusionDate, p.lymphoma.firstResponseDate));
  }
  return {
    ...group,
    n: lymphoma.length,
    counts,
    overallResponse: clopperPearson(counts.CR + counts.PR, lymphoma.length),
    completeResponse: clopperPearson(counts.CR, lymphoma.length),
    timeToFirstResponse: medianRange(toResponse),
  };
}

// Each table is given its toxicity as a function reading one named field, not as a key: one
// property looked up by a key that takes four values is several times slower over 8,000 patients.
const toxicityReads = (of: (m: Measured) => GradedToxicity) => (a: Measured, b: Measured) => {
  const x = of(a);
  const y = of(b);
  return x.maxGrade === y.maxGrade && x.onsetDay === y.onsetDay && x.durationDays === y.durationDays;
};

function toxicityRow(of: (m: Measured) => GradedToxicity) {
  return (group: Group, patients: Measured[]): ToxicityRow => {
    const graded = patients.map(of).filter((t) => t.maxGrade !== null);
    const byMaxGrade = [0, 0, 0, 0, 0, 0];
    for (const t of graded) byMaxGrade[t.maxGrade!]!++;
    const any = graded.length - byMaxGrade[0]!;
    const severe = byMaxGrade.slice(3).reduce((a, b) => a + b, 0);
    return {
      ...group,
      graded: graded.length,
      notGraded: patients.length - graded.length,
      byMaxGrade,
      anyGrade: clopperPearson(any, graded.length),
      gradeThreeOrMore: clopperPearson(severe, graded.length),
      onsetDay: medianRange(graded.map((t) => t.onsetDay).filter((d) => d !== null)),
      durationDays: medianRange(graded.map((t) => t.durationDays).filter((d) => d !== null)),
    };
  };
}

const supportiveCareReads = (a: Measured, b: Measured) =>
  a.p.tocilizumab === b.p.tocilizumab && a.p.systemicSteroids === b.p.systemicSteroids;

function supportiveCareRow(group: Group, patients: Measured[]): SupportiveCareRow {
  return {
    ...group,
    tocilizumab: clopperPearson(patients.filter((m) => m.p.tocilizumab).length, patients.length),
    systemicSteroids: clopperPearson(patients.filter((m) => m.p.systemicSteroids).length, patients.length),
  };
}

const infectionReads = (a: Measured, b: Measured) =>
  a.followedDays === b.followedDays &&
  a.p.infections.length === b.p.infections.length &&
  a.p.infections.every((i, k) => {
    const j = b.p.infections[k]!;
    return i.studyDay === j.studyDay && i.grade === j.grade && i.pathogenClass === j.pathogenClass;
  });

function infectionRows(group: Group, patients: Measured[]): InfectionRow[] {
  return POST_INFUSION_WINDOWS.map(({ window, firstDay }) => {
    let followed = 0;
    let infected = 0;
    let severe = 0;
    let episodes = 0;
    const episodesByPathogen = Object.fromEntries(PATHOGEN_CLASSES.map((c) => [c, 0])) as Record<
      PathogenClass,
      number
    >;
    for (const m of patients) {
      if (m.followedDays < firstDay) continue;
      followed++;
      let any = false;
      let anySevere = false;
      for (const i of m.p.infections) {
        if (infectionWindow(i.studyDay) !== window) continue;
        any = true;
        anySevere ||= i.grade >= 3;
        episodes++;
        episodesByPathogen[i.pathogenClass ?? "unidentified"]++;
      }
      if (any) infected++;
      if (anySevere) severe++;
    }
    return {
      ...group,
      window,
      followed,
      anyInfection: clopperPearson(infected, followed),
      severeInfection: clopperPearson(severe, followed),
      episodes,
      episodesByPathogen,
    };
  });
}

const remissionReads = ({ remission: a }: Measured, { remission: b }: Measured) =>
  a === b ||
  (a !== null &&
    b !== null &&
    sameValues(a.followed, b.followed) &&
    sameValues(a.doris, b.doris) &&
    sameValues(a.lldas, b.lldas) &&
    sameValues(a.drugFree, b.drugFree) &&
    sameValues(a.sri4, b.sri4));

function remissionRows(group: Group, patients: Measured[]): RemissionRow[] {
  const lupus = patients.map((m) => m.remission).filter((r) => r !== null);
  return REMISSION_MONTHS.map((months, k) => {
    // Each state has its own denominator: those followed to the month, and those who reached
    // that state before it (whose later follow-up does not matter for "reached by month m").
    const rate = (state: (r: RemissionAtMonths) => boolean[]) => {
      let reached = 0;
      let evaluable = 0;
      for (const r of lupus) {
        const by = state(r)[k];
        if (by) reached++;
        if (by || r.followed[k]) evaluable++;
      }
      return clopperPearson(reached, evaluable);
    };
    let followed = 0;
    let visits = 0;
    let responders = 0;
    for (const r of lupus) {
      if (r.followed[k]) followed++;
      const sri4 = r.sri4[k];
      if (sri4 === null || sri4 === undefined) continue;
      visits++;
      if (sri4) responders++;
    }
    return {
      ...group,
      n: lupus.length,
      months,
      followed,
      doris: rate((r) => r.doris),
      lldas: rate((r) => r.lldas),
      drugFree: rate((r) => r.drugFree),
      sri4: clopperPearson(responders, visits),
    };
  });
}

/** `times` in months */
function survivalGroup(group: Group, times: SurvivalTime[]): SurvivalGroup {
  const km = kaplanMeier(times);
  return {
    ...group,
    n: times.length,
    events: km.events,
    curve: km.steps.map((s) => ({
      months: s.time,
      survival: s.survival,
      lower: s.lower,
      upper: s.upper,
      nRisk: s.nRisk,
      nEvent: s.nEvent,
      nCensor: s.nCensor,
    })),
    median: km.median,
    landmarks: survivalAt(km, LANDMARK_MONTHS),
    riskTable: survivalAt(km, RISK_TABLE_MONTHS),
  };
}

const SURVIVAL = {
  "overall-survival": {
    title: "Overall survival",
    definition: "Infusion to death from any cause; censored at the last date known alive.",
    time: (m: Measured) => m.overallSurvival,
  },
  "progression-free-survival": {
    title: "Progression-free survival (lymphoma)",
    definition:
      "Infusion to progression or death from any cause; censored at the last response assessment (day 0 without one). Patients with a lymphoma only.",
    time: (m: Measured) => m.progressionFreeSurvival,
  },
  "duration-of-response": {
    title: "Duration of response (lymphoma)",
    definition:
      "First CR or PR to progression or death; censored at the last response assessment. Responders only.",
    time: (m: Measured) => m.durationOfResponse,
  },
  "lupus-relapse-free-survival": {
    title: "Lupus relapse-free survival",
    definition:
      "Infusion to the return of lupus activity after DORIS remission or LLDAS had been reached, or death; censored at the last DORIS/LLDAS assessment. Patients with lupus only.",
    time: (m: Measured) => m.lupusRelapseFreeSurvival,
  },
} as const;

function survivalAnalysis(part: Partition, endpoint: SurvivalAnalysis["endpoint"]): SurvivalAnalysis {
  const spec = SURVIVAL[endpoint];
  const timesOf = (patients: Measured[]) =>
    patients.map((m) => spec.time(m)).filter((t): t is SurvivalTime => t !== null);
  const curve = (group: Group, times: SurvivalTime[]) =>
    keptRow(part, endpoint, group, times, sameSurvivalTime, () => survivalGroup(group, times));
  const groups = part.groups
    .map((g) => ({ group: g.group, times: timesOf(g.patients) }))
    .filter((g) => g.times.length > 0)
    .map((g) => ({ ...g, row: curve(g.group, g.times) }));
  return {
    endpoint,
    title: spec.title,
    definition: spec.definition,
    timeUnit: "months",
    all: curve(ALL_N, timesOf(part.all)),
    groups: groups.map((g) => g.row),
    // Kept while every group's curve is: the same rows were counted from the same times.
    logRank:
      groups.length >= 2
        ? keptRow(
            part,
            `${endpoint} log-rank`,
            ALL_N,
            groups.map((g) => g.row),
            sameObject,
            () => logRank(groups.map((g) => ({ key: g.group.key, times: g.times }))),
          )
        : null,
  };
}

/**
 * Median follow-up by reverse Kaplan–Meier: the KM median of the time to censoring, deaths
 * treated as censored (Schemper M, Smith TL. Control Clin Trials 1996;17:343–346).
 */
function medianFollowUp(part: Partition): Estimate {
  if (part.all.length === 0) return { estimate: null, lower: null, upper: null };
  const times = part.all.map((m) => m.overallSurvival);
  return keptRow(
    part,
    "follow-up",
    ALL_N,
    times,
    sameSurvivalTime,
    () => kaplanMeier(times.map((os) => ({ time: os.time, event: !os.event }))).median,
  );
}

const CAUSES = ["progression", "non-relapse mortality"] as const;

function competingGroup(part: Partition, group: Group, patients: Measured[]): CompetingRisksGroup | null {
  const times = patients.map((m) => m.competing).filter((t): t is CompetingTime => t !== null);
  if (times.length === 0) return null;
  return keptRow(part, "competing risks", group, times, sameCompetingTime, () => ({
    ...group,
    n: times.length,
    causes: cumulativeIncidence(times, { causes: CAUSES }).map((ci) => ({
      cause: ci.cause,
      events: ci.events,
      curve: ci.steps.map((st) => ({
        months: st.time,
        estimate: st.estimate,
        lower: st.lower,
        upper: st.upper,
      })),
      landmarks: incidenceAt(ci, LANDMARK_MONTHS).map((l) => ({
        months: l.time,
        estimate: l.estimate,
        lower: l.lower,
        upper: l.upper,
      })),
    })),
  }));
}

function competingRisks(part: Partition): CompetingRisks {
  const empty = { ...ALL, n: 0, causes: [] };
  return {
    title: "Progression and non-relapse mortality (lymphoma)",
    definition:
      "Cumulative incidence of progression or relapse, and of death without progression, as competing risks from infusion; censored as progression-free survival is.",
    all: competingGroup(part, ALL_N, part.all) ?? empty,
    groups: part.groups
      .map((g) => competingGroup(part, g.group, g.patients))
      .filter((g): g is CompetingRisksGroup => g !== null),
  };
}

function swimmerLane(p: TreatedPatient, followedDays: number): SwimmerLane {
  const at = (date: string | null | undefined) =>
    date ? daysBetween(p.infusionDate, date) / DAYS_PER_MONTH : null;
  return {
    patientId: p.patientId,
    subjectCode: p.subjectCode,
    indication: p.indication,
    followUpMonths: followedDays / DAYS_PER_MONTH,
    responseMonths: at(p.lymphoma?.firstResponseDate ?? p.lupus?.dorisDate ?? p.lupus?.lldasDate),
    progressionMonths: at(p.lymphoma?.progressionDate),
    deathMonths: at(p.deathDate),
    ongoing: p.deathDate === null && p.offStudyReason === null,
  };
}

/**
 * Longest follow-up first, then by subject code, then in the order the patients were given. Kept
 * while every lane is the same. Else, the order being total, any arrangement of the lanes sorts
 * to the same list: they are sorted from the order of the lanes kept before, where there are
 * some, and a nearly sorted list sorts in about linear time.
 */
function swimmerLanes(part: Partition): SwimmerLane[] {
  const lanes = part.all.map((m) => m.lane);
  const byFollowUp = (a: SwimmerLane, b: SwimmerLane) =>
    b.followUpMonths - a.followUpMonths || a.subjectCode.localeCompare(b.subjectCode);
  return keptRow(part, "swimmer", ALL_N, lanes, sameLane, (before: SwimmerLane[] | undefined) => {
    const now = new Set(lanes);
    // One patient object given twice: no total order over the lanes; sorted stably as given.
    if (now.size !== lanes.length) return [...lanes].sort(byFollowUp);
    let position: Map<SwimmerLane, number> | undefined;
    const order = (a: SwimmerLane, b: SwimmerLane) => {
      const by = byFollowUp(a, b);
      if (by !== 0) return by;
      position ??= new Map(lanes.map((l, i) => [l, i]));
      return position.get(a)! - position.get(b)!;
    };
    const kept = (before ?? []).filter((l) => now.has(l));
    const had = new Set(kept);
    return [...kept, ...lanes.filter((l) => !had.has(l))].sort(order);
  });
}

const sameLane = (a: SwimmerLane, b: SwimmerLane) =>
  a === b ||
  (a.patientId === b.patientId &&
    a.subjectCode === b.subjectCode &&
    a.indication === b.indication &&
    a.followUpMonths === b.followUpMonths &&
    a.responseMonths === b.responseMonths &&
    a.progressionMonths === b.progressionMonths &&
    a.deathMonths === b.deathMonths &&
    a.ongoing === b.ongoing);

/** `kept`: measures from earlier summaries of these patient objects (see KeptMeasures). */
export function summariseCohort(
  patients: readonly TreatedPatient[],
  grouping: Grouping = "indication",
  kept: KeptMeasures = keptMeasures(),
): CohortSummary {
  const part = partition(patients, grouping, kept);
  const dates = patients.map((p) => p.infusionDate).sort();
  const summary: CohortSummary = {
    n: patients.length,
    firstInfusion: dates[0] ?? null,
    lastInfusion: dates.at(-1) ?? null,
    followUp: medianFollowUp(part),
    grouping,
    groups: part.groups.map((g) => g.group),
    response: {
      denominator:
        "Infused patients with a lymphoma (lymphoma or lupus with lymphoma); best overall response by Lugano 2014 up to the first progression. Patients without a post-infusion assessment count as not evaluable and as non-responders.",
      rows: rows(part, "response", responseRow, responseReads),
    },
    crs: {
      denominator:
        "Infused patients with at least one stored ASTCT CRS grading; the maximum grade over all of them. Patients never graded are counted apart.",
      rows: rows(
        part,
        "crs",
        toxicityRow((m) => m.toxicity.crs),
        toxicityReads((m) => m.toxicity.crs),
      ),
    },
    icans: {
      denominator:
        "Infused patients with at least one stored ASTCT ICANS grading; the maximum grade over all of them. Patients never graded are counted apart.",
      rows: rows(
        part,
        "icans",
        toxicityRow((m) => m.toxicity.icans),
        toxicityReads((m) => m.toxicity.icans),
      ),
    },
    icaht: {
      denominator:
        "Infused patients with a stored early ICAHT grading (Rejeski 2023); the worst grade. Patients never graded are counted apart.",
      rows: rows(
        part,
        "icaht",
        toxicityRow((m) => m.toxicity.icaht),
        toxicityReads((m) => m.toxicity.icaht),
      ),
    },
    iecHs: {
      denominator:
        "Infused patients with a stored IEC-HS assessment (Hines 2023): grade 0 when the screen was negative, else the clinician-adjudicated grade; assessments without a grade are not counted.",
      rows: rows(
        part,
        "iecHs",
        toxicityRow((m) => m.toxicity.iecHs),
        toxicityReads((m) => m.toxicity.iecHs),
      ),
    },
    supportiveCare: {
      denominator:
        "Infused patients; tocilizumab given, or a systemic glucocorticoid started, from day 0 to day 30.",
      rows: rows(part, "supportiveCare", supportiveCareRow, supportiveCareReads),
    },
    infections: {
      denominator:
        "Infused patients followed into each window after infusion (days 0–28 and 29–90 as Hill 2018, after day 90 as Cordeiro 2020); a patient counts once per window, episodes by the recorded pathogen class. Infections are adverse events in the CTCAE SOC Infections and infestations.",
      rows: rows(part, "infections", infectionRows, infectionReads).flat(),
    },
    remission: {
      denominator: `Infused patients with lupus (alone or with lymphoma) assessed (DORIS or LLDAS) at or after the month, plus those who reached that state before it; a state counts when first reached by that month. SRI-4 (Furie 2009) is a response at a visit: its rate counts the responders among patients with an SRI-4 assessment within ${SRI4_WINDOW_DAYS} days of the month, the one nearest to it.`,
      rows: rows(part, "remission", remissionRows, remissionReads).flat(),
    },
    survival: [
      survivalAnalysis(part, "overall-survival"),
      survivalAnalysis(part, "progression-free-survival"),
      survivalAnalysis(part, "duration-of-response"),
      survivalAnalysis(part, "lupus-relapse-free-survival"),
    ],
    competingRisks: competingRisks(part),
    swimmer: swimmerLanes(part),
    waterfall: {
      measure: "SLEDAI-2K",
      definition:
        "Best change from baseline: the lowest SLEDAI-2K after infusion against the last score on or before day 0, in percent; patients without both scores, or with a baseline of 0, are not shown.",
      bars: waterfallBars(
        part,
        "SLEDAI-2K waterfall",
        sledaiBestChangePercent,
        (p) => ({ baseline: p.lupus!.sledaiBaseline!, best: p.lupus!.sledaiBest! }),
        (a, b) =>
          a.lupus?.sledaiBaseline === b.lupus?.sledaiBaseline && a.lupus?.sledaiBest === b.lupus?.sledaiBest,
      ),
    },
    productCorrelations: {
      method:
        "Spearman's rank correlation (rho) over infused patients with their administered bag on record and both values known; two-sided p by the t approximation with n − 2 degrees of freedom, as R's cor.test(method = \"spearman\", exact = FALSE), unadjusted for the eight comparisons.",
      rows: productCorrelations(part),
    },
    tumourWaterfall: {
      measure: "SPD",
      definition:
        "Best change from baseline: the smallest SPD of the target lesions on a Lugano 2014 CT assessment after infusion against its baseline SPD, in percent (−50% is the partial-response line); lymphoma patients without a CT-based assessment are not shown.",
      bars: waterfallBars(
        part,
        "SPD waterfall",
        spdBestChangePercent,
        (p) => ({ baseline: p.lymphoma!.spdBaselineMm2!, best: p.lymphoma!.spdBestMm2! }),
        (a, b) =>
          a.lymphoma?.spdBaselineMm2 === b.lymphoma?.spdBaselineMm2 &&
          a.lymphoma?.spdBestMm2 === b.lymphoma?.spdBestMm2,
      ),
    },
  };
  forgetRowsNotCounted(part);
  return summary;
}
