/**
 * The journey panel's table (web/src/screens/journey/journey-events.ts): each step's form sends
 * a body the server's event schema accepts, the steps that need a reason ask for it, and every
 * rule the journey can be refused by — the machine's, the slot booking's and the event-time
 * checks' — has plain words in both catalogues.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TIME_RULES } from "../../src/domain/event-time.ts";
import { SLOT_RULES } from "../../src/domain/manufacturing-slots.ts";
import { JourneyEventBody } from "../../src/domain/schemas/vein-to-vein-events.ts";
import { JOURNEY_EVENT_TYPES, JOURNEY_RULES } from "../../src/domain/vein-to-vein/journey.ts";
import { en } from "../../web/src/i18n/en.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";
import { eventBody, eventForm, orderedEvents } from "../../web/src/screens/journey/journey-events.ts";

const SLOT = "0190f5e4-8f3a-7c2b-9d1e-2a4b6c8d0e1f";

describe("journey step forms", () => {
  it("booking apheresis sends the chosen slot and the site's date", () => {
    expect(eventForm("book-apheresis").fields).toEqual(["apheresisDate", "slot"]);
    const body = eventBody("book-apheresis", { slotId: SLOT, apheresisDate: "2026-12-04", reason: "  " });
    expect(body).toEqual({ type: "book-apheresis", manufacturingSlotId: SLOT, apheresisDate: "2026-12-04" });
  });

  it("lymphodepletion shows the plan and sends patientFit only when the plan was confirmed", () => {
    expect(eventForm("start-lymphodepletion").fields).toEqual(["ldPlan"]);
    expect(eventBody("start-lymphodepletion", {}).patientFit).toBe(false);
    expect(eventBody("start-lymphodepletion", { planConfirmed: true }).patientFit).toBe(true);
  });

  it("withdrawal, death, loss and stopping ask for a reason and are shown apart as endings", () => {
    for (const t of ["withdraw", "die", "lose-to-follow-up", "stop-treatment"]) {
      expect(eventForm(t)).toMatchObject({ fields: ["reason"], reasonRequired: true, ending: true });
    }
    expect(eventBody("withdraw", { reason: " moved abroad " })).toEqual({
      type: "withdraw",
      reason: "moved abroad",
    });
    expect(orderedEvents(["record-apheresis", "die", "withdraw", "reschedule-apheresis"])).toEqual({
      forward: ["record-apheresis", "reschedule-apheresis"],
      endings: ["die", "withdraw"],
    });
  });

  it("routine-care enrolment sends payer and MDT approval; screen failure one criterion per line", () => {
    expect(eventBody("enrol", { pathway: "routine-care", approved: true })).toEqual({
      type: "enrol",
      pathway: "routine-care",
      payerApproved: true,
      mdtApproved: true,
    });
    expect(eventBody("fail-screening", { failedCriteria: "ECOG 3\n\n eGFR < 30 " }).failedCriteria).toEqual([
      "ECOG 3",
      "eGFR < 30",
    ]);
  });

  it("every step's body, with its form's fields filled, is one the server's schema accepts", () => {
    const filled = {
      slotId: SLOT,
      apheresisDate: "2026-12-04",
      reason: "why",
      failedCriteria: "ECOG 3",
      consentScopes: ["trial"],
      pathway: "trial" as const,
      approved: true,
      planConfirmed: true,
    };
    for (const type of JOURNEY_EVENT_TYPES) {
      const parsed = JourneyEventBody.safeParse({ ...eventBody(type, filled), version: 1 });
      expect(parsed.success, `${type}: ${parsed.error?.message}`).toBe(true);
    }
  });
});

describe("journey refusals in plain words", () => {
  const rules = [...Object.keys(JOURNEY_RULES), ...Object.keys(SLOT_RULES), ...Object.keys(EVENT_TIME_RULES)];
  const words = (cat: { problem: { rule: Record<string, string> } }) =>
    rules.filter((r) => !(cat.problem.rule[r] ?? "").trim());

  it("every rule a journey step can be refused by has words in English and Chinese", () => {
    expect(rules.length).toBeGreaterThan(30);
    expect(words(en)).toEqual([]);
    expect(words(zhCN)).toEqual([]);
  });

  it("every journey step has a name in both languages", () => {
    const missing = (cat: { journeyEvent: Record<string, string> }) =>
      JOURNEY_EVENT_TYPES.filter((t) => !cat.journeyEvent[t]);
    expect(missing(en)).toEqual([]);
    expect(missing(zhCN)).toEqual([]);
  });
});
