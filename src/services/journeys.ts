/**
 * The patient journey, one per enrolment (shared/domain/workflow-standards.md §1.3). Each move is
 * one call: the pure machine (src/domain/vein-to-vein.ts) decides, and the new state, the event row
 * and the audit record commit together under an optimistic version check. A refused move writes
 * nothing. Facts about the product and the bedside check are taken from the database, never from
 * the request, so a client cannot claim a release or a verification that did not happen.
 */

import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { DomainError, notFound } from "../domain/errors.ts";
import { checkEventTime } from "../domain/event-time.ts";
import { ServerFilled } from "../domain/schemas/common.ts";
import {
  allowedEvents,
  applyJourneyEvent,
  type JourneyEvent,
  type JourneyState,
  RESEARCH_SUBJECT_STATUS,
} from "../domain/vein-to-vein.ts";
import {
  findJourney,
  findJourneyByEnrolment,
  insertJourney,
  insertJourneyEvent,
  listJourneyEvents,
  updateJourneyState,
} from "../store/journeys.ts";
import type { DB, Selectable } from "../store/schema.ts";
import type { JourneysTable } from "../store/schema-journey.ts";
import { findById, updateVersioned } from "../store/versioned.ts";
import { checkVersion, requireAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { applySlotEffects, prepareApheresisSlot } from "./manufacturing-slots.ts";
import { expectedVersion } from "./patients.ts";
import { applyProductInTx, bedsideVerificationFor, currentFinalProduct, productFacts } from "./products.ts";
import { auditCreated } from "./records.ts";
import { parseInput } from "./validate.ts";
import { closeVisitsAtJourneyEnd, dateAtSite, syncEnrolmentVisits } from "./visits.ts";

type JourneyRow = Selectable<JourneysTable>;

/** §1.3: every journey starts when the patient is referred. */
export const INITIAL_JOURNEY_STATE: JourneyState = "referred";

export interface JourneyDto extends Record<string, unknown> {
  id: string;
  enrolmentId: string;
  patientId: string;
  siteId: string;
  state: JourneyState;
  /** FHIR R4 ResearchSubject.status for this state (§1.3 mapping) */
  researchSubjectStatus: string;
  allowedEvents: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

const toDto = (r: JourneyRow): JourneyDto => {
  const state = r.state as JourneyState;
  return {
    id: r.id,
    enrolmentId: r.enrolment_id,
    patientId: r.patient_id,
    siteId: r.site_id,
    state,
    researchSubjectStatus: RESEARCH_SUBJECT_STATUS[state],
    allowedEvents: allowedEvents(state),
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
};

export async function openJourney(ctx: ServiceContext, enrolmentId: string): Promise<JourneyDto> {
  return inTransaction(ctx, async (db) => {
    const enrolment = await findById(db, "enrolments", enrolmentId);
    if (!enrolment) throw notFound("enrolment", enrolmentId);
    requireAt(ctx.actor, enrolment.site_id, "enrolment:write", "enrolment", enrolmentId);
    const existing = await findJourneyByEnrolment(db, enrolmentId);
    if (existing)
      throw new DomainError("conflict", "This enrolment already has a journey.", [], {
        journeyId: existing.id,
      });
    const now = ctx.now();
    const row = await insertJourney(db, {
      id: uuidv7(),
      enrolment_id: enrolment.id,
      patient_id: enrolment.patient_id,
      site_id: enrolment.site_id,
      state: INITIAL_JOURNEY_STATE,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "journey", row, toDto);
  });
}

async function loadJourneyFor(
  ctx: ServiceContext,
  id: string,
  permission: "enrolment:read" | "enrolment:write",
) {
  const row = await findJourney(ctx.db, id);
  if (!row) throw notFound("journey", id);
  requireAt(ctx.actor, row.site_id, permission, "journey", id);
  return row;
}

/** The journey of an enrolment, for screens that start from the patient (issue 11); 404 when none is open. */
export async function getJourneyOfEnrolment(ctx: ServiceContext, enrolmentId: string): Promise<JourneyDto> {
  const row = await findJourneyByEnrolment(ctx.db, enrolmentId);
  if (!row) throw notFound("journey of enrolment", enrolmentId);
  requireAt(ctx.actor, row.site_id, "enrolment:read", "journey", row.id);
  return toDto(row);
}

export async function getJourney(ctx: ServiceContext, id: string): Promise<JourneyDto> {
  return toDto(await loadJourneyFor(ctx, id, "enrolment:read"));
}

const STAMPED_BY_SERVER =
  "journey events are stamped by the server: the actor is the signed-in user and the time is the server's clock; do not send it";

/** The event's own fields pass through to the machine; who and when are the server's. */
export const JourneyEventInput = z.looseObject({
  type: z.string().min(1).max(60),
  reason: z.string().max(2000).optional(),
  version: z.number().int().min(1).optional(),
  actor: ServerFilled(STAMPED_BY_SERVER),
  actorId: ServerFilled(STAMPED_BY_SERVER),
  at: ServerFilled(STAMPED_BY_SERVER),
});

/** Fields the server fills from its own records; a value sent for them is ignored. */
const SERVER_FACTS = ["product", "productAvailableAtSite", "verification", "bedsideVerification"] as const;

export async function applyJourney(
  ctx: ServiceContext,
  journeyId: string,
  raw: unknown,
  ifMatch?: number,
): Promise<JourneyDto> {
  const input = parseInput(JourneyEventInput, raw);
  return inTransaction(ctx, async (db) => {
    const journey = await findJourney(db, journeyId);
    if (!journey) throw notFound("journey", journeyId);
    requireAt(ctx.actor, journey.site_id, "enrolment:write", "journey", journeyId);
    checkVersion(journey.version, expectedVersion(ifMatch, input.version));
    const { version: _v, ...rest } = input;
    const event: Record<string, unknown> = { ...rest };
    for (const k of SERVER_FACTS) delete event[k];
    const product = await currentFinalProduct(db, journey.id);
    switch (event.type) {
      case "product-released":
        event.product = productFacts(product);
        break;
      case "start-lymphodepletion":
        // §1.3: LD starts only once the product is physically at the site.
        event.productAvailableAtSite = product?.state === "stored-at-site" || product?.state === "thawed";
        event.product = productFacts(product);
        break;
      case "verify-at-bedside":
        event.verification = await bedsideVerificationFor(db, product);
        break;
      case "infuse":
        event.product = productFacts(product);
        event.bedsideVerification = await bedsideVerificationFor(db, product);
        break;
    }
    // Booking or moving apheresis needs a free manufacturing slot downstream (issue 4).
    await prepareApheresisSlot(db, ctx, journey, event);
    const from = journey.state as JourneyState;
    const result = applyJourneyEvent(from, event as unknown as JourneyEvent);
    const now = ctx.now();
    // Stamped with the server's clock, which must not have gone back past the previous event.
    const last = (await listJourneyEvents(db, journey.id)).at(-1);
    checkEventTime({
      what: String(event.type),
      at: now,
      now,
      previous: last
        ? { what: last.event_type, at: last.at }
        : { what: "the journey's opening", at: journey.created_at },
      stampedByServer: true,
    });
    const updated = await updateJourneyState(db, journey.id, journey.version, result.state, now);
    if (!updated)
      throw new DomainError(
        "conflict",
        "The journey changed while this event was applied. Nothing was written.",
      );
    await insertJourneyEvent(db, {
      id: uuidv7(),
      journey_id: journey.id,
      site_id: journey.site_id,
      event_type: String(event.type),
      payload: JSON.stringify(event),
      from_state: from,
      to_state: result.state,
      actor_id: ctx.actor.userId,
      at: now,
      reason: input.reason ?? null,
    });
    await applySlotEffects(db, ctx, journey, event, result.effects);
    for (const effect of result.effects)
      if (effect.type === "close-open-visits") await closeVisitsAtJourneyEnd(db, ctx, journey, effect.reason);
    // The bag is administered in the same transaction as the infusion, so the two records cannot disagree.
    if (event.type === "infuse" && product)
      await applyProductInTx(db, ctx, product, { type: "administer" }, product.version);
    if (event.type === "infuse") await recordDayZero(db, ctx, journey, now);
    await appendAudit(db, ctx, {
      action: "update",
      entityType: "journey",
      entityId: journey.id,
      siteId: journey.site_id,
      before: { state: from, version: journey.version },
      after: { state: result.state, version: updated.version, event: event.type, effects: result.effects },
      reason: input.reason ?? null,
    });
    return { ...toDto(updated), effects: result.effects };
  });
}

/**
 * The infusion recorded on the journey is day 0: the enrolment's infusion date (the site's
 * calendar date of the infusion) is set from it, and the follow-up visits are generated from it
 * (services/visits.ts syncEnrolmentVisits), in the infusion's transaction, so an infused patient
 * never waits for someone to type her infusion date before her study days, visits and cohort
 * membership exist. A date entered on the enrolment beforehand that disagrees gives way to the
 * recorded infusion; the change is audited on the enrolment with its reason.
 */
async function recordDayZero(db: Kysely<DB>, ctx: ServiceContext, journey: JourneyRow, at: Date) {
  const enrolment = await findById(db, "enrolments", journey.enrolment_id);
  if (!enrolment) return;
  const day0 = await dateAtSite(db, journey.site_id, at);
  if (enrolment.infusion_date === day0) return;
  const reason = "Day 0 set from the infusion recorded on the journey";
  const updated = await updateVersioned(
    db,
    "enrolments",
    enrolment.id,
    enrolment.version,
    { infusion_date: day0 },
    at,
  );
  if (!updated)
    throw new DomainError(
      "conflict",
      "The enrolment changed while the infusion was recorded. Nothing was written.",
    );
  await syncEnrolmentVisits(
    db,
    ctx,
    { ...enrolment, infusion_date: day0 },
    { previousInfusionDate: enrolment.infusion_date, reason },
  );
  await appendAudit(db, ctx, {
    action: "update",
    entityType: "enrolment",
    entityId: enrolment.id,
    siteId: enrolment.site_id,
    before: { infusionDate: enrolment.infusion_date, version: enrolment.version },
    after: { infusionDate: day0, version: updated.version },
    reason,
  });
}

export async function listJourneyHistory(ctx: ServiceContext, journeyId: string) {
  await loadJourneyFor(ctx, journeyId, "enrolment:read");
  const rows = await listJourneyEvents(ctx.db, journeyId);
  return {
    items: rows.map((e) => ({
      id: e.id,
      type: e.event_type,
      fromState: e.from_state,
      toState: e.to_state,
      actorId: e.actor_id,
      at: e.at.toISOString(),
      reason: e.reason,
      payload: e.payload,
    })),
  };
}
