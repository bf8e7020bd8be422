/**
 * Manufacturing slots and the journey's booking of one (issue 4, "Scheduling"): apheresis is booked
 * only when a slot downstream has a free place; moving apheresis moves the booking (or is refused
 * when no slot takes the new date); cancelling, withdrawing or dying before apheresis gives the
 * place back. The fit rules are pure (src/domain/manufacturing-slots.ts); the place is taken with
 * one conditional UPDATE (src/store/manufacturing-slots.ts), so capacity holds under concurrency.
 *
 * Permissions. Creating a slot needs `product:write` at the site whose team manages it
 * (manufacturing, and the clinical roles that hold product:write), not `study:write`: capacity is
 * the manufacturing facility's day-to-day planning, not a protocol change, and roles.ts already
 * lists manufacturing slots under product:write. Reading slots needs `study:read` in the product's
 * study. A booking is part of the journey move and is authorised by it (enrolment:write at the
 * journey's site); the slot may belong to another site's facility (central manufacturing).
 */
import type { Kysely } from "kysely";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { DomainError, notFound } from "../domain/errors.ts";
import {
  earliestCollection,
  freePlaces,
  pickSlot,
  SLOT_RULES,
  type SlotFacts,
  type SlotRule,
  slotRefusal,
} from "../domain/manufacturing-slots.ts";
import { CalendarDate, NonEmptyText, Uuid } from "../domain/schemas/common.ts";
import { localDate } from "../domain/study-day.ts";
import { allowedEvents, type JourneyEffect, type JourneyState } from "../domain/vein-to-vein.ts";
import { findJourney } from "../store/journeys.ts";
import {
  findSlot,
  findSlotOn,
  givePlaceBack,
  insertBooking,
  insertSlot,
  journeyBookings,
  listSlots as listSlotRows,
  markBookingFreed,
  markBookingUsed,
  moveBookingDate,
  openBooking,
  studyProductIds,
  takePlace,
} from "../store/manufacturing-slots.ts";
import type { DB, Selectable } from "../store/schema.ts";
import type { JourneysTable } from "../store/schema-journey.ts";
import type { ManufacturingSlotBookingsTable, ManufacturingSlotsTable } from "../store/schema-scheduling.ts";
import { findSite } from "../store/sites.ts";
import { listCarProducts, studySiteIds } from "../store/studies.ts";
import { findById } from "../store/versioned.ts";
import { readableSites, requireAt } from "./access.ts";
import { appendAudit } from "./audit.ts";
import { inTransaction, type ServiceContext } from "./context.ts";
import { auditCreated } from "./records.ts";
import { loadStudyFor } from "./studies.ts";
import { parseInput } from "./validate.ts";

type SlotRow = Selectable<ManufacturingSlotsTable>;
type BookingRow = Selectable<ManufacturingSlotBookingsTable>;

export interface SlotDto extends Record<string, unknown> {
  id: string;
  carProductId: string;
  siteId: string;
  facility: string;
  startsOn: string;
  collectionWindowDays: number;
  /** first apheresis date the slot accepts (startsOn − collectionWindowDays) */
  acceptsCollectionFrom: string;
  capacity: number;
  booked: number;
  free: number;
  note: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const facts = (r: SlotRow): SlotFacts => ({
  id: r.id,
  carProductId: r.car_product_id,
  startsOn: r.starts_on,
  collectionWindowDays: r.collection_window_days,
  capacity: r.capacity,
  booked: r.booked,
});

export const slotDto = (r: SlotRow): SlotDto => ({
  id: r.id,
  carProductId: r.car_product_id,
  siteId: r.site_id,
  facility: r.facility,
  startsOn: r.starts_on,
  collectionWindowDays: r.collection_window_days,
  acceptsCollectionFrom: earliestCollection(facts(r)),
  capacity: r.capacity,
  booked: r.booked,
  free: freePlaces(facts(r)),
  note: r.note,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface BookingDto extends Record<string, unknown> {
  id: string;
  slotId: string;
  journeyId: string;
  apheresisDate: string;
  status: "booked" | "used" | "freed";
  bookedAt: string;
  bookedBy: string;
  freedAt: string | null;
  freedReason: string | null;
}

export const bookingDto = (b: BookingRow): BookingDto => ({
  id: b.id,
  slotId: b.slot_id,
  journeyId: b.journey_id,
  apheresisDate: b.apheresis_date,
  status: b.status,
  bookedAt: b.booked_at.toISOString(),
  bookedBy: b.booked_by,
  freedAt: b.freed_at ? b.freed_at.toISOString() : null,
  freedReason: b.freed_reason,
});

export const SlotCreate = z
  .object({
    carProductId: Uuid,
    /** the site whose manufacturing team manages the slot */
    siteId: Uuid,
    facility: NonEmptyText(200).describe("Manufacturing facility, e.g. 'SZ GMP cell-processing unit'"),
    startsOn: CalendarDate.describe("Day manufacturing starts"),
    collectionWindowDays: z
      .number()
      .int()
      .min(0)
      .max(30)
      .describe(
        "Apheresis may be collected up to this many days before startsOn (the facility's intake rule)",
      ),
    capacity: z.number().int().min(1).max(500).describe("Patients the slot takes"),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

export async function createSlot(ctx: ServiceContext, raw: unknown): Promise<SlotDto> {
  const input = parseInput(SlotCreate, raw);
  requireAt(ctx.actor, input.siteId, "product:write", "site", input.siteId);
  return inTransaction(ctx, async (db) => {
    const product = await findById(db, "car_products", input.carProductId);
    if (!product)
      throw new DomainError("validation", "Unknown CAR product.", [
        { path: "/carProductId", message: `No CAR product ${input.carProductId}` },
      ]);
    if (!(await studySiteIds(db, product.study_id)).includes(input.siteId))
      throw new DomainError("validation", "The site does not take part in this product's study.", [
        { path: "/siteId", message: "not a site of the product's study" },
      ]);
    const clash = await findSlotOn(db, input.carProductId, input.facility, input.startsOn);
    if (clash)
      throw new DomainError(
        "conflict",
        "This facility already has a slot for this product on that day; change its capacity instead.",
        [{ path: "/startsOn", message: "slot exists" }],
        { slotId: clash.id },
      );
    const now = ctx.now();
    const row = await insertSlot(db, {
      id: uuidv7(),
      car_product_id: input.carProductId,
      site_id: input.siteId,
      facility: input.facility,
      starts_on: input.startsOn,
      collection_window_days: input.collectionWindowDays,
      capacity: input.capacity,
      note: input.note ?? null,
      created_at: now,
      created_by: ctx.actor.userId,
      updated_at: now,
    });
    return auditCreated(db, ctx, "manufacturing-slot", row, slotDto);
  });
}

export const SlotQuery = z.object({
  carProductId: Uuid.optional(),
  studyId: Uuid.optional(),
  from: CalendarDate.optional(),
  to: CalendarDate.optional(),
  // the route has already turned "true" into true; the CLI and tests may pass either
  onlyFree: z
    .union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")])
    .optional()
    .describe("Only slots with a free place"),
});

/** Slots with their free places, for the products the actor may read (optionally one product or study). */
export async function listSlots(ctx: ServiceContext, raw: unknown): Promise<{ items: SlotDto[] }> {
  const q = parseInput(SlotQuery, raw);
  let productIds: string[];
  if (q.carProductId) {
    const product = await findById(ctx.db, "car_products", q.carProductId);
    if (!product) throw notFound("product", q.carProductId);
    await loadStudyFor(ctx, product.study_id, "study:read");
    productIds = [product.id];
  } else if (q.studyId) {
    await loadStudyFor(ctx, q.studyId, "study:read");
    productIds = await studyProductIds(ctx.db, q.studyId);
  } else {
    const rows = await listCarProducts(
      ctx.db,
      readableSites(ctx.actor, "study:read"),
      undefined,
      undefined,
      10_000,
    );
    productIds = rows.map((r) => r.id);
  }
  const rows = await listSlotRows(ctx.db, { carProductIds: productIds, ...q });
  return { items: rows.map(slotDto) };
}

export async function getSlot(ctx: ServiceContext, id: string): Promise<SlotDto> {
  const row = await findSlot(ctx.db, id);
  if (!row) throw notFound("manufacturing slot", id);
  const product = (await findById(ctx.db, "car_products", row.car_product_id))!;
  await loadStudyFor(ctx, product.study_id, "study:read").catch((e) => {
    throw e instanceof DomainError && e.code === "not-found" ? notFound("manufacturing slot", id) : e;
  });
  return slotDto(row);
}

export async function listJourneySlotBookings(ctx: ServiceContext, journeyId: string) {
  const journey = await findJourney(ctx.db, journeyId);
  if (!journey) throw notFound("journey", journeyId);
  requireAt(ctx.actor, journey.site_id, "enrolment:read", "journey", journeyId);
  return { items: (await journeyBookings(ctx.db, journeyId)).map(bookingDto) };
}

// ───────────────────────────────────────── journey hooks ──

type JourneyRow = Selectable<JourneysTable>;

function refuse(rule: SlotRule, message: string, from: string, event: string, extra = {}): never {
  throw new DomainError("rule-violation", message, [], { rule, from, event, ...extra });
}

/**
 * Server facts for booking or moving apheresis: the apheresis date (default: today at the site)
 * and the slot (the one named, else the one `pickSlot` chooses). Runs before the state machine so
 * its guard sees a slot; does nothing when the move is not allowed from the journey's state, so
 * the machine's own refusal (out of sequence, closed journey) is the one reported.
 */
export async function prepareApheresisSlot(
  db: Kysely<DB>,
  ctx: ServiceContext,
  journey: JourneyRow,
  event: Record<string, unknown>,
): Promise<void> {
  const type = event.type;
  if (type !== "book-apheresis" && type !== "reschedule-apheresis") return;
  const state = journey.state as JourneyState;
  if (!allowedEvents(state).includes(type)) return;
  const issues = [];
  if (event.apheresisDate !== undefined && !CalendarDate.safeParse(event.apheresisDate).success)
    issues.push({ path: "/apheresisDate", message: "a calendar date, YYYY-MM-DD" });
  const named = event.manufacturingSlotId;
  if (named !== undefined && !Uuid.safeParse(named).success)
    issues.push({ path: "/manufacturingSlotId", message: "the id of a manufacturing slot" });
  if (issues.length)
    throw new DomainError("validation", "The booking has problems; nothing was written.", issues);
  const site = (await findSite(db, journey.site_id))!;
  const date = (event.apheresisDate as string | undefined) ?? localDate(ctx.now(), site.time_zone);
  event.apheresisDate = date;
  const enrolment = (await findById(db, "enrolments", journey.enrolment_id))!;
  const productIds = await studyProductIds(db, enrolment.study_id);
  const current = type === "reschedule-apheresis" ? await openBooking(db, journey.id) : undefined;

  if (typeof named === "string") {
    const slot = await findSlot(db, named);
    if (!slot) throw notFound("manufacturing slot", named);
    const f = facts(slot);
    // The journey's own place is already counted in the slot it keeps.
    const own = current?.slot_id === slot.id ? { ...f, booked: f.booked - 1 } : f;
    const why = slotRefusal(own, date, productIds);
    if (why) refuse(why.rule, why.message, state, type, { slotId: slot.id, apheresisDate: date });
    return;
  }
  if (current) {
    const kept = await findSlot(db, current.slot_id);
    if (kept && slotRefusal({ ...facts(kept), booked: kept.booked - 1 }, date, productIds) === null) {
      event.manufacturingSlotId = kept.id;
      return;
    }
  }
  const candidates = (await listSlotRows(db, { carProductIds: productIds, onlyFree: true })).map(facts);
  const chosen = pickSlot(candidates, date, productIds);
  if (!chosen)
    refuse(
      "V2V-APHERESIS-NEEDS-SLOT",
      productIds.length === 0
        ? "Apheresis cannot be booked: the study has no CAR product, so there is no manufacturing slot."
        : `Apheresis cannot be booked on ${date}: no manufacturing slot of this study's products with a free place accepts material collected that day. ${SLOT_RULES["V2V-APHERESIS-NEEDS-SLOT"]}`,
      state,
      type,
      { apheresisDate: date },
    );
  event.manufacturingSlotId = chosen.id;
}

/**
 * Carries out the machine's slot effects in the journey's transaction: take a place, move the
 * booking, give the place back; and marks the booking used once apheresis is recorded. A place
 * taken between `prepareApheresisSlot` and here by someone else refuses the whole move.
 */
export async function applySlotEffects(
  db: Kysely<DB>,
  ctx: ServiceContext,
  journey: JourneyRow,
  event: Record<string, unknown>,
  effects: readonly JourneyEffect[],
): Promise<void> {
  const now = ctx.now();
  const date = event.apheresisDate as string;
  const take = async (slotId: string) => {
    if (!(await takePlace(db, slotId, now)))
      refuse("V2V-SLOT-FULL", SLOT_RULES["V2V-SLOT-FULL"], journey.state, String(event.type), { slotId });
    const b = await insertBooking(db, {
      id: uuidv7(),
      slot_id: slotId,
      journey_id: journey.id,
      site_id: journey.site_id,
      apheresis_date: date,
      status: "booked",
      booked_at: now,
      booked_by: ctx.actor.userId,
    });
    await audit(db, ctx, b.id, journey.site_id, null, bookingDto(b));
  };
  const free = async (b: BookingRow, reason: string) => {
    const freed = await markBookingFreed(db, b.id, ctx.actor.userId, now, reason);
    if (!freed) return;
    await givePlaceBack(db, b.slot_id, now);
    await audit(db, ctx, b.id, journey.site_id, bookingDto(b), bookingDto(freed), reason);
  };
  for (const e of effects) {
    if (e.type === "reserve-manufacturing-slot") {
      // After a manufacturing failure the first booking was used; the new one is a new row.
      await take(e.slotId);
    } else if (e.type === "move-manufacturing-slot") {
      const current = await openBooking(db, journey.id);
      if (current && current.slot_id === e.slotId) {
        const moved = await moveBookingDate(db, current.id, date);
        await audit(db, ctx, current.id, journey.site_id, bookingDto(current), bookingDto(moved));
      } else {
        if (current) await free(current, `apheresis moved to ${date}`);
        await take(e.slotId);
      }
    } else if (e.type === "free-manufacturing-slot") {
      const current = await openBooking(db, journey.id);
      if (current) await free(current, `${String(event.type)}${event.reason ? `: ${event.reason}` : ""}`);
    }
  }
  if (event.type === "record-apheresis") {
    const current = await openBooking(db, journey.id);
    if (current) {
      const used = await markBookingUsed(db, current.id);
      if (used) await audit(db, ctx, current.id, journey.site_id, bookingDto(current), bookingDto(used));
    }
  }
}

const audit = (
  db: Kysely<DB>,
  ctx: ServiceContext,
  id: string,
  siteId: string,
  before: BookingDto | null,
  after: BookingDto,
  reason?: string,
) =>
  appendAudit(db, ctx, {
    action: before ? "update" : "create",
    entityType: "manufacturing-slot-booking",
    entityId: id,
    siteId,
    before,
    after,
    reason: reason ?? null,
  });
