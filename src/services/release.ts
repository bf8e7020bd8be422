/**
 * Release of a final product from its QC results (shared/domain/workflow-standards.md §3, §1.4,
 * §1.5; issue 4):
 *
 * - a release specification per CAR product (study:write at the study's lead site), kept as
 *   revisions; the newest applies;
 * - QC results per bag (product:release, quality only); after each entry the bag is evaluated and,
 *   when it is QC-pending and a criterion failed, declared out of specification through the product
 *   machine in the same transaction, with the evaluation kept. Results that meet the specification
 *   release nothing: the bag is "QC complete, awaiting QA release";
 * - QA release (issue 10): a separate decision by quality at the bag's site, signed with the
 *   signer's username and password (meaning "released", 21 CFR Part 11; services/signatures.ts),
 *   refused while any result is missing or failing. The signed record is the release evaluation
 *   (release_evaluations, outcome released) with the QC results it covered;
 * - the exception decision for an OOS bag: a rationale, an investigator's electronic signature (the
 *   investigator role at the site) and a QA signature (quality), by two different people, each
 *   meaning "approved deviation". Shipping an OOS bag takes this recorded decision
 *   (services/products.ts).
 * - the bedside dose check (src/domain/dose-check.ts) reads the bag's CAR+ viable cells and the
 *   patient's weight from here.
 */
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { checkInfusedDose, type DoseCheck, type DoseLevelTarget, weightInKg } from "../domain/dose-check.ts";
import { DomainError, forbidden, notFound } from "../domain/errors.ts";
import {
  ATTRIBUTE_UNITS,
  type DoseTarget,
  evaluateRelease,
  QC_ATTRIBUTES,
  QUALITATIVE_ATTRIBUTES,
  QUALITATIVE_RESULTS,
  type ReleaseEvaluation,
  ReleaseSpec,
} from "../domain/release-specs.ts";
import { may } from "../domain/roles.ts";
import { Instant, NonEmptyText, Uuid } from "../domain/schemas/common.ts";
import { OosSignatureInput, SignatureInput, signingRole } from "../domain/signatures.ts";
import { checkOosException } from "../domain/vein-to-vein.ts";
import { findProductUnit } from "../store/products.ts";
import {
  enrolmentOfJourney,
  findOosException,
  insertOosException,
  insertQcResults,
  insertReleaseEvaluation,
  insertReleaseSpec,
  latestBodyWeight,
  latestQcResult,
  latestSpecRevision,
  latestSpecsOfStudy,
  listQcResults,
  listReleaseEvaluations,
  recordedOosException,
} from "../store/release.ts";
import type { DB, Selectable, StudyArm } from "../store/schema.ts";
import type { QcResultsTable, ReleaseSpecsTable } from "../store/schema-release.ts";
import { signaturesOfRecords } from "../store/signatures.ts";
import { findCarProduct } from "../store/studies.ts";
import { isMemberOf, requireAt, rolesAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { applyProductInTx, type ProductDto, type ProductRow, productDto } from "./products.ts";
import { authenticateSigners, recordSignatures, type SignatureDto, signatureDto } from "./signatures.ts";
import { loadStudyFor } from "./studies.ts";
import { parseInput } from "./validate.ts";

// ───────────────────────────────────────────── specification ──

const Celsius = z.number().finite().min(-273.15).max(100);
export const TemperatureRangeInput = z
  .strictObject({
    minC: Celsius,
    maxC: Celsius,
    allowedExcursionMinutes: z.number().finite().min(0).max(10_080).optional(),
    maxGapMinutes: z.number().finite().positive().max(10_080).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.minC > r.maxC) ctx.addIssue({ code: "custom", path: ["maxC"], message: "maxC is below minC" });
  });

export const ReleaseSpecInput = z
  .strictObject({
    carProductId: Uuid,
    criteria: ReleaseSpec.shape.criteria,
    /** where the product must stay: fresh apheresis material and the cryopreserved final product */
    temperatureRanges: z
      .strictObject({
        apheresis: TemperatureRangeInput.optional(),
        finalProduct: TemperatureRangeInput.optional(),
      })
      .default({}),
    note: z.string().trim().max(2000).optional(),
  })
  .superRefine((s, ctx) => {
    const check = ReleaseSpec.safeParse({ criteria: s.criteria });
    if (!check.success)
      for (const i of check.error.issues)
        if (i.code === "custom") ctx.addIssue({ code: "custom", path: i.path, message: i.message });
  });

type SpecRow = Selectable<ReleaseSpecsTable>;

export const releaseSpecDto = (r: SpecRow) => ({
  id: r.id,
  carProductId: r.car_product_id,
  studyId: r.study_id,
  revision: r.revision,
  criteria: r.criteria as ReleaseSpec["criteria"],
  temperatureRanges: r.temperature_ranges as Record<string, z.infer<typeof TemperatureRangeInput>>,
  note: r.note,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
});
export type ReleaseSpecDto = ReturnType<typeof releaseSpecDto>;

async function loadCarProduct(db: Kysely<DB>, id: string) {
  const row = await findCarProduct(db, id);
  if (!row) throw notFound("CAR product", id);
  return row;
}

/** A new revision of a CAR product's release specification (study:write at the lead site). */
export async function setReleaseSpec(ctx: ServiceContext, raw: unknown): Promise<ReleaseSpecDto> {
  const input = parseInput(ReleaseSpecInput, raw);
  const car = await loadCarProduct(ctx.db, input.carProductId);
  const { study } = await loadStudyFor(ctx, car.study_id, "study:write");
  return inTransaction(ctx, async (db) => {
    const previous = await latestSpecRevision(db, car.id);
    const row = await insertReleaseSpec(db, {
      id: uuidv7(),
      car_product_id: car.id,
      study_id: car.study_id,
      revision: (previous?.revision ?? 0) + 1,
      criteria: JSON.stringify(input.criteria),
      temperature_ranges: JSON.stringify(input.temperatureRanges),
      note: input.note ?? null,
      created_at: ctx.now(),
      created_by: ctx.actor.userId,
    });
    const dto = releaseSpecDto(row);
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "release-spec",
      entityId: row.id,
      siteId: study.lead_site_id,
      after: dto,
    });
    return dto;
  });
}

export async function getReleaseSpec(ctx: ServiceContext, carProductId: string): Promise<ReleaseSpecDto> {
  const car = await loadCarProduct(ctx.db, carProductId);
  await loadStudyFor(ctx, car.study_id, "study:read");
  const row = await latestSpecRevision(ctx.db, car.id);
  if (!row) throw notFound("release specification of CAR product", carProductId);
  return releaseSpecDto(row);
}

/**
 * The specification that applies to a product unit: the newest revision of its study's CAR
 * product, or undefined when the study has none or several (a bag does not yet say which CAR
 * product it is).
 */
export async function findSpecForProduct(
  db: Kysely<DB>,
  product: ProductRow,
): Promise<{ spec: SpecRow | undefined; specified: number }> {
  const enrolment = await enrolmentOfJourney(db, product.journey_id);
  const specs = enrolment ? await latestSpecsOfStudy(db, enrolment.study_id) : [];
  return { spec: specs.length === 1 ? specs[0] : undefined, specified: specs.length };
}

/** As findSpecForProduct, refusing with the rule when no single specification applies. */
export async function specForProduct(db: Kysely<DB>, product: ProductRow): Promise<SpecRow> {
  const { spec, specified } = await findSpecForProduct(db, product);
  if (spec) return spec;
  throw new DomainError(
    "rule-violation",
    specified === 0
      ? "The study's CAR product has no release specification; set one before QC results are evaluated."
      : "The study has several CAR products with release specifications; this bag's cannot be chosen.",
    [],
    { rule: specified === 0 ? "V2V-RELEASE-NEEDS-SPEC" : "V2V-RELEASE-SPEC-AMBIGUOUS" },
  );
}

// ───────────────────────────────────────────── dose ──

/** The enrolment's dose level, or null when the enrolment names none. */
export async function doseLevelOf(db: Kysely<DB>, journeyId: string): Promise<DoseLevelTarget | null> {
  const e = await enrolmentOfJourney(db, journeyId);
  if (!e?.dose_level_code) return null;
  const arm = (e.arms as StudyArm[]).find((a) => a.code === e.arm_code);
  const level = arm?.doseLevels.find((d) => d.code === e.dose_level_code);
  if (!level || (level.unit !== "car-cells-per-kg" && level.unit !== "car-cells")) return null;
  return { code: level.code, dose: level.dose, unit: level.unit };
}

async function weightKgBefore(db: Kysely<DB>, patientId: string, at: Date): Promise<number | null> {
  const w = await latestBodyWeight(db, patientId, at);
  return w ? weightInKg(w.value_number, w.unit) : null;
}

async function doseTargetFor(db: Kysely<DB>, product: ProductRow, at: Date): Promise<DoseTarget> {
  const level = await doseLevelOf(db, product.journey_id);
  if (!level) return { basis: "unknown", why: "no-dose-level" };
  if (level.unit === "car-cells") return { basis: "flat", cells: level.dose };
  const weightKg = await weightKgBefore(db, product.patient_id, at);
  if (weightKg === null) return { basis: "unknown", why: "no-weight" };
  return { basis: "per-kg", dosePerKg: level.dose, weightKg };
}

/**
 * The dose this bag gives at the bedside against the enrolment's dose level (null when the
 * enrolment has no dose level: nothing to compare). The weight is the latest before `at`.
 */
export async function bedsideDoseCheck(
  db: Kysely<DB>,
  product: ProductRow,
  at: Date,
): Promise<DoseCheck | null> {
  const doseLevel = await doseLevelOf(db, product.journey_id);
  if (!doseLevel) return null;
  const cells = await latestQcResult(db, product.id, "car-positive-viable-cells");
  return checkInfusedDose({
    doseLevel,
    bagCarPositiveViableCells: cells?.unit === "cells" ? cells.value_number : null,
    weightKg: await weightKgBefore(db, product.patient_id, at),
  });
}

// ───────────────────────────────────────────── QC results and evaluation ──

const QcResultInput = z
  .strictObject({
    attribute: z.enum(QC_ATTRIBUTES),
    valueNumber: z.number().finite().min(0).optional(),
    valueCode: z.enum(QUALITATIVE_RESULTS).optional(),
    unit: z.string().min(1).max(40).optional(),
    method: NonEmptyText(200),
    testedAt: Instant,
  })
  .superRefine((r, ctx) => {
    const qualitative = (QUALITATIVE_ATTRIBUTES as readonly string[]).includes(r.attribute);
    if (qualitative) {
      if (r.valueCode === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["valueCode"],
          message: `${r.attribute} is negative or positive`,
        });
      if (r.valueNumber !== undefined)
        ctx.addIssue({ code: "custom", path: ["valueNumber"], message: `${r.attribute} has no number` });
      return;
    }
    const units = ATTRIBUTE_UNITS[r.attribute as keyof typeof ATTRIBUTE_UNITS];
    if (r.valueNumber === undefined)
      ctx.addIssue({ code: "custom", path: ["valueNumber"], message: `${r.attribute} needs a number` });
    if (r.valueCode !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["valueCode"],
        message: `${r.attribute} is a number, not a code`,
      });
    if (r.unit === undefined || !units.includes(r.unit))
      ctx.addIssue({
        code: "custom",
        path: ["unit"],
        message: `${r.attribute} is given in ${units.join(" or ")}`,
      });
    if ((r.attribute === "viability" || r.attribute === "car-positive") && (r.valueNumber ?? 0) > 100)
      ctx.addIssue({ code: "custom", path: ["valueNumber"], message: "a percentage is at most 100" });
  });

export const QcResultsInput = z.strictObject({ results: z.array(QcResultInput).min(1).max(100) });

const qcDto = (r: Selectable<QcResultsTable>) => ({
  id: r.id,
  productId: r.product_id,
  attribute: r.attribute,
  valueNumber: r.value_number,
  valueCode: r.value_code,
  unit: r.unit,
  method: r.method,
  testedAt: r.tested_at.toISOString(),
  enteredBy: r.entered_by,
  enteredAt: r.entered_at.toISOString(),
});

export interface ReleaseOutcome extends Record<string, unknown> {
  product: ProductDto;
  specId: string;
  specRevision: number;
  evaluation: ReleaseEvaluation;
  /** declare-oos when a criterion failed on a QC-pending bag; results never release a bag */
  applied: "declare-oos" | null;
  releaseState: ReleaseState;
}

/** Where a bag stands on its way to release, for people and clients alike. */
export const RELEASE_STATES = {
  "not-a-final-product": "Release applies to final-product bags",
  "in-manufacture": "In manufacture",
  "awaiting-qc-results": "Awaiting QC results",
  "awaiting-qa-release": "QC complete, awaiting QA release",
  released: "Released by QA (signed)",
  "out-of-specification": "Out of specification",
  failed: "Manufacturing failed",
  other: "Not in release",
} as const;
export type ReleaseState = keyof typeof RELEASE_STATES;

function releaseStateOf(
  product: ProductRow,
  evaluation: ReleaseEvaluation | null,
  releasedBySignature: boolean,
): ReleaseState {
  if (product.kind !== "final-product") return "not-a-final-product";
  if (releasedBySignature) return "released";
  switch (product.state) {
    case "in-manufacture":
      return "in-manufacture";
    case "qc-pending":
      return evaluation?.outcome === "meets-specification"
        ? "awaiting-qa-release"
        : evaluation?.outcome === "out-of-specification"
          ? "out-of-specification"
          : "awaiting-qc-results";
    case "out-of-specification":
      return "out-of-specification";
    case "failed":
      return "failed";
    default:
      return "other";
  }
}

/** QA acts on the bag's site with product:release; another site's bag does not exist for you. */
function requireRelease(ctx: ServiceContext, siteId: string, id: string) {
  requireAt(ctx.actor, siteId, "product:release", "product", id);
}

async function loadBag(db: Kysely<DB>, id: string): Promise<ProductRow> {
  const row = await findProductUnit(db, id);
  if (!row) throw notFound("product", id);
  return row;
}

async function evaluateBag(db: Kysely<DB>, product: ProductRow, at: Date) {
  const spec = await specForProduct(db, product);
  const results = await listQcResults(db, product.id);
  const evaluation = evaluateRelease(
    { criteria: spec.criteria as ReleaseSpec["criteria"] },
    results.map((r) => ({
      attribute: r.attribute,
      valueNumber: r.value_number,
      valueCode: r.value_code,
      unit: r.unit,
    })),
    await doseTargetFor(db, product, at),
  );
  return { spec, evaluation };
}

/**
 * Evaluates and, for a QC-pending bag with a failed criterion, declares it out of specification;
 * inside the caller's transaction. A bag that meets the specification stays QC-pending until QA
 * signs its release (releaseProduct).
 */
async function evaluateAndApply(
  db: Kysely<DB>,
  ctx: ServiceContext,
  product: ProductRow,
): Promise<ReleaseOutcome> {
  const now = ctx.now();
  const { spec, evaluation } = await evaluateBag(db, product, now);
  let applied: ReleaseOutcome["applied"] = null;
  let row = product;
  if (product.state === "qc-pending" && evaluation.outcome === "out-of-specification") {
    applied = "declare-oos";
    row = await applyProductInTx(
      db,
      ctx,
      product,
      {
        type: "declare-oos",
        failedAttributes: evaluation.failedAttributes,
        reason: `out of specification: ${evaluation.failedAttributes.join(", ")}`,
      },
      product.version,
    );
    await recordReleaseDecision(db, ctx, product, {
      spec,
      evaluation,
      outcome: "out-of-specification",
      at: now,
    });
  }
  return {
    product: productDto(row),
    specId: spec.id,
    specRevision: spec.revision,
    evaluation,
    applied,
    releaseState: releaseStateOf(row, evaluation, false),
  };
}

const QC_STATES = ["in-manufacture", "qc-pending"];

/**
 * Enters QC results for a final-product bag and evaluates it at once: a QC-pending bag is declared
 * OOS as soon as one criterion fails; when every criterion passes it awaits QA's signed release.
 */
export async function enterQcResults(
  ctx: ServiceContext,
  productId: string,
  raw: unknown,
): Promise<ReleaseOutcome & { entered: ReturnType<typeof qcDto>[] }> {
  const input = parseInput(QcResultsInput, raw);
  return inTransaction(ctx, async (db) => {
    const product = await loadBag(db, productId);
    requireRelease(ctx, product.site_id, productId);
    if (product.kind !== "final-product" || !QC_STATES.includes(product.state))
      throw new DomainError(
        "rule-violation",
        `QC results are entered for a final product in manufacture or QC; this is a ${product.kind} in ${product.state}.`,
        [],
        { rule: "V2V-QC-NEEDS-FINAL-PRODUCT-IN-QC", from: product.state },
      );
    // Refuse before writing when no spec applies, so the results are not left unevaluated.
    await specForProduct(db, product);
    const now = ctx.now();
    const rows = await insertQcResults(
      db,
      input.results.map((r) => ({
        id: uuidv7(),
        product_id: product.id,
        site_id: product.site_id,
        attribute: r.attribute,
        value_number: r.valueNumber ?? null,
        value_code: r.valueCode ?? null,
        unit: r.unit ?? null,
        method: r.method,
        tested_at: r.testedAt,
        entered_by: ctx.actor.userId,
        entered_at: now,
      })),
    );
    const entered = rows.map(qcDto);
    await appendAudit(
      db,
      ctx,
      entered.map((r) => ({
        action: "create" as const,
        entityType: "qc-result",
        entityId: r.id,
        siteId: product.site_id,
        after: r,
      })),
    );
    return { ...(await evaluateAndApply(db, ctx, product)), entered };
  });
}

/**
 * Re-evaluates a bag (e.g. after it reached QC-pending with its results already in) and declares
 * it out of specification when a criterion failed; a bag that meets the specification still awaits
 * QA's signed release.
 */
export async function evaluateProductRelease(
  ctx: ServiceContext,
  productId: string,
): Promise<ReleaseOutcome> {
  return inTransaction(ctx, async (db) => {
    const product = await loadBag(db, productId);
    requireRelease(ctx, product.site_id, productId);
    return evaluateAndApply(db, ctx, product);
  });
}

// ───────────────────────────────────────────── QA release (signed) ──

export const ReleaseInput = z.strictObject({
  /** the signed-in quality user's signature, username and password, meaning "released" */
  signatures: z.array(SignatureInput).length(1),
});

/**
 * The release evaluation that moved a bag (declared OOS by its results, or released by QA), kept
 * with the specification revision it was judged against and audited in the caller's transaction.
 */
async function recordReleaseDecision(
  db: Kysely<DB>,
  ctx: ServiceContext,
  product: ProductRow,
  d: {
    spec: { id: string; revision: number };
    evaluation: ReleaseEvaluation;
    outcome: "released" | "out-of-specification";
    at: Date;
    /** extra fields of the audit record */
    audited?: Record<string, unknown>;
  },
) {
  const decision = await insertReleaseEvaluation(db, {
    id: uuidv7(),
    product_id: product.id,
    site_id: product.site_id,
    spec_id: d.spec.id,
    outcome: d.outcome,
    evaluation: JSON.stringify(d.evaluation),
    decided_by: ctx.actor.userId,
    decided_at: d.at,
  });
  await appendAudit(db, ctx, {
    action: "create",
    entityType: "release-evaluation",
    entityId: decision.id,
    siteId: product.site_id,
    after: {
      productId: product.id,
      specId: d.spec.id,
      specRevision: d.spec.revision,
      ...d.audited,
      ...d.evaluation,
    },
  });
  return decision;
}

/** Refuses unless the bag is QC-pending and every criterion of its specification has passed. */
async function checkReleasable(db: Kysely<DB>, product: ProductRow, at: Date) {
  if (product.kind !== "final-product" || product.state !== "qc-pending")
    throw new DomainError(
      "rule-violation",
      `QA releases a final-product bag that is QC-pending; this is a ${product.kind} in ${product.state}.`,
      [],
      { rule: "V2V-RELEASE-NEEDS-QC-PENDING", from: product.state },
    );
  const { spec, evaluation } = await evaluateBag(db, product, at);
  if (evaluation.outcome === "incomplete")
    throw new DomainError(
      "rule-violation",
      `The bag cannot be released while QC results are missing: ${evaluation.missingAttributes.join(", ")}.`,
      [],
      { rule: "V2V-RELEASE-QC-INCOMPLETE", missingAttributes: evaluation.missingAttributes, evaluation },
    );
  if (evaluation.outcome === "out-of-specification")
    throw new DomainError(
      "rule-violation",
      `The bag cannot be released: out of specification (${evaluation.failedAttributes.join(", ")}).`,
      [],
      { rule: "V2V-RELEASE-QC-FAILED", failedAttributes: evaluation.failedAttributes, evaluation },
    );
  return { spec, evaluation };
}

export interface ReleaseDecision extends Record<string, unknown> {
  product: ProductDto;
  decisionId: string;
  specId: string;
  specRevision: number;
  evaluation: ReleaseEvaluation;
  releaseState: ReleaseState;
  signatures: SignatureDto[];
}

/**
 * QA's release of a bag whose QC results meet its specification: a decision by quality at the
 * bag's site, signed with the signer's own username and password (meaning "released"). The
 * release event, the decision with the evaluation it rests on, its signature and their audit
 * records are written in one transaction; a refused signature writes nothing.
 */
export async function releaseProduct(
  ctx: ServiceContext,
  productId: string,
  raw: unknown,
): Promise<ReleaseDecision> {
  const input = parseInput(ReleaseInput, raw);
  const product = await loadBag(ctx.db, productId);
  requireRelease(ctx, product.site_id, productId);
  // Refuse before asking for the password when there is nothing to release.
  await checkReleasable(ctx.db, product, ctx.now());
  const signers = await authenticateSigners(
    ctx,
    { siteId: product.site_id, meanings: ["released"], recordKind: "product-release", productId },
    input.signatures,
  );
  return inTransaction(ctx, async (db) => {
    const current = await loadBag(db, productId);
    const now = ctx.now();
    const { spec, evaluation } = await checkReleasable(db, current, now);
    const row = await applyProductInTx(
      db,
      ctx,
      current,
      {
        type: "release",
        qcAllPassed: true,
        reason: `QA release: all ${evaluation.attributes.length} release criteria passed`,
      },
      current.version,
    );
    const decision = await recordReleaseDecision(db, ctx, current, {
      spec,
      evaluation,
      outcome: "released",
      at: now,
      audited: { decision: "released" },
    });
    const signatures = await recordSignatures(db, ctx, {
      kind: "product-release",
      recordId: decision.id,
      siteId: current.site_id,
      productId: current.id,
      signers,
    });
    return {
      product: productDto(row),
      decisionId: decision.id,
      specId: spec.id,
      specRevision: spec.revision,
      evaluation,
      releaseState: "released",
      signatures,
    };
  });
}

/**
 * The bag's QC results, its current evaluation (nothing applied), where it stands on the way to
 * release, the decisions recorded and the signatures on its release.
 */
export async function getReleaseStatus(ctx: ServiceContext, productId: string) {
  const product = await loadBag(ctx.db, productId);
  requireAt(ctx.actor, product.site_id, "study:read", "product", productId);
  const results = (await listQcResults(ctx.db, product.id)).map(qcDto);
  const rows = await listReleaseEvaluations(ctx.db, product.id);
  const signed = await signaturesOfRecords(
    ctx.db,
    "product-release",
    rows.filter((d) => d.outcome === "released").map((d) => d.id),
  );
  const decisions = rows.map((d) => ({
    id: d.id,
    outcome: d.outcome,
    specId: d.spec_id,
    decidedBy: d.decided_by,
    decidedAt: d.decided_at.toISOString(),
    signatures: signed.filter((s) => s.record_id === d.id).map(signatureDto),
  }));
  let current: { specId: string; specRevision: number; evaluation: ReleaseEvaluation } | null = null;
  // Without a single applicable specification there is nothing to evaluate yet; the results still show.
  if (product.kind === "final-product" && (await findSpecForProduct(ctx.db, product)).spec) {
    const { spec, evaluation } = await evaluateBag(ctx.db, product, ctx.now());
    current = { specId: spec.id, specRevision: spec.revision, evaluation };
  }
  const release = decisions.find((d) => d.outcome === "released" && d.signatures.length > 0) ?? null;
  const releaseState = releaseStateOf(product, current?.evaluation ?? null, release !== null);
  return {
    productId: product.id,
    state: product.state,
    releaseState,
    releaseStateLabel: RELEASE_STATES[releaseState],
    results,
    current,
    decisions,
    release,
  };
}

// ───────────────────────────────────────────── OOS exception ──

export const OosExceptionSignInput = z.strictObject({
  /** the risk assessment; required with the first signature */
  rationale: z.string().trim().min(3).max(4000).optional(),
  /**
   * one signature (the signed-in user's) or two (the signed-in user's and another person's, on the
   * same device), each meaning "approved deviation" in its capacity: investigator or qa
   */
  signatures: z
    .array(OosSignatureInput)
    .min(1)
    .max(2)
    .superRefine((sigs, c) => {
      if (sigs.length === 2 && sigs[0]!.capacity === sigs[1]!.capacity)
        c.addIssue({ code: "custom", path: [1, "capacity"], message: "each capacity signs once" });
    }),
});

async function oosExceptionDto(db: Kysely<DB>, productId: string) {
  const ex = await recordedOosException(db, productId);
  const found = await findOosException(db, productId);
  const signed = found ? await signaturesOfRecords(db, "oos-exception", [found.id]) : [];
  return {
    productId,
    rationale: ex?.rationale ?? null,
    signatures: ex?.signatures ?? [],
    electronicSignatures: signed.map(signatureDto),
    complete: ex !== null && checkOosException(ex) === null,
  };
}

const oosRefusal = (state: string) =>
  new DomainError(
    "rule-violation",
    `An exception decision is signed for an out-of-specification product; this one is ${state}.`,
    [],
    { rule: "V2V-OOS-EXCEPTION-NEEDS-OOS-PRODUCT", from: state },
  );

/**
 * Signatures on the exception decision for an OOS bag. An investigator signature needs the
 * investigator role at the bag's site, a QA signature the quality role there; the two must be
 * different people, and each capacity signs once. Each signer types their username and password
 * (meaning "approved deviation"); the signed-in user is one of them.
 */
export async function signOosException(ctx: ServiceContext, productId: string, raw: unknown) {
  const input = parseInput(OosExceptionSignInput, raw);
  const product = await loadBag(ctx.db, productId);
  if (!isMemberOf(ctx.actor, product.site_id)) throw notFound("product", productId);
  const roles = rolesAt(ctx.actor, product.site_id);
  if (!roles.includes("investigator") && !may(roles, "product:release"))
    throw forbidden("Only an investigator or quality assurance at this site signs an OOS exception.");
  // The signed-in user's own signature must be in a capacity their roles give; refused before any
  // password is checked (the other signer's capacity is checked once they have authenticated).
  const own = input.signatures.find((s) => s.username === ctx.actor.username);
  if (own && !signingRole(roles, "approved deviation", own.capacity))
    throw new DomainError(
      "forbidden",
      own.capacity === "investigator"
        ? "Only an investigator at this site signs the OOS exception as investigator."
        : "Only quality assurance at this site signs the OOS exception as QA.",
      [
        {
          path: `/signatures/${input.signatures.indexOf(own)}/capacity`,
          message: "not a capacity your roles give",
        },
      ],
      { rule: "V2V-SIGNER-NOT-ELIGIBLE" },
    );
  if (product.state !== "out-of-specification") throw oosRefusal(product.state);
  const existing = await recordedOosException(ctx.db, product.id);
  const taken = input.signatures.find((s) => existing?.signatures.some((x) => x.role === s.capacity));
  if (taken)
    throw new DomainError("conflict", `The exception already has its ${taken.capacity} signature.`, [], {
      rule: "V2V-OOS-EXCEPTION-ALREADY-SIGNED",
    });
  if (!existing && !input.rationale)
    throw new DomainError("validation", "The first signature states the rationale (the risk assessment).", [
      { path: "/rationale", message: "required for the first signature" },
    ]);
  const signers = await authenticateSigners(
    ctx,
    {
      siteId: product.site_id,
      meanings: ["approved deviation"],
      recordKind: "oos-exception",
      productId: product.id,
    },
    input.signatures,
  );
  return inTransaction(ctx, async (db) => {
    const current = await loadBag(db, productId);
    if (current.state !== "out-of-specification") throw oosRefusal(current.state);
    const now = ctx.now();
    let ex = await findOosException(db, product.id);
    const before = await recordedOosException(db, product.id);
    for (const s of signers) {
      if (before?.signatures.some((x) => x.role === s.capacity))
        throw new DomainError("conflict", `The exception already has its ${s.capacity} signature.`, [], {
          rule: "V2V-OOS-EXCEPTION-ALREADY-SIGNED",
        });
      if (before?.signatures.some((x) => x.userId === s.userId))
        throw new DomainError(
          "rule-violation",
          "The investigator and QA signatures on the OOS exception must come from two different people.",
          [],
          { rule: "V2V-OOS-EXCEPTION-SAME-SIGNER" },
        );
    }
    if (!ex) {
      if (!input.rationale)
        throw new DomainError(
          "validation",
          "The first signature states the rationale (the risk assessment).",
          [{ path: "/rationale", message: "required for the first signature" }],
        );
      ex = await insertOosException(db, {
        id: uuidv7(),
        product_id: product.id,
        site_id: product.site_id,
        rationale: input.rationale,
        created_by: ctx.actor.userId,
        created_at: now,
      });
    }
    await recordSignatures(db, ctx, {
      kind: "oos-exception",
      recordId: ex.id,
      siteId: product.site_id,
      productId: product.id,
      signers,
    });
    const dto = await oosExceptionDto(db, product.id);
    await appendAudit(db, ctx, {
      action: "update",
      entityType: "oos-exception",
      entityId: ex.id,
      siteId: product.site_id,
      after: {
        productId: product.id,
        signedAs: signers.map((s) => s.capacity),
        complete: dto.complete,
      },
      reason: ex.rationale,
    });
    return dto;
  });
}

export async function getOosException(ctx: ServiceContext, productId: string) {
  const product = await loadBag(ctx.db, productId);
  requireAt(ctx.actor, product.site_id, "study:read", "product", productId);
  return oosExceptionDto(ctx.db, product.id);
}
