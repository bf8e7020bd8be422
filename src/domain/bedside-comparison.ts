/**
 * The bedside comparison (shared/domain/workflow-standards.md §2.6, ISBT 128 ST-001 for the DIN
 * and its check character): what two people read off the bag and the wristband at the bedside,
 * held against the bag, its patient and enrolment as the record knows them. Any field that differs
 * is a mismatch and a hard stop; the caller logs the attempt and refuses (services/bedside.ts).
 *
 * Pure: the caller reads the record and the dose check (src/domain/dose-check.ts) and passes the
 * server's clock. Every field is compared on its own, so a refusal names each one that is wrong.
 */
import type { DoseCheck } from "./dose-check.ts";
import { parseCoiId, parseDin, verifyDin } from "./isbt128.ts";

/** What was read at the bedside (the request, less the signatures). */
export interface BedsideReading {
  patientSubjectCode: string;
  /** optional: compared when the order or wristband names the enrolment */
  enrolmentId?: string;
  coiId: string;
  din: string;
  dinCheckCharacter: string;
  productCode: string;
  /** the thaw time as read off the bag's record, to the instant the record holds */
  thawedAt: Date;
}

/** The bag and its patient as the record knows them. */
export interface BedsideRecord {
  productKind: string;
  productState: string;
  coiId: string;
  din: string;
  productCode: string;
  thawedAt: Date | null;
  /** post-thaw stability from the manufacturer's label; none recorded means expired (unknown is not safe) */
  thawStabilityMinutes: number | null;
  subjectCode: string;
  enrolmentId: string;
}

export const BEDSIDE_FIELDS = [
  "productState",
  "patientSubjectCode",
  "enrolmentId",
  "coiId",
  "din",
  "dinCheckCharacter",
  "productCode",
  "thawedAt",
  "expiry",
  "dose",
] as const;
export type BedsideMismatch = (typeof BEDSIDE_FIELDS)[number];

/**
 * The mismatched fields, in BEDSIDE_FIELDS order; empty when the bag may be infused. `dose` is the
 * dose check for this bag and patient, or null when the enrolment names no dose level (nothing to
 * compare).
 */
export function compareAtBedside(
  read: BedsideReading,
  bag: BedsideRecord,
  dose: DoseCheck | null,
  now: Date,
): BedsideMismatch[] {
  const wrong = new Set<BedsideMismatch>();
  if (bag.productKind !== "final-product" || bag.productState !== "thawed") wrong.add("productState");
  if (read.patientSubjectCode.trim() !== bag.subjectCode) wrong.add("patientSubjectCode");
  if (read.enrolmentId !== undefined && read.enrolmentId !== bag.enrolmentId) wrong.add("enrolmentId");
  const coi = parseCoiId(read.coiId);
  if (!coi.ok || coi.value.coiId !== bag.coiId) wrong.add("coiId");
  const din = parseDin(read.din);
  if (!din.ok || din.value.din !== bag.din) wrong.add("din");
  // The check character is verified against the DIN as read, so a misread of either is caught.
  if (!verifyDin(read.din, read.dinCheckCharacter).ok) wrong.add("dinCheckCharacter");
  if (read.productCode.trim() !== bag.productCode) wrong.add("productCode");
  if (!bag.thawedAt || bag.thawedAt.getTime() !== read.thawedAt.getTime()) wrong.add("thawedAt");
  if (isExpiredAfterThaw(bag.thawedAt ?? read.thawedAt, bag.thawStabilityMinutes, now)) wrong.add("expiry");
  if (dose && !dose.ok) wrong.add("dose");
  return BEDSIDE_FIELDS.filter((f) => wrong.has(f));
}

/**
 * Past its post-thaw stability: the last usable instant is the thaw plus the stability, inclusive
 * (a bag thawed at 10:00 with 60 minutes is usable at 11:00:00.000 and expired a millisecond later).
 * No stability recorded counts as expired.
 */
export function isExpiredAfterThaw(thawedAt: Date, stabilityMinutes: number | null, now: Date): boolean {
  return stabilityMinutes === null || now.getTime() > postThawExpiry(thawedAt, stabilityMinutes).getTime();
}

/** The last usable instant of a thawed bag: the thaw plus its post-thaw stability (the label prints it). */
export function postThawExpiry(thawedAt: Date, stabilityMinutes: number): Date {
  return new Date(thawedAt.getTime() + stabilityMinutes * 60_000);
}
