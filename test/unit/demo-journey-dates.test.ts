/**
 * The demo's vein-to-vein dates, worked out from each patient's plan before anything is written.
 * The reference case's dates come from the published story (referral mid-August 2019, infusion
 * 2019-09-16) and the §1.3 / §4.4 intervals; every cohort journey runs forward in time and ends by
 * the demo's "today".
 */
import { describe, expect, it } from "vitest";
import { journeyDates } from "../../src/demo/journey-dates.ts";
import { referenceCasePlan } from "../../src/demo/reference-case.ts";
import { DEMO_AS_OF, syntheticCohortPlans } from "../../src/demo/synthetic-cohort.ts";

describe("journey dates of the demo", () => {
  it("the reference case: referral to long-term follow-up around the 2019-09-16 infusion", () => {
    const d = journeyDates(referenceCasePlan())!;
    expect(d.referral).toBe("2019-08-15");
    expect(d.enrolled).toBe("2019-08-27");
    expect(d.apheresis).toBe("2019-08-28");
    expect(d.lymphodepletion).toEqual({ from: "2019-09-11", to: "2019-09-13" }); // days −5 to −3
    expect(d.infusion).toBe("2019-09-16");
    expect(d.followUp).toBe("2019-10-14"); // day 28
    expect(d.longTermFollowUp).toBe("2021-09-15"); // day 730
    expect(d.end).toEqual({ kind: "in-follow-up" });
  });

  it("every cohort journey runs forward in time and ends by the demo's today", () => {
    const plans = syntheticCohortPlans();
    let withJourney = 0;
    for (const plan of plans) {
      const d = journeyDates(plan);
      if (!plan.enrolment) {
        expect(d).toBeUndefined();
        continue;
      }
      withJourney++;
      const sequence = [
        d!.referral,
        d!.consult,
        d!.consent,
        d!.enrolled,
        d!.apheresis,
        d!.manufactureStart,
        d!.release,
        d!.shipToSite,
        d!.receivedAtSite,
        d!.lymphodepletion?.from,
        d!.lymphodepletion?.to,
        d!.infusion,
        d!.followUp,
        d!.longTermFollowUp,
        "on" in d!.end ? d!.end.on : undefined,
      ].filter((x): x is string => x !== undefined);
      expect(sequence, plan.label).toEqual([...sequence].sort());
      expect(sequence.at(-1)! <= DEMO_AS_OF, plan.label).toBe(true);
    }
    expect(withJourney).toBeGreaterThan(20);
  });

  it("ends each journey the way the patient's story ends", () => {
    const ends = syntheticCohortPlans().flatMap((p) => {
      const d = journeyDates(p);
      return d ? [`${p.enrolment!.status}:${d.end.kind}`] : [];
    });
    const allowed = new Set([
      "screening:screening",
      "screen-failed:screen-failed",
      "enrolled:awaiting-product",
      "withdrawn:withdrawn",
      "on-treatment:in-follow-up",
      "follow-up:in-follow-up",
      "completed:completed",
      "died:died",
      "lost-to-follow-up:lost",
    ]);
    for (const e of ends) expect(allowed.has(e), e).toBe(true);
    expect(new Set(ends).size).toBeGreaterThanOrEqual(8);
  });
});
