/** Metrics arithmetic on hand-made facts: medians (odd and even n), ranges, rates with denominators, lot outcomes. */
import { describe, expect, it } from "vitest";
import { daysBetween } from "../../src/domain/calendar.ts";
import {
  type JourneyFacts,
  type LotFacts,
  lotOutcome,
  median,
  metricsBy,
  metricsOf,
  veinToVeinDays,
} from "../../src/domain/journey-metrics.ts";

const j = (o: Partial<JourneyFacts>): JourneyFacts => ({
  siteId: "A",
  productKey: "P",
  apheresisDates: [],
  infusionDate: null,
  ...o,
});
const lot = (o: Partial<LotFacts>): LotFacts => ({
  siteId: "A",
  productKey: "P",
  manufactureStartDate: "2026-01-01",
  outcome: "pending",
  qcDispositionDate: null,
  ...o,
});

describe("arithmetic", () => {
  it("median of odd and even counts, none for an empty list", () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([])).toBeNull();
  });

  it("days between calendar dates across a leap day", () => {
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
    expect(daysBetween("2026-01-05", "2026-02-04")).toBe(30);
  });

  it("vein-to-vein counts from the last apheresis before the infusion (after a re-apheresis)", () => {
    expect(
      veinToVeinDays(j({ apheresisDates: ["2026-02-01", "2026-01-01"], infusionDate: "2026-03-01" })),
    ).toBe(28);
    expect(veinToVeinDays(j({ apheresisDates: ["2026-01-01"] }))).toBeNull();
    expect(veinToVeinDays(j({ apheresisDates: [], infusionDate: "2026-03-01" }))).toBeNull();
  });

  it("a lot's outcome: failed over OOS over released; nothing decided is pending", () => {
    expect(lotOutcome([{ type: "release" }, { type: "declare-failed" }])).toBe("failed");
    expect(lotOutcome([{ type: "declare-oos" }, { type: "release" }])).toBe("out-of-specification");
    expect(lotOutcome([{ type: "release" }])).toBe("released");
    expect(lotOutcome([{ type: "start-manufacture" }])).toBe("pending");
  });
});

describe("metricsOf", () => {
  const lots = [
    lot({ outcome: "released", qcDispositionDate: "2026-01-15" }),
    lot({ outcome: "released", qcDispositionDate: "2026-01-21" }),
    lot({ outcome: "out-of-specification", qcDispositionDate: "2026-01-11", productKey: "Q" }),
    lot({ outcome: "failed", siteId: "B" }),
    lot({ outcome: "pending" }),
  ];
  const journeys = [
    j({ apheresisDates: ["2026-01-01"], infusionDate: "2026-01-31" }),
    j({ apheresisDates: ["2026-01-01"], infusionDate: "2026-02-10", siteId: "B" }),
    j({ apheresisDates: ["2026-01-01"] }),
  ];

  it("summaries carry n, median and range; rates carry numerator and denominator (pending excluded)", () => {
    const m = metricsOf(journeys, lots);
    expect(m.veinToVeinDays).toEqual({ n: 2, median: 35, min: 30, max: 40 });
    expect(m.manufacturingTurnaroundDays).toEqual({ n: 3, median: 14, min: 10, max: 20 });
    expect(m.lots).toEqual({ started: 5, released: 2, outOfSpecification: 1, failed: 1, pending: 1 });
    expect(m.failureRate).toEqual({ numerator: 1, denominator: 4, rate: 0.25 });
    expect(m.oosRate).toEqual({ numerator: 1, denominator: 4, rate: 0.25 });
  });

  it("groups by site and by product", () => {
    const bySite = metricsBy(journeys, lots, (x) => x.siteId);
    expect(bySite.get("B")!.failureRate).toEqual({ numerator: 1, denominator: 1, rate: 1 });
    expect(bySite.get("A")!.veinToVeinDays.n).toBe(1);
    const byProduct = metricsBy(journeys, lots, (x) => x.productKey);
    expect(byProduct.get("Q")!.oosRate).toEqual({ numerator: 1, denominator: 1, rate: 1 });
  });

  it("no cases, no rate", () => {
    expect(metricsOf([], []).failureRate).toEqual({ numerator: 0, denominator: 0, rate: null });
  });
});
