/**
 * Response schemas of product release (services/release.ts): the release specification, QC
 * results with the bag's evaluation against it, QA's signed release, the release status and the OOS
 * exception decision with its signatures. Checked against the services' types in
 * test/unit/http-contract.test.ts.
 */
import { z } from "zod";
import { RELEASE_ATTRIBUTES, ReleaseCriterion } from "../../domain/release-specs.ts";
import { RELEASE_STATES } from "../../services/release.ts";
import { ReasonCodeSchema } from "./calculators.ts";
import { ProductUnitSchema, SignatureSchema } from "./vein-to-vein.ts";

const str = z.string();
const maybeStr = str.nullable();
const num = z.number();

const TemperatureRangeSchema = z.object({
  minC: num,
  maxC: num,
  allowedExcursionMinutes: num.optional(),
  maxGapMinutes: num.optional(),
});

export const ReleaseSpecSchema = z
  .object({
    id: str,
    carProductId: str,
    studyId: str,
    revision: num,
    // the criteria as validated when the revision was written (domain/release-specs.ts), each with its source
    criteria: z.array(ReleaseCriterion),
    temperatureRanges: z
      .record(str, TemperatureRangeSchema)
      .describe("where the product must stay, by material: apheresis, finalProduct"),
    note: maybeStr,
    createdAt: str,
    createdBy: str,
  })
  .meta({ id: "ReleaseSpec" });

type State = keyof typeof RELEASE_STATES;
type Label = (typeof RELEASE_STATES)[State];
const ReleaseStateSchema = z
  .enum(Object.keys(RELEASE_STATES) as [State, ...State[]])
  .describe("where the bag stands on its way to release");

export const ReleaseEvaluationSchema = z
  .object({
    outcome: z.enum(["meets-specification", "out-of-specification", "incomplete"]),
    attributes: z.array(
      z.object({
        attribute: z.enum(RELEASE_ATTRIBUTES),
        status: z.enum(["pass", "fail", "missing"]),
        reason: str,
        reasonCode: ReasonCodeSchema.optional().describe(
          "the reason coded (decision 0041); absent on evaluations stored before the codes existed",
        ),
        source: str,
      }),
    ),
    failedAttributes: z.array(z.enum(RELEASE_ATTRIBUTES)),
    missingAttributes: z.array(z.enum(RELEASE_ATTRIBUTES)),
  })
  .meta({ id: "ReleaseEvaluation" });

export const QcResultSchema = z
  .object({
    id: str,
    productId: str,
    attribute: str,
    valueNumber: num.nullable(),
    valueCode: maybeStr,
    unit: maybeStr,
    method: str,
    testedAt: str,
    enteredBy: str,
    enteredAt: str,
  })
  .meta({ id: "QcResult" });

const evaluated = {
  product: ProductUnitSchema,
  specId: str,
  specRevision: num,
  evaluation: ReleaseEvaluationSchema,
  releaseState: ReleaseStateSchema,
};

/** The bag evaluated (and declared OOS when a criterion failed on a QC-pending bag). */
export const ReleaseOutcomeSchema = z
  .object({
    ...evaluated,
    applied: z
      .enum(["declare-oos"])
      .nullable()
      .describe("declare-oos when a criterion failed on a QC-pending bag; results never release a bag"),
  })
  .meta({ id: "ReleaseOutcome" });

export const QcResultsEnteredSchema = ReleaseOutcomeSchema.extend({ entered: z.array(QcResultSchema) }).meta({
  id: "QcResultsEntered",
});

export const ReleaseDecisionSchema = z
  .object({ ...evaluated, decisionId: str, signatures: z.array(SignatureSchema) })
  .meta({ id: "ReleaseDecision" });

const RecordedDecisionSchema = z.object({
  id: str,
  outcome: z.enum(["released", "out-of-specification"]),
  specId: str,
  decidedBy: str,
  decidedAt: str,
  signatures: z.array(SignatureSchema),
});

export const ReleaseStatusSchema = z
  .object({
    productId: str,
    state: str,
    releaseState: ReleaseStateSchema,
    releaseStateLabel: z.enum(Object.values(RELEASE_STATES) as [Label, ...Label[]]),
    results: z.array(QcResultSchema),
    current: z
      .object({ specId: str, specRevision: num, evaluation: ReleaseEvaluationSchema })
      .nullable()
      .describe("the evaluation against the one applicable specification now; null without one"),
    decisions: z.array(RecordedDecisionSchema),
    release: RecordedDecisionSchema.nullable().describe("QA's signed release, once made"),
  })
  .meta({ id: "ReleaseStatus" });

export const OosExceptionSchema = z
  .object({
    productId: str,
    rationale: maybeStr,
    signatures: z.array(z.object({ userId: str, role: z.enum(["investigator", "qa"]), signedAt: str })),
    electronicSignatures: z.array(SignatureSchema),
    complete: z.boolean().describe("rationale, investigator and QA signatures by two different people"),
  })
  .meta({ id: "OosException" });
