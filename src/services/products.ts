/**
 * Product units on one chain of identity: the apheresis collection gets an ISBT 128 DIN and the
 * journey's CoI Identifier; each final product (a bag from the manufacturing lot) gets its own DIN
 * on the same CoI, and a remanufacture after failure stays on that CoI
 * (shared/domain/workflow-standards.md §1.4, §1.5; ISBT 128 ST-001). Product moves go through the
 * pure machine in src/domain/vein-to-vein.ts; this layer adds who may do them, the facts the
 * machine cannot know (where a quarantine came from, the bedside check), and the history.
 *
 * Permissions: moves need `product:write` at the product's site (manufacturing, investigator,
 * coordinator); reads need study:read. QA decisions (release, quarantine) are `product:release`
 * and electronically signed (services/signatures.ts).
 */
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { postThawExpiry } from "../domain/bedside-comparison.ts";
import { DomainError, forbidden, notFound } from "../domain/errors.ts";
import { CLOCK_SKEW_MS, checkEventTime, checkThawAllowed } from "../domain/event-time.ts";
import { coiCheckCharacter, dinCheckCharacter, formatCoiId, formatDin } from "../domain/isbt128.ts";
import { may } from "../domain/roles.ts";
import { Instant, ServerFilled } from "../domain/schemas/common.ts";
import { stepOwners } from "../domain/vein-to-vein/product-steps.ts";
import {
  allowedProductEvents,
  applyProductEvent,
  type BedsideVerification,
  type OosException,
  type ProductEvent,
  type ProductFacts,
  type ProductState,
} from "../domain/vein-to-vein.ts";
import { findJourney, listJourneyEvents } from "../store/journeys.ts";
import {
  findProductUnit,
  findSiteFin,
  insertProductEvent,
  insertProductUnit,
  latestPassedAttempt,
  listJourneyProducts,
  listProductEvents,
  nextIsbtSequence,
  updateProductUnit,
} from "../store/products.ts";
import { readableNames } from "../store/readable-names.ts";
import { recordedOosException } from "../store/release.ts";
import type { DB, Selectable } from "../store/schema.ts";
import type { ProductUnitsTable } from "../store/schema-journey.ts";
import { signaturesOfRecord } from "../store/signatures.ts";
import { isMemberOf, requireAt, rolesAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { expectedVersion } from "./patients.ts";
import { auditCreated } from "./records.ts";
import { parseInput } from "./validate.ts";

export type ProductRow = Selectable<ProductUnitsTable>;

/**
 * Facility Identification Number used when a site has no row in site_facilities. "V2V99" is a
 * syntactically valid placeholder, not an ICCBBA assignment: a real installation registers its
 * FIN and stores it per site before labelling real products.
 */
export const DEFAULT_FIN = "V2V99";

export interface ProductDto extends Record<string, unknown> {
  id: string;
  journeyId: string;
  patientId: string;
  siteId: string;
  kind: "apheresis" | "final-product";
  parentId: string | null;
  din: string;
  dinCheckCharacter: string;
  coiId: string;
  coiCheckCharacter: string;
  productCode: string;
  state: string;
  quarantinedFrom: string | null;
  thawStabilityMinutes: number | null;
  thawedAt: string | null;
  /** the last usable instant of a thawed bag (thaw + post-thaw stability), as the bedside check and the label count it */
  postThawExpiresAt: string | null;
  allowedEvents: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const productDto = (r: ProductRow): ProductDto => ({
  id: r.id,
  journeyId: r.journey_id,
  patientId: r.patient_id,
  siteId: r.site_id,
  kind: r.kind,
  parentId: r.parent_id,
  din: r.din,
  dinCheckCharacter: dinCheckCharacter(r.din),
  coiId: r.coi_id,
  coiCheckCharacter: coiCheckCharacter(r.coi_id),
  productCode: r.product_code,
  state: r.state,
  quarantinedFrom: r.quarantined_from,
  thawStabilityMinutes: r.thaw_stability_minutes,
  thawedAt: r.thawed_at ? r.thawed_at.toISOString() : null,
  postThawExpiresAt:
    r.thawed_at && r.thaw_stability_minutes !== null
      ? postThawExpiry(r.thawed_at, r.thaw_stability_minutes).toISOString()
      : null,
  allowedEvents: allowedProductEvents(r.state as ProductState),
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** product:write at the site; another site's product does not exist for you. */
export function requireProductWrite(ctx: ServiceContext, siteId: string, entity: string, id: string) {
  if (!isMemberOf(ctx.actor, siteId)) throw notFound(entity, id);
  if (!may(rolesAt(ctx.actor, siteId), "product:write"))
    throw forbidden("Your role at this site does not allow moving products.");
}

async function loadProduct(db: Kysely<DB>, id: string): Promise<ProductRow> {
  const row = await findProductUnit(db, id);
  if (!row) throw notFound("product", id);
  return row;
}

/** The journey's current final product: the newest bag, so a remanufacture supersedes a failed lot. */
export async function currentFinalProduct(
  db: Kysely<DB>,
  journeyId: string,
): Promise<ProductRow | undefined> {
  const all = await listJourneyProducts(db, journeyId);
  return all.filter((p) => p.kind === "final-product").at(-1);
}

export const productFacts = (p: ProductRow | undefined): ProductFacts | undefined =>
  p
    ? { state: p.state as ProductState, oosException: (p.oos_exception as OosException | null) ?? null }
    : undefined;

/**
 * The passed bedside verification of this bag since it was thawed, as the machines expect it: the
 * people who verified are those who signed it (services/signatures.ts), so an attempt without its
 * two electronic signatures (one recorded before migration 0016) does not count as two verifiers.
 */
export async function bedsideVerificationFor(
  db: Kysely<DB>,
  p: ProductRow | undefined,
): Promise<BedsideVerification> {
  // The thaw time may be a device's, up to the clock skew ahead of the server that stamps attempts.
  const since = p?.thawed_at ? new Date(p.thawed_at.getTime() - CLOCK_SKEW_MS) : null;
  const attempt = p ? await latestPassedAttempt(db, p.id, since) : undefined;
  if (!attempt) return { passed: false, verifiedBy: [] };
  const signed = await signaturesOfRecord(db, "bedside-attempt", attempt.id);
  return {
    passed: true,
    verifiedBy: signed
      .filter((s) => s.meaning === "verified product identity at bedside")
      .map((s) => s.signer_id),
  };
}

/** Next DIN (FIN + 2-digit year + 6-digit sequence, ST-001 §2.4.1) for the site. */
async function allocateDin(db: Kysely<DB>, siteId: string, at: Date): Promise<string> {
  const fin = (await findSiteFin(db, siteId)) ?? DEFAULT_FIN;
  const year = at.getUTCFullYear() % 100;
  return formatDin(fin, year, await nextIsbtSequence(db, fin, year, "din"));
}

async function allocateCoi(db: Kysely<DB>, siteId: string, at: Date): Promise<string> {
  const fin = (await findSiteFin(db, siteId)) ?? DEFAULT_FIN;
  const year = at.getUTCFullYear() % 100;
  return formatCoiId(fin, year, await nextIsbtSequence(db, fin, year, "coi"));
}

const ProductCode = z
  .string()
  .regex(/^[A-Z0-9]{5,10}$/, "an ISBT 128 product code, 5–10 capital letters or digits (e.g. S1234V00)");

export const CollectionCreate = z.object({ productCode: ProductCode }).strict();
export const FinalProductCreate = z
  .object({
    productCode: ProductCode,
    /** minutes the bag may stand after thawing before it expires (from the product's label) */
    thawStabilityMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  })
  .strict();

/**
 * Records the apheresis collection of a journey that has just been apheresed (§1.4: the product
 * machine starts at "collected"). The first collection opens the chain of identity; a later one
 * (re-apheresis after a manufacturing failure, §1.5) joins it.
 */
export async function recordCollection(
  ctx: ServiceContext,
  journeyId: string,
  raw: unknown,
): Promise<ProductDto> {
  const input = parseInput(CollectionCreate, raw);
  return inTransaction(ctx, async (db) => {
    const journey = await findJourney(db, journeyId);
    if (!journey) throw notFound("journey", journeyId);
    requireProductWrite(ctx, journey.site_id, "journey", journeyId);
    if (journey.state !== "apheresed")
      throw new DomainError(
        "rule-violation",
        `A collection is recorded right after apheresis; the journey is ${journey.state}.`,
        [],
        { rule: "V2V-COLLECTION-NEEDS-APHERESIS", from: journey.state },
      );
    const now = ctx.now();
    const existing = await listJourneyProducts(db, journeyId);
    const coi = existing[0]?.coi_id ?? (await allocateCoi(db, journey.site_id, now));
    const row = await insertProductUnit(db, {
      id: uuidv7(),
      journey_id: journey.id,
      patient_id: journey.patient_id,
      site_id: journey.site_id,
      kind: "apheresis",
      parent_id: null,
      din: await allocateDin(db, journey.site_id, now),
      coi_id: coi,
      product_code: input.productCode,
      state: "collected",
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "product", row, productDto);
  });
}

/** A final-product bag from the lot made of a collection in manufacture; its own DIN, the same CoI. */
export async function recordFinalProduct(
  ctx: ServiceContext,
  parentId: string,
  raw: unknown,
): Promise<ProductDto> {
  const input = parseInput(FinalProductCreate, raw);
  return inTransaction(ctx, async (db) => {
    const parent = await loadProduct(db, parentId);
    requireProductWrite(ctx, parent.site_id, "product", parentId);
    if (parent.kind !== "apheresis" || parent.state !== "in-manufacture")
      throw new DomainError(
        "rule-violation",
        `A final product is made from a collection in manufacture; this one is a ${parent.kind} in ${parent.state}.`,
        [],
        { rule: "V2V-FINAL-PRODUCT-NEEDS-COLLECTION-IN-MANUFACTURE", from: parent.state },
      );
    const now = ctx.now();
    const row = await insertProductUnit(db, {
      id: uuidv7(),
      journey_id: parent.journey_id,
      patient_id: parent.patient_id,
      site_id: parent.site_id,
      kind: "final-product",
      parent_id: parent.id,
      din: await allocateDin(db, parent.site_id, now),
      coi_id: parent.coi_id,
      product_code: input.productCode,
      state: "in-manufacture",
      thaw_stability_minutes: input.thawStabilityMinutes,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "product", row, productDto);
  });
}

const ACTOR_FROM_SESSION = "the actor of a product event is the signed-in user (the session); do not send it";

/**
 * `at` is when the event happened (the server's clock when omitted); it may not be in the future
 * or before the bag's previous event (src/domain/event-time.ts). The actor is always the session's
 * user: an actor field in the body is refused, never stored.
 */
export const ProductEventInput = z.looseObject({
  type: z.string().min(1).max(60),
  actor: ServerFilled(ACTOR_FROM_SESSION),
  actorId: ServerFilled(ACTOR_FROM_SESSION),
  recordedBy: ServerFilled(ACTOR_FROM_SESSION),
  at: Instant.optional(),
  version: z.number().int().min(1).optional(),
});

/**
 * Applies one product event inside the caller's transaction, with the facts only the database
 * knows: the state a quarantine came from and the bedside verification. Used by the journey's
 * infusion too, so both states move together.
 */
export async function applyProductInTx(
  db: Kysely<DB>,
  ctx: ServiceContext,
  product: ProductRow,
  raw: Record<string, unknown>,
  expectedVer: number,
): Promise<ProductRow> {
  return (await applyProductEventInTx(db, ctx, product, raw, expectedVer)).row;
}

/** As applyProductInTx, also giving the id of the product event written (a signed decision signs it). */
export async function applyProductEventInTx(
  db: Kysely<DB>,
  ctx: ServiceContext,
  product: ProductRow,
  raw: Record<string, unknown>,
  expectedVer: number,
): Promise<{ row: ProductRow; eventId: string }> {
  const now = ctx.now();
  const stampedByServer = typeof raw.at !== "string";
  const event = {
    ...raw,
    actor: ctx.actor.userId,
    at: stampedByServer ? now.toISOString() : raw.at,
  } as ProductEvent & Record<string, unknown>;
  delete event.version;
  delete event.actorId;
  delete event.recordedBy;
  if (event.type === "release-from-quarantine" && product.quarantined_from) {
    if (event.returnTo !== undefined && event.returnTo !== product.quarantined_from)
      throw new DomainError(
        "rule-violation",
        `The product was quarantined from ${product.quarantined_from}; it returns there.`,
        [],
        { rule: "V2V-PRODUCT-QUARANTINE-BAD-RETURN", from: product.state, event: event.type },
      );
    (event as { returnTo: string }).returnTo = product.quarantined_from;
  }
  if (event.type === "administer")
    (event as { bedsideVerification: BedsideVerification }).bedsideVerification =
      await bedsideVerificationFor(db, product);
  // An OOS product ships only with the exception recorded and signed here (services/release.ts),
  // never one a client writes into the event.
  if (event.type === "ship-to-site" && product.state === "out-of-specification")
    (event as { oosException: OosException | null }).oosException = await recordedOosException(
      db,
      product.id,
    );
  const result = applyProductEvent(product.state as ProductState, event);
  await checkProductEventTime(db, product, event, now, stampedByServer);
  const changes: Parameters<typeof updateProductUnit>[3] = { state: result.state };
  if (event.type === "quarantine") changes.quarantined_from = product.state;
  if (event.type === "release-from-quarantine") changes.quarantined_from = null;
  if (event.type === "ship-to-site" && event.oosException)
    changes.oos_exception = JSON.stringify(event.oosException);
  if (event.type === "thaw") changes.thawed_at = new Date(event.at);
  const updated = await updateProductUnit(db, product.id, expectedVer, changes, now);
  if (!updated)
    throw new DomainError(
      "conflict",
      "The product changed while this event was applied. Nothing was written.",
    );
  const eventId = uuidv7();
  await insertProductEvent(db, {
    id: eventId,
    product_id: product.id,
    site_id: product.site_id,
    event_type: event.type,
    payload: JSON.stringify(event),
    from_state: product.state,
    to_state: result.state,
    actor: event.actor,
    at: new Date(event.at),
    recorded_by: ctx.actor.userId,
    recorded_at: now,
  });
  await appendAudit(db, ctx, {
    action: "update",
    entityType: "product",
    entityId: product.id,
    siteId: product.site_id,
    before: { state: product.state, version: product.version },
    after: { state: result.state, version: updated.version, event: event.type, effects: result.effects },
    reason: typeof raw.reason === "string" ? raw.reason : null,
  });
  return { row: updated, eventId };
}

/**
 * The time rules of src/domain/event-time.ts for one product event: not in the future, not before
 * the bag's previous event (or its recording, for the first), and a thaw only once the patient's
 * journey has reached lymphodepletion, not dated before it started.
 */
async function checkProductEventTime(
  db: Kysely<DB>,
  product: ProductRow,
  event: ProductEvent,
  now: Date,
  stampedByServer: boolean,
) {
  const at = new Date(event.at);
  const last = (await listProductEvents(db, product.id)).at(-1);
  const previous = last
    ? { what: last.event_type, at: last.at }
    : {
        what: `the ${product.kind === "apheresis" ? "collection" : "bag"}'s recording`,
        at: product.created_at,
      };
  const path = stampedByServer ? undefined : "/at";
  checkEventTime({ what: event.type, at, now, previous, stampedByServer, path });
  if (event.type !== "thaw") return;
  const journey = await findJourney(db, product.journey_id);
  const ld = (await listJourneyEvents(db, product.journey_id))
    .filter((e) => e.event_type === "start-lymphodepletion")
    .at(-1);
  checkThawAllowed({
    journeyState: journey?.state ?? "unknown",
    lymphodepletionStartedAt: ld?.at ?? null,
    at,
    path,
  });
}

export async function applyProduct(
  ctx: ServiceContext,
  productId: string,
  raw: unknown,
  ifMatch?: number,
): Promise<ProductDto> {
  const input = parseInput(ProductEventInput, raw);
  return inTransaction(ctx, async (db) => {
    const product = await loadProduct(db, productId);
    requireProductWrite(ctx, product.site_id, "product", productId);
    refuseQualityDecision(input.type, product.state);
    requireStepOwner(ctx, product.site_id, input.type, product.state);
    const expected = expectedVersion(ifMatch, input.version);
    checkVersionOf(product.version, expected);
    return productDto(await applyProductInTx(db, ctx, product, input, product.version));
  });
}

/**
 * Release, OOS and the way out of quarantine are quality decisions: they come only from QA's signed
 * release, the QC evaluation and QA's signed quarantine decision (services/release.ts,
 * services/custody.ts), never from a bare event.
 */
export const QUALITY_DECISION_EVENTS = ["release", "declare-oos", "release-from-quarantine"] as const;

function refuseQualityDecision(type: string, state: string) {
  if (!(QUALITY_DECISION_EVENTS as readonly string[]).includes(type)) return;
  throw new DomainError(
    "rule-violation",
    type === "release-from-quarantine"
      ? "A product leaves quarantine only by a QA decision (POST /api/v1/product-units/{id}/quarantine-decisions)."
      : type === "release"
        ? "A bag is released only by QA's signed decision once its QC results meet the specification (POST /api/v1/product-units/{id}/release); it cannot be sent as an event."
        : `${type} follows from the QC results evaluated against the release specification (POST /api/v1/product-units/{id}/qc-results); it cannot be sent as an event.`,
    [{ path: "/type", message: `${type} is a quality decision` }],
    { rule: "V2V-PRODUCT-QUALITY-DECISION-ONLY", from: state, event: type },
  );
}

/**
 * Each product step is recorded by the role that does it (workflow-standards §1.4 "Owner";
 * domain/vein-to-vein/product-steps.ts): the clinical team ships the collection and receives the
 * bag, manufacturing receives, manufactures and ships. `product:write` alone would let a courier's
 * receipt at the manufacturer be signed by the ward.
 */
function requireStepOwner(ctx: ServiceContext, siteId: string, type: string, state: string) {
  const owners = stepOwners(type);
  if (!owners) return;
  const roles = rolesAt(ctx.actor, siteId);
  if (owners.some((r) => roles.includes(r))) return;
  throw new DomainError(
    "forbidden",
    `${type} is recorded by ${owners.join(" or ")}; your role at this site is ${roles.join(", ") || "none"}.`,
    [{ path: "/type", message: `${type} is recorded by ${owners.join(" or ")}` }],
    { rule: "V2V-PRODUCT-STEP-OWNER", from: state, event: type },
  );
}

function checkVersionOf(current: number, expected: ReturnType<typeof expectedVersion>) {
  // A product event without a version is allowed: the state machine already refuses a move that
  // no longer fits, and scanners at the bench do not carry versions. A version, when sent, must match.
  if (!expected || expected.version === undefined || expected.version === current) return;
  throw new DomainError(
    expected.source === "if-match" ? "precondition-failed" : "conflict",
    `The product changed since you read it: you sent version ${expected.version}, it is now at ${current}. Nothing was written.`,
    [],
    { currentVersion: current, sentVersion: expected.version },
  );
}

export async function getProduct(
  ctx: ServiceContext,
  id: string,
): Promise<
  ProductDto & { /** the patient's subject code, as people name the bag's owner */ subjectCode: string }
> {
  const row = await loadProduct(ctx.db, id);
  requireAt(ctx.actor, row.site_id, "study:read", "product", id);
  const names = await readableNames(ctx.db, [row.patient_id]);
  return { ...productDto(row), subjectCode: names.get(row.patient_id)?.name ?? "" };
}

export async function listProductHistory(ctx: ServiceContext, id: string) {
  const row = await loadProduct(ctx.db, id);
  requireAt(ctx.actor, row.site_id, "study:read", "product", id);
  const events = await listProductEvents(ctx.db, id);
  const names = await readableNames(
    ctx.db,
    events.flatMap((e) => [e.actor ?? "", e.recorded_by]),
  );
  const nameOf = (userId: string | null) => (userId ? (names.get(userId)?.name ?? userId) : null);
  return {
    items: events.map((e) => ({
      id: e.id,
      type: e.event_type,
      fromState: e.from_state,
      toState: e.to_state,
      actor: e.actor,
      /** the actor's display name */
      actorName: nameOf(e.actor),
      at: e.at.toISOString(),
      recordedBy: e.recorded_by,
      recordedByName: nameOf(e.recorded_by),
      recordedAt: e.recorded_at.toISOString(),
      payload: e.payload,
    })),
  };
}

export async function listJourneyProductUnits(ctx: ServiceContext, journeyId: string) {
  const journey = await findJourney(ctx.db, journeyId);
  if (!journey) throw notFound("journey", journeyId);
  requireAt(ctx.actor, journey.site_id, "study:read", "journey", journeyId);
  return { items: (await listJourneyProducts(ctx.db, journeyId)).map(productDto) };
}
