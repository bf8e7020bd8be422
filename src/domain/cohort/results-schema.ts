/**
 * The response contract of GET /api/v1/cohorts/outcomes as zod schemas: the server serialises its
 * answer through them (fastify-type-provider-zod's serializer: a field the contract does not name
 * is dropped, a wrong type is a 500 instead of a silent change for clients), and the OpenAPI
 * document describes the response from them. The TypeScript types stay where the rules are
 * (summary.ts, patient-outcome.ts, results.ts); test/unit/cohort/results-schema.test.ts checks at
 * compile time that these schemas and those types are the same shape, so neither can drift.
 */
import { z } from "zod";
import { INFECTION_WINDOWS, PATHOGEN_CLASSES } from "../adverse-events.ts";
import { CohortDefinition } from "./definition.ts";
import { INDICATIONS } from "./indication.ts";
import { GROUPINGS, PRODUCT_ATTRIBUTES, PRODUCT_OUTCOMES } from "./summary.ts";

const num = z.number();
const maybe = num.nullable();
const date = z.string();
const maybeDate = date.nullable();

const Estimate = z.object({ estimate: maybe, lower: maybe, upper: maybe });
const Proportion = Estimate.extend({ count: num, total: num });
const MedianRange = z.object({ n: num, median: maybe, min: maybe, max: maybe });
const SurvivalAtTime = z.object({
  time: num,
  nRisk: num,
  nEvent: num,
  nCensor: num,
  survival: maybe,
  se: maybe,
  lower: maybe,
  upper: maybe,
});
const Group = z.object({ key: z.string(), label: z.string(), n: num });
const CurvePoint = z.object({
  months: num,
  survival: num,
  lower: maybe,
  upper: maybe,
  nRisk: num,
  nEvent: num,
  nCensor: num,
});
const SurvivalGroup = Group.extend({
  events: num,
  curve: z.array(CurvePoint),
  median: Estimate,
  landmarks: z.array(SurvivalAtTime),
  riskTable: z.array(SurvivalAtTime),
});
const LogRank = z.object({
  groups: z.array(z.object({ key: z.string(), n: num, observed: num, expected: num })),
  variance: z.array(z.array(num)),
  chiSquare: maybe,
  df: num,
  pValue: maybe,
});
const SurvivalAnalysis = z.object({
  endpoint: z.enum([
    "overall-survival",
    "progression-free-survival",
    "duration-of-response",
    "lupus-relapse-free-survival",
  ]),
  title: z.string(),
  definition: z.string(),
  timeUnit: z.literal("months"),
  all: SurvivalGroup,
  groups: z.array(SurvivalGroup),
  logRank: LogRank.nullable(),
});
const ResponseRow = Group.extend({
  counts: z.object({ CR: num, PR: num, SD: num, PD: num, notEvaluable: num }),
  overallResponse: Proportion,
  completeResponse: Proportion,
  timeToFirstResponse: MedianRange,
});
const ToxicityRow = Group.extend({
  graded: num,
  notGraded: num,
  byMaxGrade: z.array(num),
  anyGrade: Proportion,
  gradeThreeOrMore: Proportion,
  onsetDay: MedianRange,
  durationDays: MedianRange,
});
const SupportiveCareRow = Group.extend({ tocilizumab: Proportion, systemicSteroids: Proportion });
const InfectionRow = Group.extend({
  window: z.enum(INFECTION_WINDOWS),
  followed: num,
  anyInfection: Proportion,
  severeInfection: Proportion,
  episodes: num,
  episodesByPathogen: z.record(z.enum(PATHOGEN_CLASSES), num),
});
const RemissionRow = Group.extend({
  months: num,
  followed: num,
  doris: Proportion,
  lldas: Proportion,
  drugFree: Proportion,
  sri4: Proportion,
});
const IncidenceCurve = z.object({
  cause: z.string(),
  events: num,
  curve: z.array(z.object({ months: num, estimate: num, lower: maybe, upper: maybe })),
  landmarks: z.array(z.object({ months: num, estimate: maybe, lower: maybe, upper: maybe })),
});
const CompetingRisksGroup = Group.extend({ causes: z.array(IncidenceCurve) });
const Indication = z.enum(INDICATIONS).nullable();
const SwimmerLane = z.object({
  patientId: z.string(),
  subjectCode: z.string(),
  indication: Indication,
  followUpMonths: num,
  responseMonths: maybe,
  progressionMonths: maybe,
  deathMonths: maybe,
  ongoing: z.boolean(),
});
const WaterfallBar = z.object({
  patientId: z.string(),
  subjectCode: z.string(),
  indication: Indication,
  baseline: num,
  best: num,
  changePercent: num,
});
const table = <R extends z.ZodType>(row: R) => z.object({ denominator: z.string(), rows: z.array(row) });

export const CohortSummarySchema = z.object({
  n: num,
  firstInfusion: maybeDate,
  lastInfusion: maybeDate,
  followUp: Estimate,
  grouping: z.enum(GROUPINGS),
  groups: z.array(Group),
  response: table(ResponseRow),
  crs: table(ToxicityRow),
  icans: table(ToxicityRow),
  icaht: table(ToxicityRow),
  iecHs: table(ToxicityRow),
  supportiveCare: table(SupportiveCareRow),
  infections: table(InfectionRow),
  remission: table(RemissionRow),
  survival: z.array(SurvivalAnalysis),
  competingRisks: z.object({
    title: z.string(),
    definition: z.string(),
    all: CompetingRisksGroup,
    groups: z.array(CompetingRisksGroup),
  }),
  swimmer: z.array(SwimmerLane),
  waterfall: z.object({
    measure: z.literal("SLEDAI-2K"),
    definition: z.string(),
    bars: z.array(WaterfallBar),
  }),
  productCorrelations: z.object({
    method: z.string(),
    rows: z.array(
      z.object({
        attribute: z.enum(PRODUCT_ATTRIBUTES),
        outcome: z.enum(PRODUCT_OUTCOMES),
        n: num,
        rho: maybe,
        pValue: maybe,
      }),
    ),
  }),
  tumourWaterfall: z.object({
    measure: z.literal("SPD"),
    definition: z.string(),
    bars: z.array(WaterfallBar),
  }),
});

const ToxicityCourse = z.object({ maxGrade: maybe, onsetDate: maybeDate, lastDate: maybeDate });

export const TreatedPatientSchema = z.object({
  patientId: z.string(),
  subjectCode: z.string(),
  siteCode: z.string(),
  studyId: z.string(),
  studyName: z.string(),
  arm: z.string(),
  doseLevel: z.string().nullable(),
  products: z.array(z.string()),
  targets: z.array(z.string()),
  indication: Indication,
  infusionDate: date,
  lastContactDate: date,
  deathDate: maybeDate,
  offStudyDate: maybeDate,
  offStudyReason: z.enum(["withdrawn", "lost-to-follow-up", "completed"]).nullable(),
  lymphoma: z
    .object({
      best: z.enum(["CR", "PR", "SD", "PD"]).nullable(),
      firstResponseDate: maybeDate,
      firstCompleteResponseDate: maybeDate,
      progressionDate: maybeDate,
      lastAssessmentDate: maybeDate,
      spdBaselineMm2: maybe,
      spdBestMm2: maybe,
    })
    .nullable(),
  lupus: z
    .object({
      dorisDate: maybeDate,
      lldasDate: maybeDate,
      drugFreeDate: maybeDate,
      lastAssessmentDate: maybeDate,
      relapseDate: maybeDate,
      sledaiBaseline: maybe,
      sledaiBest: maybe,
      sri4: z.array(z.object({ date, responder: z.boolean() })),
    })
    .nullable(),
  crs: ToxicityCourse,
  icans: ToxicityCourse,
  icaht: ToxicityCourse,
  iecHs: ToxicityCourse,
  product: z
    .object({
      carPositiveCells: maybe,
      carPositivePercent: maybe,
      vectorCopyNumber: maybe,
      viabilityPercent: maybe,
      outOfSpecification: z.boolean(),
      veinToVeinDays: maybe,
    })
    .nullable(),
  carCmax: maybe,
  tocilizumab: z.boolean(),
  systemicSteroids: z.boolean(),
  infections: z.array(
    z.object({ studyDay: num, grade: num, pathogenClass: z.enum(PATHOGEN_CLASSES).nullable() }),
  ),
});

export const CohortOutcomesSchema = z.object({
  definition: CohortDefinition,
  grouping: z.enum(GROUPINGS),
  query: z.string(),
  description: z.string(),
  dataCut: date,
  generatedAt: z.string(),
  patients: z.array(TreatedPatientSchema),
  summary: CohortSummarySchema,
});

export const SavedCohortSchema = z.object({
  id: z.string(),
  name: z.string(),
  query: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
