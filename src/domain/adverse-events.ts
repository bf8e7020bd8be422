/**
 * Adverse events as a trial records them: a CTCAE v5.0 term in its MedDRA system organ class, a
 * grade, the investigator's attribution to the CAR-T product, seriousness by the ICH E2A criteria,
 * onset and resolution dates and the outcome; for infections, the kind of pathogen. The rules
 * that tie these together (a fatal outcome is grade 5 and back, a serious event names why, a term
 * takes only the grades CTCAE defines for it) live here once, for the API, the CLI, the demo and
 * the exports.
 *
 * Sources:
 * - NCI CTCAE v5.0 (27 Nov 2017): terms grouped by MedDRA primary SOC; grade 1 mild, 2 moderate,
 *   3 severe, 4 life-threatening, 5 death related to the AE; "not all grades are appropriate for
 *   all AEs" (Introduction), e.g. Febrile neutropenia 3–5 and Sepsis 4–5 (Blood and lymphatic
 *   system disorders; Infections and infestations).
 * - CRS and ICANS after CAR-T are graded by ASTCT consensus (Lee et al., BBMT 2019), not by
 *   CTCAE; ICANS is not a CTCAE v5.0 term. Their AE rows carry the ASTCT grade (reference notes
 *   clinical-rules.md §1–2).
 * - Attribution: the NCI CTEP five-level scale (unrelated, unlikely, possible, probable,
 *   definite); "related" for expedited reporting means possible, probable or definite.
 * - Seriousness: ICH E2A (1994) §II.B — results in death, is life-threatening, requires or
 *   prolongs hospitalisation, results in persistent or significant disability, is a congenital
 *   anomaly, or is an important medical event.
 * - Outcome: CDISC SDTM controlled terminology codelist OUT (AEOUT).
 * - Infections after CAR-T by pathogen class and by window from infusion: Hill et al., Blood 2018
 *   (days 0–28 and 29–90); Cordeiro et al., BBMT 2020 (late infections after day 90).
 */
import { z } from "zod";
import { CalendarDate, NonEmptyText, Reason, Uuid, Version } from "./schemas/common.ts";

/** MedDRA system organ classes as CTCAE v5.0 groups its terms (MedDRA 20.1). */
export const SYSTEM_ORGAN_CLASSES = [
  "Blood and lymphatic system disorders",
  "Cardiac disorders",
  "Congenital, familial and genetic disorders",
  "Ear and labyrinth disorders",
  "Endocrine disorders",
  "Eye disorders",
  "Gastrointestinal disorders",
  "General disorders and administration site conditions",
  "Hepatobiliary disorders",
  "Immune system disorders",
  "Infections and infestations",
  "Injury, poisoning and procedural complications",
  "Investigations",
  "Metabolism and nutrition disorders",
  "Musculoskeletal and connective tissue disorders",
  "Neoplasms benign, malignant and unspecified (incl cysts and polyps)",
  "Nervous system disorders",
  "Pregnancy, puerperium and perinatal conditions",
  "Psychiatric disorders",
  "Renal and urinary disorders",
  "Reproductive system and breast disorders",
  "Respiratory, thoracic and mediastinal disorders",
  "Skin and subcutaneous tissue disorders",
  "Social circumstances",
  "Surgical and medical procedures",
  "Vascular disorders",
] as const;
export type SystemOrganClass = (typeof SYSTEM_ORGAN_CLASSES)[number];

export const INFECTIONS_SOC: SystemOrganClass = "Infections and infestations";

export type AeGrade = 1 | 2 | 3 | 4 | 5;
const ALL_GRADES: readonly AeGrade[] = [1, 2, 3, 4, 5];

/** How a term is graded: CTCAE v5.0, or ASTCT consensus for the two immune effector cell syndromes. */
export type GradingScale = "CTCAE v5.0" | "ASTCT 2019";

export interface AeTerm {
  term: string;
  soc: SystemOrganClass;
  /** the grades the scale defines for this term */
  grades: readonly AeGrade[];
  scale: GradingScale;
}

/**
 * The terms a CAR-T program reports most, offered first in forms. Grade ranges are CTCAE v5.0's
 * for each term; where we restrict the range it is because CTCAE defines no lower grade (a
 * febrile neutropenia is grade 3 at least). Any other CTCAE term may be recorded verbatim with its
 * SOC; its grade is then checked only against 1–5.
 */
export const CAR_T_AE_TERMS: readonly AeTerm[] = [
  {
    term: "Cytokine release syndrome",
    soc: "Immune system disorders",
    grades: ALL_GRADES,
    scale: "ASTCT 2019",
  },
  {
    term: "Immune effector cell-associated neurotoxicity syndrome",
    soc: "Nervous system disorders",
    grades: ALL_GRADES,
    scale: "ASTCT 2019",
  },
  {
    term: "Febrile neutropenia",
    soc: "Blood and lymphatic system disorders",
    grades: [3, 4, 5],
    scale: "CTCAE v5.0",
  },
  { term: "Anemia", soc: "Blood and lymphatic system disorders", grades: ALL_GRADES, scale: "CTCAE v5.0" },
  // Count decreases are Investigations with no grade 5 (CTCAE v5.0; hematology/ctcae.ts).
  { term: "Neutrophil count decreased", soc: "Investigations", grades: [1, 2, 3, 4], scale: "CTCAE v5.0" },
  { term: "Platelet count decreased", soc: "Investigations", grades: [1, 2, 3, 4], scale: "CTCAE v5.0" },
  { term: "Lymphocyte count decreased", soc: "Investigations", grades: [1, 2, 3, 4], scale: "CTCAE v5.0" },
  { term: "White blood cell decreased", soc: "Investigations", grades: [1, 2, 3, 4], scale: "CTCAE v5.0" },
  { term: "Sepsis", soc: INFECTIONS_SOC, grades: [4, 5], scale: "CTCAE v5.0" },
  { term: "Lung infection", soc: INFECTIONS_SOC, grades: [2, 3, 4, 5], scale: "CTCAE v5.0" },
  { term: "Urinary tract infection", soc: INFECTIONS_SOC, grades: [2, 3, 4, 5], scale: "CTCAE v5.0" },
  { term: "Upper respiratory infection", soc: INFECTIONS_SOC, grades: ALL_GRADES, scale: "CTCAE v5.0" },
  {
    term: "Cytomegalovirus infection reactivation",
    soc: INFECTIONS_SOC,
    grades: ALL_GRADES,
    scale: "CTCAE v5.0",
  },
  {
    term: "Infections and infestations - Other, specify",
    soc: INFECTIONS_SOC,
    grades: ALL_GRADES,
    scale: "CTCAE v5.0",
  },
  { term: "Hypotension", soc: "Vascular disorders", grades: ALL_GRADES, scale: "CTCAE v5.0" },
  {
    term: "Tumor lysis syndrome",
    soc: "Metabolism and nutrition disorders",
    grades: [3, 4, 5],
    scale: "CTCAE v5.0",
  },
];

const TERMS_BY_NAME = new Map(CAR_T_AE_TERMS.map((t) => [t.term.toLowerCase(), t]));

export function aeTerm(term: string): AeTerm | undefined {
  return TERMS_BY_NAME.get(term.trim().toLowerCase());
}

/** NCI CTEP attribution of an AE to the investigational product. */
export const ATTRIBUTIONS = ["unrelated", "unlikely", "possible", "probable", "definite"] as const;
export type Attribution = (typeof ATTRIBUTIONS)[number];

/** "Related" for reporting: possible, probable or definite (NCI CTEP). */
export const isRelated = (a: Attribution): boolean =>
  a === "possible" || a === "probable" || a === "definite";

/** ICH E2A seriousness criteria. */
export const SERIOUSNESS_CRITERIA = [
  "death",
  "life-threatening",
  "hospitalisation",
  "disability",
  "congenital-anomaly",
  "important-medical-event",
] as const;
export type SeriousnessCriterion = (typeof SERIOUSNESS_CRITERIA)[number];

/** CDISC CT codelist OUT (AEOUT), submission values. */
export const AE_OUTCOMES = [
  "RECOVERED/RESOLVED",
  "RECOVERING/RESOLVING",
  "NOT RECOVERED/NOT RESOLVED",
  "RECOVERED/RESOLVED WITH SEQUELAE",
  "FATAL",
  "UNKNOWN",
] as const;
export type AeOutcome = (typeof AE_OUTCOMES)[number];

/** Pathogen class of an infection, as CAR-T infection series tabulate them (Hill 2018). */
export const PATHOGEN_CLASSES = ["bacterial", "viral", "fungal", "parasitic", "unidentified"] as const;
export type PathogenClass = (typeof PATHOGEN_CLASSES)[number];

export interface AdverseEventFacts {
  term: string;
  soc: SystemOrganClass;
  grade: AeGrade;
  attribution: Attribution;
  serious: boolean;
  seriousCriteria: readonly SeriousnessCriterion[];
  onsetDate: string;
  resolvedDate?: string | null;
  outcome: AeOutcome;
  pathogenClass?: PathogenClass | null;
}

export interface AeProblem {
  path: string;
  /** stable code, so a screen can say it in the reader's language (the message is English) */
  code: AeProblemCode;
  message: string;
}

export type AeProblemCode =
  | "ae_soc_mismatch"
  | "ae_grade_not_defined"
  | "ae_grade5_not_fatal"
  | "ae_fatal_not_grade5"
  | "ae_death_not_fatal"
  | "ae_serious_without_criterion"
  | "ae_criteria_not_serious"
  | "ae_fatal_not_serious"
  | "ae_resolved_before_onset"
  | "ae_resolved_without_date"
  | "ae_date_not_resolved"
  | "ae_pathogen_not_infection"
  | "ae_organism_not_infection";

/** Every way the facts of one AE contradict each other or CTCAE; empty when consistent. */
export function adverseEventProblems(ae: AdverseEventFacts): AeProblem[] {
  const problems: AeProblem[] = [];
  const known = aeTerm(ae.term);
  if (known && known.soc !== ae.soc)
    problems.push({
      path: "soc",
      code: "ae_soc_mismatch",
      message: `${known.term} is in the SOC "${known.soc}" (CTCAE v5.0)`,
    });
  if (known && !known.grades.includes(ae.grade))
    problems.push({
      path: "grade",
      code: "ae_grade_not_defined",
      message: `${known.term} has grades ${known.grades.join(", ")} only (${known.scale})`,
    });
  // CTCAE v5.0: grade 5 is death related to the AE; the outcome says the same thing.
  if (ae.grade === 5 && ae.outcome !== "FATAL")
    problems.push({
      path: "outcome",
      code: "ae_grade5_not_fatal",
      message: "A grade 5 adverse event has the outcome FATAL",
    });
  if (ae.outcome === "FATAL" && ae.grade !== 5)
    problems.push({
      path: "grade",
      code: "ae_fatal_not_grade5",
      message: "A fatal adverse event is grade 5",
    });
  if (ae.seriousCriteria.includes("death") && ae.outcome !== "FATAL")
    problems.push({
      path: "seriousCriteria",
      code: "ae_death_not_fatal",
      message: "The criterion death needs the outcome FATAL",
    });
  if (ae.serious && ae.seriousCriteria.length === 0)
    problems.push({
      path: "seriousCriteria",
      code: "ae_serious_without_criterion",
      message: "A serious adverse event names at least one ICH E2A criterion",
    });
  if (!ae.serious && ae.seriousCriteria.length > 0)
    problems.push({
      path: "serious",
      code: "ae_criteria_not_serious",
      message: "Seriousness criteria are given, so the event is serious",
    });
  // ICH E2A: a fatal event is serious by definition.
  if (ae.outcome === "FATAL" && !ae.serious)
    problems.push({
      path: "serious",
      code: "ae_fatal_not_serious",
      message: "A fatal adverse event is serious (ICH E2A)",
    });
  if (ae.resolvedDate && ae.resolvedDate < ae.onsetDate)
    problems.push({
      path: "resolvedDate",
      code: "ae_resolved_before_onset",
      message: "The resolution date is before the onset date",
    });
  const resolved = ae.outcome === "RECOVERED/RESOLVED" || ae.outcome === "RECOVERED/RESOLVED WITH SEQUELAE";
  if (resolved && !ae.resolvedDate)
    problems.push({
      path: "resolvedDate",
      code: "ae_resolved_without_date",
      message: "A resolved adverse event has its resolution date",
    });
  if (!resolved && ae.outcome !== "FATAL" && ae.resolvedDate)
    problems.push({
      path: "outcome",
      code: "ae_date_not_resolved",
      message: "A resolution date is given, so the outcome is resolved",
    });
  if (ae.pathogenClass && ae.soc !== INFECTIONS_SOC)
    problems.push({
      path: "pathogenClass",
      code: "ae_pathogen_not_infection",
      message: "A pathogen is recorded for infections only",
    });
  return problems;
}

export const isInfection = (ae: Pick<AdverseEventFacts, "soc">): boolean => ae.soc === INFECTIONS_SOC;

/**
 * The windows CAR-T infection reports count in, by study day of onset (day 0 = infusion):
 * days 0–28 and 29–90 (Hill 2018), after day 90 (Cordeiro 2020). Before infusion is its own
 * window (infections during bridging or lymphodepletion).
 */
export type InfectionWindow = "before infusion" | "days 0–28" | "days 29–90" | "after day 90";
export const INFECTION_WINDOWS: readonly InfectionWindow[] = [
  "before infusion",
  "days 0–28",
  "days 29–90",
  "after day 90",
];

/** The windows after infusion with the study day each begins on; each ends where the next begins. */
export const POST_INFUSION_WINDOWS: readonly { window: InfectionWindow; firstDay: number }[] = [
  { window: "days 0–28", firstDay: 0 },
  { window: "days 29–90", firstDay: 29 },
  { window: "after day 90", firstDay: 91 },
];

export function infectionWindow(studyDay: number): InfectionWindow {
  let found: InfectionWindow = "before infusion";
  for (const w of POST_INFUSION_WINDOWS) if (studyDay >= w.firstDay) found = w.window;
  return found;
}

const factsShape = {
  term: NonEmptyText(200),
  soc: z.enum(SYSTEM_ORGAN_CLASSES),
  grade: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  attribution: z.enum(ATTRIBUTIONS),
  serious: z.boolean(),
  seriousCriteria: z.array(z.enum(SERIOUSNESS_CRITERIA)).max(6).default([]),
  onsetDate: CalendarDate,
  resolvedDate: CalendarDate.nullish(),
  outcome: z.enum(AE_OUTCOMES),
  pathogenClass: z.enum(PATHOGEN_CLASSES).nullish(),
  organism: z.string().trim().min(1).max(200).nullish(),
  note: z.string().max(4000).nullish(),
};

const refineFacts = (ae: AdverseEventFacts & { organism?: string | null }, ctx: z.RefinementCtx) => {
  for (const p of adverseEventProblems(ae))
    ctx.addIssue({ code: "custom", path: [p.path], message: p.message, params: { code: p.code } });
  if (ae.organism && ae.soc !== INFECTIONS_SOC)
    ctx.addIssue({
      code: "custom",
      path: ["organism"],
      message: "An organism is recorded for infections only",
      params: { code: "ae_organism_not_infection" satisfies AeProblemCode },
    });
};

export const AdverseEventCreate = z.object({ patientId: Uuid, ...factsShape }).superRefine(refineFacts);
export type AdverseEventCreate = z.infer<typeof AdverseEventCreate>;

/** A correction names every fact again (the event as it now stands) and why it changed. */
export const AdverseEventUpdate = z
  .object({ ...factsShape, version: Version.optional(), reason: Reason })
  .superRefine(refineFacts);
export type AdverseEventUpdate = z.infer<typeof AdverseEventUpdate>;
