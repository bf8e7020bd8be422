/**
 * Chain of custody (shared/domain/workflow-standards.md §2, §2.7, §1.5; issue 4):
 *
 * - hand-offs, one per change of custodian, with from, to, place, time, shipper, logger and the
 *   condition seen (product:write at the product's site);
 * - temperature-logger readings uploaded in a batch and judged against the product's range
 *   (src/domain/custody.ts). An excursion that the range does not tolerate puts the product in
 *   quarantine in the same transaction, through the product machine, with a reason naming the
 *   excursion; gaps in the trace are recorded and reported for QA but quarantine nothing alone;
 * - QA's decision on a quarantined product (product:release): release it back to where it was, or
 *   discard it, electronically signed by the QA user (username and password re-entered; meaning
 *   "released from quarantine" or "rejected"; services/signatures.ts).
 */
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { describeExcursion, evaluateTemperatureLog, type TemperatureRange } from "../domain/custody.ts";
import { DomainError, notFound, validationError } from "../domain/errors.ts";
import { checkEventTime } from "../domain/event-time.ts";
import { Instant, NonEmptyText } from "../domain/schemas/common.ts";
import { SignatureInput } from "../domain/signatures.ts";
import { QUARANTINE_ORIGINS } from "../domain/vein-to-vein.ts";
import {
  insertHandoff,
  insertLoggerUpload,
  insertReadings,
  listHandoffs,
  listLoggerUploads,
} from "../store/custody.ts";
import { findProductUnit } from "../store/products.ts";
import type { DB, Selectable } from "../store/schema.ts";
import type { CustodyHandoffsTable, LoggerUploadsTable } from "../store/schema-release.ts";
import { requireAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import {
  applyProductEventInTx,
  applyProductInTx,
  type ProductDto,
  type ProductRow,
  productDto,
  requireProductWrite,
} from "./products.ts";
import { findSpecForProduct, TemperatureRangeInput } from "./release.ts";
import { authenticateSigners, recordSignatures, type SignatureDto } from "./signatures.ts";
import { parseInput } from "./validate.ts";

async function loadProduct(db: Kysely<DB>, id: string): Promise<ProductRow> {
  const row = await findProductUnit(db, id);
  if (!row) throw notFound("product", id);
  return row;
}

// ───────────────────────────────────────────── hand-offs ──

export const HandOffInput = z.strictObject({
  fromParty: NonEmptyText(200),
  toParty: NonEmptyText(200),
  place: NonEmptyText(200),
  at: Instant,
  shipperId: z.string().trim().min(1).max(100).optional(),
  loggerId: z.string().trim().min(1).max(100).optional(),
  conditionNote: z.string().trim().max(2000).optional(),
});

const handOffDto = (r: Selectable<CustodyHandoffsTable>) => ({
  id: r.id,
  productId: r.product_id,
  fromParty: r.from_party,
  toParty: r.to_party,
  place: r.place,
  at: r.at.toISOString(),
  shipperId: r.shipper_id,
  loggerId: r.logger_id,
  conditionNote: r.condition_note,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});
export type HandOffDto = ReturnType<typeof handOffDto>;

export async function recordHandOff(
  ctx: ServiceContext,
  productId: string,
  raw: unknown,
): Promise<HandOffDto> {
  const input = parseInput(HandOffInput, raw);
  return inTransaction(ctx, async (db) => {
    const product = await loadProduct(db, productId);
    requireProductWrite(ctx, product.site_id, "product", productId);
    const now = ctx.now();
    checkEventTime({ what: "hand-off", at: new Date(input.at), now, stampedByServer: false, path: "/at" });
    const row = await insertHandoff(db, {
      id: uuidv7(),
      product_id: product.id,
      site_id: product.site_id,
      from_party: input.fromParty,
      to_party: input.toParty,
      place: input.place,
      at: input.at,
      shipper_id: input.shipperId ?? null,
      logger_id: input.loggerId ?? null,
      condition_note: input.conditionNote ?? null,
      recorded_by: ctx.actor.userId,
      recorded_at: now,
    });
    const dto = handOffDto(row);
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "custody-handoff",
      entityId: row.id,
      siteId: row.site_id,
      after: dto,
    });
    return dto;
  });
}

// ───────────────────────────────────────────── logger readings ──

export const LoggerReadingsInput = z
  .strictObject({
    loggerId: NonEmptyText(100),
    /** the range to judge against; by default the product's from its release specification */
    range: TemperatureRangeInput.optional(),
    readings: z
      .array(z.strictObject({ at: Instant, celsius: z.number().finite().min(-273.15).max(200) }))
      .min(1)
      .max(50_000),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<number>();
    b.readings.forEach((r, i) => {
      const t = Date.parse(r.at);
      if (seen.has(t))
        ctx.addIssue({
          code: "custom",
          path: ["readings", i, "at"],
          message: "two readings at the same time",
        });
      seen.add(t);
    });
  });

const uploadDto = (r: Selectable<LoggerUploadsTable>) => ({
  id: r.id,
  productId: r.product_id,
  loggerId: r.logger_id,
  range: r.range as TemperatureRange,
  readingCount: r.reading_count,
  firstAt: r.first_at.toISOString(),
  lastAt: r.last_at.toISOString(),
  verdict: r.verdict,
  excursions: r.excursions,
  gaps: r.gaps,
  quarantined: r.quarantined,
  recordedBy: r.recorded_by,
  recordedAt: r.recorded_at.toISOString(),
});

export interface LoggerUploadResult extends Record<string, unknown> {
  upload: ReturnType<typeof uploadDto>;
  product: ProductDto;
  /** what happened to the product: quarantined now, already quarantined, or why it could not be */
  quarantine: "quarantined" | "already-quarantined" | "not-needed" | "not-possible-in-this-state";
}

async function rangeFor(db: Kysely<DB>, product: ProductRow): Promise<TemperatureRange> {
  const { spec } = await findSpecForProduct(db, product);
  const ranges = (spec?.temperature_ranges ?? {}) as Record<string, TemperatureRange | undefined>;
  const range = ranges[product.kind === "apheresis" ? "apheresis" : "finalProduct"];
  if (!range)
    throw validationError(
      [{ path: "/range", message: "the product's specification gives no temperature range; send one" }],
      "No temperature range to judge the readings against; nothing was written.",
    );
  return range;
}

/**
 * Stores one logger's readings for a product and judges them. An excursion not tolerated by the
 * range quarantines a product in transit or in storage (the states the machine quarantines from).
 */
export async function recordLoggerReadings(
  ctx: ServiceContext,
  productId: string,
  raw: unknown,
): Promise<LoggerUploadResult> {
  const input = parseInput(LoggerReadingsInput, raw);
  return inTransaction(ctx, async (db) => {
    let product = await loadProduct(db, productId);
    requireProductWrite(ctx, product.site_id, "product", productId);
    const range: TemperatureRange = input.range ?? (await rangeFor(db, product));
    const verdict = evaluateTemperatureLog(range, input.readings);
    const times = input.readings.map((r) => Date.parse(r.at));
    const counted = verdict.excursions.filter((e) => !e.tolerated);
    let quarantine: LoggerUploadResult["quarantine"] = "not-needed";
    if (counted.length > 0) {
      if (product.state === "quarantined") quarantine = "already-quarantined";
      else if ((QUARANTINE_ORIGINS as readonly string[]).includes(product.state)) {
        const reason = `temperature excursion on logger ${input.loggerId}: ${counted.map((e) => describeExcursion(e, range)).join("; ")}`;
        product = await applyProductInTx(db, ctx, product, { type: "quarantine", reason }, product.version);
        quarantine = "quarantined";
      } else quarantine = "not-possible-in-this-state";
    }
    const uploadId = uuidv7();
    const row = await insertLoggerUpload(db, {
      id: uploadId,
      product_id: product.id,
      site_id: product.site_id,
      logger_id: input.loggerId,
      range: JSON.stringify(range),
      reading_count: input.readings.length,
      first_at: new Date(times.reduce((a, b) => Math.min(a, b))),
      last_at: new Date(times.reduce((a, b) => Math.max(a, b))),
      verdict: verdict.verdict,
      excursions: JSON.stringify(verdict.excursions),
      gaps: JSON.stringify(verdict.gaps),
      quarantined: quarantine === "quarantined",
      recorded_by: ctx.actor.userId,
      recorded_at: ctx.now(),
    });
    await insertReadings(
      db,
      input.readings.map((r) => ({
        upload_id: uploadId,
        product_id: product.id,
        logger_id: input.loggerId,
        at: r.at,
        celsius: r.celsius,
      })),
    );
    const upload = uploadDto(row);
    const { excursions: _e, gaps: _g, ...summary } = upload;
    await appendAudit(db, ctx, {
      action: "create",
      entityType: "logger-upload",
      entityId: row.id,
      siteId: row.site_id,
      after: { ...summary, excursions: verdict.excursions.length, gaps: verdict.gaps.length, quarantine },
    });
    return { upload, product: productDto(product), quarantine };
  });
}

// ───────────────────────────────────────────── QA decision on quarantine ──

export const QuarantineDecisionInput = z.strictObject({
  /** release: back to where the product was quarantined from; discard: it will not be used */
  decision: z.enum(["release", "discard"]),
  reason: z.string().trim().min(3).max(2000),
  /**
   * the signed-in quality user's signature, username and password: "released from quarantine" for
   * release, "rejected" for discard
   */
  signatures: z.array(SignatureInput).length(1),
});

const MEANING_OF_DECISION = { release: "released from quarantine", discard: "rejected" } as const;

function requireQuarantined(product: ProductRow) {
  if (product.state !== "quarantined")
    throw new DomainError(
      "rule-violation",
      `Only a quarantined product awaits a QA decision; this one is ${product.state}.`,
      [],
      { rule: "V2V-PRODUCT-NOT-QUARANTINED", from: product.state },
    );
}

/**
 * QA (quality, product:release) decides on a quarantined product: the decision is the product event
 * it applies, electronically signed by the signed-in QA user with their username and password.
 */
export async function decideQuarantine(
  ctx: ServiceContext,
  productId: string,
  raw: unknown,
): Promise<ProductDto & { signatures: SignatureDto[] }> {
  const input = parseInput(QuarantineDecisionInput, raw);
  const product = await loadProduct(ctx.db, productId);
  requireAt(ctx.actor, product.site_id, "product:release", "product", productId);
  requireQuarantined(product);
  const signers = await authenticateSigners(
    ctx,
    {
      siteId: product.site_id,
      meanings: [MEANING_OF_DECISION[input.decision]],
      recordKind: "quarantine-decision",
      productId,
    },
    input.signatures,
  );
  return inTransaction(ctx, async (db) => {
    const current = await loadProduct(db, productId);
    requireQuarantined(current);
    const event =
      input.decision === "release"
        ? {
            type: "release-from-quarantine",
            qaDecision: { userId: ctx.actor.userId, role: "qa", signedAt: ctx.now().toISOString() },
            reason: input.reason,
          }
        : { type: "discard", reason: input.reason };
    const { row, eventId } = await applyProductEventInTx(db, ctx, current, event, current.version);
    const signatures = await recordSignatures(db, ctx, {
      kind: "quarantine-decision",
      recordId: eventId,
      siteId: current.site_id,
      productId,
      signers,
    });
    return { ...productDto(row), signatures };
  });
}

// ───────────────────────────────────────────── reads ──

export async function getCustody(ctx: ServiceContext, productId: string) {
  const product = await loadProduct(ctx.db, productId);
  requireAt(ctx.actor, product.site_id, "study:read", "product", productId);
  return {
    productId: product.id,
    state: product.state,
    handOffs: (await listHandoffs(ctx.db, product.id)).map(handOffDto),
    loggerUploads: (await listLoggerUploads(ctx.db, product.id)).map(uploadDto),
  };
}
