import { addDays } from "./calendar.ts";
/**
 * Manufacturing slots: which slot can take a patient's apheresis material. Pure; the store keeps
 * the counts and the service takes the place atomically.
 *
 * A slot is one start of manufacturing for one CAR product at one facility on one date, with a
 * number of places (capacity). Fresh apheresis material can only wait so long before manufacture
 * starts, and that hold time belongs to the manufacturer's intake rules, not to us: each slot states
 * its own `collectionWindowDays`, and it accepts material collected from `startsOn −
 * collectionWindowDays` up to `startsOn` itself (issue 4: "apheresis can be booked only when a slot
 * downstream is free"; shared/domain/workflow-standards.md §1.3 ApheresisScheduled).
 */

export interface SlotFacts {
  id: string;
  carProductId: string;
  startsOn: string;
  collectionWindowDays: number;
  capacity: number;
  booked: number;
}

export const SLOT_RULES = {
  "V2V-APHERESIS-NEEDS-SLOT": "Apheresis is booked only with a manufacturing slot downstream.",
  "V2V-SLOT-FULL": "A slot takes no more patients than its capacity.",
  "V2V-SLOT-OUTSIDE-WINDOW":
    "Apheresis falls on or before the slot's start, within the slot's collection window.",
  "V2V-SLOT-WRONG-PRODUCT": "The slot makes a CAR product of the patient's study.",
} as const;
export type SlotRule = keyof typeof SLOT_RULES;

/** The first apheresis date a slot accepts. */
export const earliestCollection = (s: Pick<SlotFacts, "startsOn" | "collectionWindowDays">): string =>
  addDays(s.startsOn, -s.collectionWindowDays);

export const freePlaces = (s: Pick<SlotFacts, "capacity" | "booked">): number =>
  Math.max(0, s.capacity - s.booked);

/** Why `slot` cannot take material collected on `apheresisDate`, or null when it can. */
export function slotRefusal(
  slot: SlotFacts,
  apheresisDate: string,
  studyProductIds: readonly string[],
): { rule: SlotRule; message: string } | null {
  if (!studyProductIds.includes(slot.carProductId))
    return {
      rule: "V2V-SLOT-WRONG-PRODUCT",
      message: "This slot makes a CAR product that is not one of the patient's study.",
    };
  if (apheresisDate > slot.startsOn || apheresisDate < earliestCollection(slot))
    return {
      rule: "V2V-SLOT-OUTSIDE-WINDOW",
      message: `The slot starting ${slot.startsOn} takes material collected ${earliestCollection(slot)} to ${slot.startsOn}; apheresis is on ${apheresisDate}.`,
    };
  if (freePlaces(slot) === 0)
    return {
      rule: "V2V-SLOT-FULL",
      message: `The slot starting ${slot.startsOn} is full (${slot.booked} of ${slot.capacity} places taken).`,
    };
  return null;
}

/**
 * The slot to book when the caller names none: of those that accept the date and have a free
 * place, the one that starts first (the shortest wait between apheresis and manufacture), then the
 * one with most free places, then by id so the choice is reproducible.
 */
export function pickSlot(
  slots: readonly SlotFacts[],
  apheresisDate: string,
  studyProductIds: readonly string[],
): SlotFacts | undefined {
  return slots
    .filter((s) => slotRefusal(s, apheresisDate, studyProductIds) === null)
    .sort(
      (a, b) =>
        a.startsOn.localeCompare(b.startsOn) || freePlaces(b) - freePlaces(a) || a.id.localeCompare(b.id),
    )[0];
}
