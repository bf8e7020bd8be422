/** Which slot takes material collected on a date: both edges of the window, capacity, product, and the pick order. */
import { describe, expect, it } from "vitest";
import { pickSlot, type SlotFacts, slotRefusal } from "../../src/domain/manufacturing-slots.ts";

const slot = (o: Partial<SlotFacts> = {}): SlotFacts => ({
  id: "s1",
  carProductId: "p1",
  startsOn: "2026-03-10",
  collectionWindowDays: 2,
  capacity: 2,
  booked: 0,
  ...o,
});
const rule = (s: SlotFacts, date: string, products = ["p1"]) => slotRefusal(s, date, products)?.rule ?? null;

describe("slotRefusal", () => {
  it("accepts from startsOn − window to startsOn, both days included, and refuses the day outside each edge", () => {
    expect(rule(slot(), "2026-03-07")).toBe("V2V-SLOT-OUTSIDE-WINDOW");
    expect(rule(slot(), "2026-03-08")).toBeNull();
    expect(rule(slot(), "2026-03-10")).toBeNull();
    expect(rule(slot(), "2026-03-11")).toBe("V2V-SLOT-OUTSIDE-WINDOW");
    expect(rule(slot({ collectionWindowDays: 0 }), "2026-03-10")).toBeNull();
    expect(rule(slot({ collectionWindowDays: 0 }), "2026-03-09")).toBe("V2V-SLOT-OUTSIDE-WINDOW");
  });

  it("counts across a month end", () => {
    expect(rule(slot({ startsOn: "2026-03-01", collectionWindowDays: 1 }), "2026-02-28")).toBeNull();
    expect(rule(slot({ startsOn: "2026-03-01", collectionWindowDays: 1 }), "2026-02-27")).toBe(
      "V2V-SLOT-OUTSIDE-WINDOW",
    );
  });

  it("refuses a full slot (one place left is fine) and another study's product", () => {
    expect(rule(slot({ booked: 1 }), "2026-03-09")).toBeNull();
    expect(rule(slot({ booked: 2 }), "2026-03-09")).toBe("V2V-SLOT-FULL");
    expect(rule(slot(), "2026-03-09", ["p2"])).toBe("V2V-SLOT-WRONG-PRODUCT");
  });
});

describe("pickSlot", () => {
  it("takes the earliest start that accepts the date, then the one with most free places, then the id", () => {
    const slots = [
      slot({ id: "late", startsOn: "2026-03-12", collectionWindowDays: 5 }),
      slot({ id: "full", startsOn: "2026-03-09", booked: 2 }),
      slot({ id: "b", startsOn: "2026-03-10", capacity: 3, booked: 2 }),
      slot({ id: "a", startsOn: "2026-03-10", capacity: 3, booked: 0 }),
      slot({ id: "c", startsOn: "2026-03-10", capacity: 3, booked: 0 }),
    ];
    expect(pickSlot(slots, "2026-03-09", ["p1"])?.id).toBe("a");
    expect(pickSlot(slots, "2026-03-11", ["p1"])?.id).toBe("late");
    expect(pickSlot(slots, "2026-03-13", ["p1"])).toBeUndefined();
  });
});
