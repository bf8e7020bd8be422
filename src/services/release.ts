/**
 * Release of a final product from its QC results (shared/domain/workflow-standards.md §3, §1.4,
 * §1.5; issue 4):
 *
 * - a release specification per CAR product (study:write at the study's lead site), kept as
 *   revisions; the newest applies;
 * - QC results per bag (product:release, quality only); after each entry the bag is evaluated and,
 *   when it is QC-pending and the evaluation is decisive, released or declared out of
 *   specification through the product machine in the same transaction, with the evaluation kept;
 * - the exception decision for an OOS bag: a rationale, an investigator's signature (the
 *   investigator role at the site) and a QA signature (product:release), by two different people,
 *   each with its time. Shipping an OOS bag takes this recorded decision (services/products.ts).
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
import { checkOosException } from "../domain/vein-to-vein.ts";
import { findProductUnit } from "../store/products.ts";
import {
  enrolmentOfJourney,
  findOosException,
  insertOosException,
  insertOosSignature,
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
import { isMemberOf, requireAt, rolesAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { applyProductInTx, type ProductDto, type ProductRow, productDto } from "./products.ts";
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
  const row = await db.selectFrom("car_products").selectAll().where("id", "=", id).executeTakeFirst();
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
  if (!level) return { basis: "unknown", reason: "the enrolment has no dose level" };
  if (level.unit === "car-cells") return { basis: "flat", cells: level.dose };
  const weightKg = await weightKgBefore(db, product.patient_id, at);
  if (weightKg === null) return { basis: "unknown", reason: "no body weight (LOINC 29463-7) in kg recorded" };
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
  /** the product event applied, if the evaluation was decisive and the bag was QC-pending */
  applied: "release" | "declare-oos" | null;
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

/** Evaluates and, for a QC-pending bag with a decisive outcome, moves it; inside the caller's transaction. */
async function evaluateAndApply(
  db: Kysely<DB>,
  ctx: ServiceContext,
  product: ProductRow,
): Promise<ReleaseOutcome> {
  const now = ctx.now();
  const { spec, evaluation } = await evaluateBag(db, product, now);
  let applied: ReleaseOutcome["applied"] = null;
  let row = product;
  if (product.state === "qc-pending" && evaluation.outcome !== "incomplete") {
    applied = evaluation.outcome === "released" ? "release" : "declare-oos";
    const event =
      applied === "release"
        ? {
            type: "release",
            qcAllPassed: true,
            reason: `all ${evaluation.attributes.length} release criteria passed`,
          }
        : {
            type: "declare-oos",
            failedAttributes: evaluation.failedAttributes,
            reason: `out of specification: ${evaluation.failedAttributes.join(", ")}`,
          };
    row = await applyProductInTx(db, ctx, product, event, product.version);
    const decision = await insertReleaseEvaluation(db, {
      id: uuidv7(),
      product_id: product.id,
      site_id: product.site_id,
      spec_id: spec.id,
      outcome: evaluation.outcome as "released" | "out-of-specification",
      evaluation: JSON.stringify(evaluation),
      decided_by: ctx.actor.userId,
      decided_at: now,
    });
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "release-evaluation",
      entityId: decision.id,
      siteId: product.site_id,
      after: { productId: product.id, specId: spec.id, specRevision: spec.revision, ...evaluation },
    });
  }
  return { product: productDto(row), specId: spec.id, specRevision: spec.revision, evaluation, applied };
}

const QC_STATES = ["in-manufacture", "qc-pending"];

/**
 * Enters QC results for a final-product bag and evaluates it at once: a QC-pending bag is
 * released when every criterion passes and declared OOS as soon as one fails.
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

/** Re-evaluates a bag (e.g. after it reached QC-pending with its results already in) and applies a decisive outcome. */
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

/** The bag's QC results, its current evaluation (nothing applied) and the decisions recorded. */
export async function getReleaseStatus(ctx: ServiceContext, productId: string) {
  const product = await loadBag(ctx.db, productId);
  requireAt(ctx.actor, product.site_id, "study:read", "product", productId);
  const results = (await listQcResults(ctx.db, product.id)).map(qcDto);
  const decisions = (await listReleaseEvaluations(ctx.db, product.id)).map((d) => ({
    id: d.id,
    outcome: d.outcome,
    specId: d.spec_id,
    decidedBy: d.decided_by,
    decidedAt: d.decided_at.toISOString(),
  }));
  let current: { specId: string; specRevision: number; evaluation: ReleaseEvaluation } | null = null;
  // Without a single applicable specification there is nothing to evaluate yet; the results still show.
  if (product.kind === "final-product" && (await findSpecForProduct(ctx.db, product)).spec) {
    const { spec, evaluation } = await evaluateBag(ctx.db, product, ctx.now());
    current = { specId: spec.id, specRevision: spec.revision, evaluation };
  }
  return { productId: product.id, state: product.state, results, current, decisions };
}

// ───────────────────────────────────────────── OOS exception ──

export const OosSignatureInput = z.strictObject({
  /** the capacity in which the caller signs: investigator (clinical) or qa (quality) */
  capacity: z.enum(["investigator", "qa"]),
  /** the risk assessment; required from whoever signs first */
  rationale: z.string().trim().min(3).max(4000).optional(),
});

async function oosExceptionDto(db: Kysely<DB>, productId: string) {
  const ex = await recordedOosException(db, productId);
  return {
    productId,
    rationale: ex?.rationale ?? null,
    signatures: ex?.signatures ?? [],
    complete: ex !== null && checkOosException(ex) === null,
  };
}

/**
 * One signature on the exception decision for an OOS bag. The investigator signature needs the
 * investigator role at the bag's site, the QA signature product:release there; the two must be
 * different people, and each capacity signs once.
 */
export async function signOosException(ctx: ServiceContext, productId: string, raw: unknown) {
  const input = parseInput(OosSignatureInput, raw);
  return inTransaction(ctx, async (db) => {
    const product = await loadBag(db, productId);
    if (!isMemberOf(ctx.actor, product.site_id)) throw notFound("product", productId);
    const roles = rolesAt(ctx.actor, product.site_id);
    if (input.capacity === "investigator" ? !roles.includes("investigator") : !may(roles, "product:release"))
      throw forbidden(
        input.capacity === "investigator"
          ? "Only an investigator at this site signs the OOS exception as investigator."
          : "Only quality assurance at this site signs the OOS exception as QA.",
      );
    if (product.state !== "out-of-specification")
      throw new DomainError(
        "rule-violation",
        `An exception decision is signed for an out-of-specification product; this one is ${product.state}.`,
        [],
        { rule: "V2V-OOS-EXCEPTION-NEEDS-OOS-PRODUCT", from: product.state },
      );
    const now = ctx.now();
    let ex = await findOosException(db, product.id);
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
    const current = (await recordedOosException(db, product.id))!;
    if (current.signatures.some((s) => s.role === input.capacity))
      throw new DomainError("conflict", `The exception already has its ${input.capacity} signature.`, [], {
        rule: "V2V-OOS-EXCEPTION-ALREADY-SIGNED",
      });
    if (current.signatures.some((s) => s.userId === ctx.actor.userId))
      throw new DomainError(
        "rule-violation",
        "The investigator and QA signatures on the OOS exception must come from two different people.",
        [],
        { rule: "V2V-OOS-EXCEPTION-SAME-SIGNER" },
      );
    await insertOosSignature(db, {
      exception_id: ex.id,
      capacity: input.capacity,
      user_id: ctx.actor.userId,
      signed_at: now,
    });
    const dto = await oosExceptionDto(db, product.id);
    await appendAudit(db, ctx, {
      action: "update",
      entityType: "oos-exception",
      entityId: ex.id,
      siteId: product.site_id,
      after: { productId: product.id, signedAs: input.capacity, complete: dto.complete },
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
