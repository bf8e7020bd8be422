/**
 * Records a demo patient's vein-to-vein journey through the same services a program would call:
 * journey moves, the collection and the final bag on one chain of identity, shipment and storage,
 * lymphodepletion, the two-person bedside verification and the infusion, then follow-up. Each
 * step runs with the service clock set to the moment it happened (src/demo/journey-dates.ts) and
 * as the demo user who would have done it, so the history reads like the real thing. The signed
 * steps (QA release, the bedside check) are signed the way a program signs them: each demo signer
 * re-enters their (published) demo password, checked like any other (services/signatures.ts).
 */

import { addDays } from "../domain/calendar.ts";
import { verifyAtBedside } from "../services/bedside.ts";
import type { ServiceContext } from "../services/context.ts";
import { recordHandOff, recordLoggerReadings } from "../services/custody.ts";
import { applyJourney, openJourney } from "../services/journeys.ts";
import { createSlot, listSlots } from "../services/manufacturing-slots.ts";
import { applyProduct, recordCollection, recordFinalProduct } from "../services/products.ts";
import { enterQcResults, releaseProduct } from "../services/release.ts";
import type { JourneyDates } from "./journey-dates.ts";
import { at, type SiteCode } from "./plan.ts";

/**
 * Placeholder ISBT 128 product description codes for the synthetic construct (ST-010 codes are
 * assigned by ICCBBA; these only follow the syntax): the apheresis collection and the final
 * cryopreserved CAR-T bag.
 */
export const DEMO_COLLECTION_CODE = "S1001V00";
export const DEMO_FINAL_PRODUCT_CODE = "S2001V00";
/** Post-thaw stability from the (synthetic) label: infuse within 90 minutes of thawing. */
export const DEMO_THAW_STABILITY_MINUTES = 90;

/** Who does what: a service context per demo user, at a given moment. */
export interface DemoCrew {
  coordinator(site: SiteCode, instant: string): ServiceContext;
  investigator(instant: string): ServiceContext;
  manufacturing(instant: string): ServiceContext;
  quality(instant: string): ServiceContext;
  investigatorUserId: string;
  /** a demo user's signature: their username, their demo password and the meaning */
  signature(
    who: "investigator" | "quality" | { coordinatorAt: SiteCode },
    meaning: "released" | "verified product identity at bedside",
  ): { username: string; password: string; meaning: string };
  /** the demo study's CAR product and the site whose cell lab runs its manufacturing slots */
  carProductId: string;
  labSiteId: string;
}

/** What the bag must hold: the enrolment's dose level (CAR+ cells/kg) and the weight it is dosed on. */
export interface DemoDose {
  cellsPerKg: number;
  weightKg: number;
}

const LAB = "Demo GMP cell-processing unit (synthetic)";
const COURIER = "Demo courier (synthetic)";

export interface WalkedJourney {
  journeyId: string;
  state: string;
  productIds: string[];
}

export async function walkJourney(
  crew: DemoCrew,
  site: SiteCode,
  patient: { subjectCode: string; enrolmentId: string; dose?: DemoDose },
  d: JourneyDates,
): Promise<WalkedJourney> {
  const coord = (date: string, time = "10:00") => crew.coordinator(site, at(date, time));
  const inv = (date: string, time = "10:00") => crew.investigator(at(date, time));
  const lab = (date: string, time = "10:00") => crew.manufacturing(at(date, time));

  const journey = await openJourney(coord(d.referral, "09:00"), patient.enrolmentId);
  const id = journey.id;
  let state = journey.state;
  let version = journey.version;
  const move = async (ctx: ServiceContext, event: Record<string, unknown>) => {
    const moved = await applyJourney(ctx, id, { ...event, version });
    state = moved.state;
    version = moved.version;
  };
  // The product's version is tracked per unit, as a client holding the record would.
  const productVersions = new Map<string, number>();
  const productMove = async (ctx: ServiceContext, productId: string, event: Record<string, unknown>) => {
    const moved = await applyProduct(ctx, productId, { ...event, version: productVersions.get(productId) });
    productVersions.set(productId, moved.version);
    return moved;
  };
  const productIds: string[] = [];
  const done = () => ({ journeyId: id, state, productIds });

  await move(inv(d.consult, "14:00"), { type: "consult" });
  await move(inv(d.consent, "10:00"), { type: "sign-consent", scopes: ["trial", "data-transfer"] });
  await move(coord(d.consent, "11:00"), { type: "start-screening" });
  if (d.end.kind === "screening") return done();
  if (d.end.kind === "screen-failed") {
    await move(inv(d.end.on, "15:00"), { type: "fail-screening", failedCriteria: [d.end.criteria] });
    return done();
  }
  if (!d.enrolled) return done();
  await move(inv(d.enrolled, "09:00"), { type: "enrol", pathway: "trial", eligibilityConfirmed: true });
  if (!d.apheresis) return done();
  await ensureSlot(crew, addDays(d.apheresis, 1), at(d.enrolled, "09:30"));
  // The service picks the free slot that accepts material collected on the apheresis day.
  await move(coord(d.enrolled, "10:00"), { type: "book-apheresis", apheresisDate: d.apheresis });
  await move(coord(d.apheresis, "13:00"), { type: "record-apheresis" });
  const collection = await recordCollection(coord(d.apheresis, "13:10"), id, {
    productCode: DEMO_COLLECTION_CODE,
  });
  productIds.push(collection.id);
  productVersions.set(collection.id, collection.version);
  await move(coord(d.apheresis, "15:00"), { type: "hand-to-courier" });
  await productMove(coord(d.apheresis, "15:00"), collection.id, { type: "ship-to-manufacturer" });
  await ship(coord(d.apheresis, "15:05"), collection.id, {
    from: `${site} apheresis unit`,
    to: COURIER,
    at: at(d.apheresis, "15:00"),
    hours: 16,
    celsius: 5,
  });

  if (d.end.kind === "withdrawn") {
    await move(inv(d.end.on, "14:00"), { type: "withdraw", reason: d.end.reason });
    return done();
  }

  if (d.bridging) {
    await move(inv(d.bridging.from, "09:00"), { type: "start-bridging", kind: d.bridging.kind });
  }
  if (!d.manufactureStart || d.manufactureStart > (d.infusion ?? d.manufactureStart)) return done();
  await productMove(lab(d.manufactureStart, "08:00"), collection.id, { type: "receive-at-manufacturer" });
  await productMove(lab(d.manufactureStart, "09:00"), collection.id, { type: "start-manufacture" });
  const bag = await recordFinalProduct(lab(d.manufactureStart, "09:30"), collection.id, {
    productCode: DEMO_FINAL_PRODUCT_CODE,
    thawStabilityMinutes: DEMO_THAW_STABILITY_MINUTES,
  });
  productIds.push(bag.id);
  productVersions.set(bag.id, bag.version);
  if (!d.manufactureEnd) return done();
  await productMove(lab(d.manufactureEnd, "17:00"), bag.id, { type: "complete-manufacture" });
  if (!d.release || !d.infusion) return done();

  // QA enters the QC panel; a bag meeting every criterion of the specification then awaits QA's
  // release, which the QA user signs with their password.
  const qc = await enterQcResults(crew.quality(at(d.release, "11:00")), bag.id, {
    results: passingQcResults(at(d.release, "09:00"), patient.dose),
  });
  if (qc.releaseState !== "awaiting-qa-release")
    throw new Error(
      `demo bag of ${patient.subjectCode} does not meet its specification: ${JSON.stringify(qc.evaluation)}`,
    );
  const released = await releaseProduct(crew.quality(at(d.release, "11:15")), bag.id, {
    signatures: [crew.signature("quality", "released")],
  });
  productVersions.set(bag.id, released.product.version);
  if (d.bridging) await move(inv(d.bridging.to, "18:00"), { type: "end-bridging" });
  // The patient moves on to the pre-LD check once the bag is released and any washout has ended
  // (a lupus taper runs until the week before lymphodepletion, after the release): journey events
  // follow one another in time (src/domain/event-time.ts).
  const washoutLater = d.bridging !== undefined && d.bridging.to >= d.release;
  await move(washoutLater ? inv(d.bridging!.to, "18:30") : inv(d.release, "12:00"), {
    type: "product-released",
  });
  await productMove(lab(d.shipToSite!, "08:00"), bag.id, { type: "ship-to-site" });
  await ship(lab(d.receivedAtSite!, "13:55"), bag.id, {
    from: LAB,
    to: `${site} cell-therapy unit`,
    at: at(d.shipToSite!, "08:00"),
    hours: 30,
    celsius: -182,
  });
  await productMove(coord(d.receivedAtSite!, "14:00"), bag.id, { type: "receive-at-site" });
  await move(inv(d.lymphodepletion!.from, "08:00"), { type: "start-lymphodepletion", patientFit: true });
  await move(inv(d.lymphodepletion!.to, "18:00"), { type: "complete-lymphodepletion" });

  const thawedAt = at(d.infusion, "09:30");
  const thawed = await productMove(coord(d.infusion, "09:30"), bag.id, { type: "thaw", at: thawedAt });
  // The coordinator and the investigator each sign at the bedside with their own password.
  await verifyAtBedside(coord(d.infusion, "09:45"), bag.id, {
    signatures: [
      crew.signature({ coordinatorAt: site }, "verified product identity at bedside"),
      crew.signature("investigator", "verified product identity at bedside"),
    ],
    patientSubjectCode: patient.subjectCode,
    coiId: thawed.coiId,
    din: thawed.din,
    dinCheckCharacter: thawed.dinCheckCharacter,
    productCode: thawed.productCode,
    thawedAt: new Date(thawedAt).toISOString(),
  });
  await move(inv(d.infusion, "09:50"), { type: "verify-at-bedside" });
  await move(inv(d.infusion, "10:00"), { type: "infuse" });
  await move(inv(d.infusion, "10:30"), { type: "start-acute-monitoring" });

  if (d.end.kind === "died" && !d.followUp) {
    await move(inv(d.end.on, "08:00"), { type: "die" });
    return done();
  }
  if (d.followUp) await move(inv(d.followUp, "11:00"), { type: "start-follow-up" });
  if (d.longTermFollowUp) await move(inv(d.longTermFollowUp, "11:00"), { type: "start-long-term-follow-up" });
  switch (d.end.kind) {
    case "died":
      await move(inv(d.end.on, "08:00"), { type: "die" });
      break;
    case "lost":
      await move(inv(d.end.on, "10:00"), { type: "lose-to-follow-up" });
      break;
    case "completed":
      await move(inv(d.end.on, "11:30"), { type: "complete" });
      break;
  }
  return done();
}

/** A courier hand-off and the shipper's logger trace (every 15 minutes, well inside the range). */
async function ship(
  ctx: ServiceContext,
  productId: string,
  o: { from: string; to: string; at: string; hours: number; celsius: number },
) {
  const loggerId = `DEMO-LOG-${productId.slice(-6).toUpperCase()}`;
  await recordHandOff(ctx, productId, {
    fromParty: o.from,
    toParty: o.to,
    place: o.from,
    at: o.at,
    shipperId: `DEMO-SHIPPER-${productId.slice(-4).toUpperCase()}`,
    loggerId,
  });
  const start = Date.parse(o.at);
  const readings = Array.from({ length: o.hours * 4 + 1 }, (_, i) => ({
    at: new Date(start + i * 15 * 60_000).toISOString(),
    celsius: o.celsius + ((i % 5) - 2) * 0.4,
  }));
  const upload = await recordLoggerReadings(ctx, productId, { loggerId, readings });
  if (upload.quarantine === "quarantined") throw new Error(`demo shipment of ${productId} left its range`);
}

/** A manufacturing slot starting on `startsOn`, made by the cell lab unless one exists. */
async function ensureSlot(crew: DemoCrew, startsOn: string, instant: string) {
  const ctx = crew.manufacturing(instant);
  const existing = await listSlots(ctx, { carProductId: crew.carProductId, from: startsOn, to: startsOn });
  if (existing.items.some((s) => s.startsOn === startsOn && s.free > 0)) return;
  await createSlot(ctx, {
    carProductId: crew.carProductId,
    siteId: crew.labSiteId,
    facility: LAB,
    startsOn,
    collectionWindowDays: 3,
    capacity: 2,
  });
}

/**
 * A QC panel meeting every criterion of the demo specification (the ARI-0001 example, src/domain/
 * release-specs.ts), with 5 % more CAR+ viable cells than the dose level needs for the weight.
 */
function passingQcResults(testedAt: string, dose: DemoDose | undefined) {
  const cells = dose ? Math.round(dose.cellsPerKg * dose.weightKg * 1.05) : 2e8;
  return [
    { attribute: "viability", valueNumber: 91, unit: "%", method: "trypan blue exclusion", testedAt },
    { attribute: "car-positive", valueNumber: 38, unit: "%", method: "flow cytometry", testedAt },
    {
      attribute: "vector-copy-number",
      valueNumber: 2.4,
      unit: "copies/transduced cell",
      method: "qPCR",
      testedAt,
    },
    { attribute: "sterility", valueCode: "negative", method: "BACTEC culture", testedAt },
    { attribute: "mycoplasma", valueCode: "negative", method: "PCR", testedAt },
    { attribute: "endotoxin", valueNumber: 0.1, unit: "EU/mL", method: "chromogenic LAL", testedAt },
    {
      attribute: "car-positive-viable-cells",
      valueNumber: cells,
      unit: "cells",
      method: "count × viability × CAR+",
      testedAt,
    },
  ];
}
