/**
 * The vein-to-vein state machines. The expected transitions below are written out by hand from the
 * notes (shared/domain/workflow-standards.md §1.3–1.5) and issue 4, not read from the module's
 * tables, so a wrong edge in the implementation shows up as a failed legal or illegal case.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.ts";
import {
  allowedEvents,
  allowedProductEvents,
  applyJourneyEvent,
  applyProductEvent,
  type BedsideVerification,
  FHIR_R4_RESEARCH_SUBJECT_STATUSES,
  JOURNEY_EVENT_TYPES,
  JOURNEY_RULES,
  JOURNEY_STATES,
  JOURNEY_TRANSITIONS,
  type JourneyEvent,
  type JourneyEventType,
  type JourneyState,
  type OosException,
  PRODUCT_EVENT_TYPES,
  PRODUCT_RULES,
  PRODUCT_STATES,
  type ProductEvent,
  type ProductEventType,
  type ProductState,
  RESEARCH_SUBJECT_STATUS,
  TERMINAL_JOURNEY_STATES,
} from "../../src/domain/vein-to-vein.ts";

// ─────────────────────────────────────────── helpers ──

/** Run `fn`, expect a rule-violation DomainError, return its details. */
function refusal(fn: () => unknown): { rule: string; from: string; event: string; [k: string]: unknown } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const err = e as DomainError;
    expect(err.code).toBe("rule-violation");
    expect(err.message.length).toBeGreaterThan(10);
    return err.details as { rule: string; from: string; event: string };
  }
  throw new Error("expected a refusal, the move was accepted");
}

const T0 = "2025-03-01T09:00:00Z";
const sig = (userId: string, role: "investigator" | "qa") => ({ userId, role, signedAt: T0 });
const GOOD_EXCEPTION: OosException = {
  rationale: "VCN 5.4 copies/cell; risk assessment: benefit outweighs risk, no alternative product",
  signatures: [sig("dr-li", "investigator"), sig("qa-wang", "qa")],
};
const PASSED: BedsideVerification = { passed: true, verifiedBy: ["nurse-a", "nurse-b"] };
const RELEASED = { state: "released" } as const;
const THAWED = { state: "thawed" } as const;

// ───────────────────────────────────────── journey: expected ──

const STATES: JourneyState[] = [
  "referred",
  "consulted",
  "consented",
  "screening",
  "screen-failed",
  "enrolled",
  "apheresis-scheduled",
  "apheresed",
  "awaiting-product",
  "bridging-or-washout",
  "re-apheresis",
  "pre-ld-check",
  "lymphodepletion",
  "pre-infusion-check",
  "infusion-deferred",
  "infused",
  "acute-monitoring",
  "follow-up",
  "long-term-follow-up",
  "completed",
  "off-treatment",
  "died",
  "withdrawn",
  "lost-to-follow-up",
];
const TERMINAL: JourneyState[] = [
  "screen-failed",
  "completed",
  "off-treatment",
  "died",
  "withdrawn",
  "lost-to-follow-up",
];
const NON_TERMINAL = STATES.filter((s) => !TERMINAL.includes(s));
const ENROLLED_NOT_INFUSED: JourneyState[] = [
  "enrolled",
  "apheresis-scheduled",
  "apheresed",
  "awaiting-product",
  "bridging-or-washout",
  "re-apheresis",
  "pre-ld-check",
  "lymphodepletion",
  "pre-infusion-check",
  "infusion-deferred",
];

/** [from, event, to]: the diagram's edges, named, plus the exits the brief and §1.5 add. */
const LEGAL: [JourneyState, JourneyEventType, JourneyState][] = [
  ["referred", "consult", "consulted"],
  ["consulted", "sign-consent", "consented"],
  ["consented", "start-screening", "screening"],
  ["screening", "fail-screening", "screen-failed"],
  ["screening", "enrol", "enrolled"],
  ["enrolled", "book-apheresis", "apheresis-scheduled"],
  ["apheresis-scheduled", "reschedule-apheresis", "apheresis-scheduled"],
  ["apheresis-scheduled", "record-apheresis", "apheresed"],
  ["apheresed", "hand-to-courier", "awaiting-product"],
  ["awaiting-product", "start-bridging", "bridging-or-washout"],
  ["bridging-or-washout", "end-bridging", "awaiting-product"],
  ["awaiting-product", "product-released", "pre-ld-check"],
  ["awaiting-product", "manufacturing-failed", "re-apheresis"],
  ["re-apheresis", "book-apheresis", "apheresis-scheduled"],
  ["pre-ld-check", "start-lymphodepletion", "lymphodepletion"],
  ["lymphodepletion", "complete-lymphodepletion", "pre-infusion-check"],
  ["pre-infusion-check", "verify-at-bedside", "pre-infusion-check"],
  ["pre-infusion-check", "infuse", "infused"],
  ["pre-infusion-check", "defer-infusion", "infusion-deferred"],
  ["infusion-deferred", "resume-pre-infusion-check", "pre-infusion-check"],
  ["infused", "start-acute-monitoring", "acute-monitoring"],
  ["acute-monitoring", "start-follow-up", "follow-up"],
  ["follow-up", "start-long-term-follow-up", "long-term-follow-up"],
  ["long-term-follow-up", "complete", "completed"],
  ["follow-up", "lose-to-follow-up", "lost-to-follow-up"],
  ["long-term-follow-up", "lose-to-follow-up", "lost-to-follow-up"],
  ...ENROLLED_NOT_INFUSED.map((s): [JourneyState, JourneyEventType, JourneyState] => [
    s,
    "stop-treatment",
    "off-treatment",
  ]),
  ...NON_TERMINAL.map((s): [JourneyState, JourneyEventType, JourneyState] => [s, "die", "died"]),
  ...NON_TERMINAL.map((s): [JourneyState, JourneyEventType, JourneyState] => [s, "withdraw", "withdrawn"]),
];

/** An event of each type whose payload passes every guard. */
const OK: Record<JourneyEventType, JourneyEvent> = {
  consult: { type: "consult" },
  "sign-consent": { type: "sign-consent", scopes: ["trial", "registry"] },
  "start-screening": { type: "start-screening" },
  "fail-screening": { type: "fail-screening", failedCriteria: ["eGFR < 30 mL/min/1.73m²"] },
  enrol: { type: "enrol", pathway: "trial", eligibilityConfirmed: true },
  "book-apheresis": { type: "book-apheresis", manufacturingSlotId: "slot-2025-03-10" },
  "reschedule-apheresis": { type: "reschedule-apheresis", manufacturingSlotId: "slot-2025-03-17" },
  "record-apheresis": { type: "record-apheresis" },
  "hand-to-courier": { type: "hand-to-courier" },
  "start-bridging": { type: "start-bridging", kind: "washout" },
  "end-bridging": { type: "end-bridging" },
  "product-released": { type: "product-released", product: RELEASED },
  "manufacturing-failed": { type: "manufacturing-failed", reason: "insufficient expansion" },
  "start-lymphodepletion": {
    type: "start-lymphodepletion",
    productAvailableAtSite: true,
    product: { state: "stored-at-site" },
    patientFit: true,
  },
  "complete-lymphodepletion": { type: "complete-lymphodepletion" },
  "verify-at-bedside": { type: "verify-at-bedside", verification: PASSED },
  infuse: { type: "infuse", product: THAWED, bedsideVerification: PASSED },
  "defer-infusion": { type: "defer-infusion", reason: "fever, suspected infection" },
  "resume-pre-infusion-check": { type: "resume-pre-infusion-check" },
  "start-acute-monitoring": { type: "start-acute-monitoring" },
  "start-follow-up": { type: "start-follow-up" },
  "start-long-term-follow-up": { type: "start-long-term-follow-up" },
  complete: { type: "complete" },
  "stop-treatment": { type: "stop-treatment", reason: "progression before lymphodepletion" },
  die: { type: "die" },
  withdraw: { type: "withdraw", reason: "consent withdrawn" },
  "lose-to-follow-up": { type: "lose-to-follow-up" },
};
const EVENT_TYPES = Object.keys(OK) as JourneyEventType[];

const legalKey = (s: string, e: string) => `${s} ${e}`;
const LEGAL_KEYS = new Set(LEGAL.map(([s, e]) => legalKey(s, e)));
const ILLEGAL: [JourneyState, JourneyEventType][] = STATES.flatMap((s) =>
  EVENT_TYPES.filter((e) => !LEGAL_KEYS.has(legalKey(s, e))).map((e): [JourneyState, JourneyEventType] => [
    s,
    e,
  ]),
);

// ─────────────────────────────────────────── journey: tests ──

describe("journey: the module knows the same states and events as this test", () => {
  it("states", () => expect([...JOURNEY_STATES].sort()).toEqual([...STATES].sort()));
  it("events", () => expect([...JOURNEY_EVENT_TYPES].sort()).toEqual([...EVENT_TYPES].sort()));
  it("the expected list has no duplicate (state, event)", () => expect(LEGAL_KEYS.size).toBe(LEGAL.length));
});

describe("journey: every legal move", () => {
  it.each(LEGAL)("%s --%s--> %s", (from, type, to) => {
    expect(applyJourneyEvent(from, OK[type]).state).toBe(to);
  });

  it.each(STATES)("allowedEvents(%s) is exactly the expected list", (s) => {
    const expected = LEGAL.filter(([f]) => f === s).map(([, e]) => e);
    expect([...allowedEvents(s)].sort()).toEqual([...expected].sort());
  });
});

describe("journey: every illegal move is refused and names the rule", () => {
  it(`there are ${ILLEGAL.length} illegal (state, event) pairs`, () => {
    expect(ILLEGAL.length + LEGAL.length).toBe(STATES.length * EVENT_TYPES.length);
  });
  it.each(ILLEGAL)("%s refuses %s", (from, type) => {
    const d = refusal(() => applyJourneyEvent(from, OK[type]));
    expect(d.rule).toBe(TERMINAL.includes(from) ? "V2V-TERMINAL-STATE" : "V2V-OUT-OF-SEQUENCE");
    expect(d.from).toBe(from);
    expect(d.event).toBe(type);
  });
});

describe("journey: terminal states accept no event", () => {
  it.each(TERMINAL)("%s", (s) => {
    expect(allowedEvents(s)).toEqual([]);
    for (const t of EVENT_TYPES)
      expect(refusal(() => applyJourneyEvent(s, OK[t])).rule).toBe("V2V-TERMINAL-STATE");
  });
});

describe("journey: guards", () => {
  const rule = (from: JourneyState, ev: JourneyEvent) => refusal(() => applyJourneyEvent(from, ev)).rule;

  it("lymphodepletion without the product at the site is refused", () => {
    expect(
      rule("pre-ld-check", {
        ...(OK["start-lymphodepletion"] as object),
        productAvailableAtSite: false,
      } as JourneyEvent),
    ).toBe("V2V-LD-NEEDS-PRODUCT");
  });
  it("lymphodepletion with a product not released is refused", () => {
    for (const state of [
      "qc-pending",
      "in-manufacture",
      "failed",
      "quarantined",
      "out-of-specification",
    ] as const)
      expect(
        rule("pre-ld-check", {
          type: "start-lymphodepletion",
          productAvailableAtSite: true,
          product: { state },
          patientFit: true,
        }),
      ).toBe("V2V-LD-NEEDS-RELEASED-PRODUCT");
  });
  it("lymphodepletion with a released product, or OOS with a signed exception, is allowed", () => {
    for (const product of [
      RELEASED,
      { state: "out-of-specification" as const, oosException: GOOD_EXCEPTION },
    ])
      expect(
        applyJourneyEvent("pre-ld-check", {
          type: "start-lymphodepletion",
          productAvailableAtSite: true,
          product,
          patientFit: true,
        }).state,
      ).toBe("lymphodepletion");
  });
  it("lymphodepletion in an unfit patient is refused", () => {
    expect(
      rule("pre-ld-check", {
        type: "start-lymphodepletion",
        productAvailableAtSite: true,
        product: RELEASED,
        patientFit: false,
      }),
    ).toBe("V2V-LD-NEEDS-FIT");
  });

  it("infusing before release is refused", () => {
    for (const state of ["qc-pending", "collected", "out-of-specification", "quarantined"] as const)
      expect(
        rule("pre-infusion-check", { type: "infuse", product: { state }, bedsideVerification: PASSED }),
      ).toBe("V2V-INFUSE-NEEDS-RELEASED-PRODUCT");
  });
  it("infusing an OOS product whose exception has one signer, or the same person twice, is refused and says why", () => {
    const oneSigner = { rationale: "x", signatures: [sig("dr-li", "investigator")] };
    const sameTwice = { rationale: "x", signatures: [sig("dr-li", "investigator"), sig("dr-li", "qa")] };
    for (const [ex, cause] of [
      [oneSigner, "V2V-OOS-EXCEPTION-NEEDS-QA"],
      [sameTwice, "V2V-OOS-EXCEPTION-SAME-SIGNER"],
    ] as const) {
      const d = refusal(() =>
        applyJourneyEvent("pre-infusion-check", {
          type: "infuse",
          product: { state: "out-of-specification", oosException: ex },
          bedsideVerification: PASSED,
        }),
      );
      expect(d.rule).toBe("V2V-INFUSE-NEEDS-RELEASED-PRODUCT");
      expect(d.cause).toBe(cause);
    }
  });
  it("infusing a product still frozen is refused", () => {
    expect(
      rule("pre-infusion-check", {
        type: "infuse",
        product: { state: "stored-at-site" },
        bedsideVerification: PASSED,
      }),
    ).toBe("V2V-INFUSE-NEEDS-THAWED-PRODUCT");
  });
  it("infusing without a passed bedside verification by two people is refused", () => {
    const failed = { passed: false, verifiedBy: ["nurse-a", "nurse-b"], mismatches: ["din"] };
    expect(rule("pre-infusion-check", { type: "infuse", product: THAWED, bedsideVerification: failed })).toBe(
      "V2V-INFUSE-NEEDS-BEDSIDE-CHECK",
    );
    const alone = { passed: true, verifiedBy: ["nurse-a", "nurse-a"] };
    expect(rule("pre-infusion-check", { type: "infuse", product: THAWED, bedsideVerification: alone })).toBe(
      "V2V-BEDSIDE-NEEDS-TWO-VERIFIERS",
    );
  });
  it("a bedside mismatch is a hard stop; a pass stays in the check and is recorded", () => {
    const d = refusal(() =>
      applyJourneyEvent("pre-infusion-check", {
        type: "verify-at-bedside",
        verification: { passed: false, verifiedBy: ["a", "b"], mismatches: ["coi-id"] },
      }),
    );
    expect(d.rule).toBe("V2V-BEDSIDE-MISMATCH");
    expect(d.mismatches).toEqual(["coi-id"]);
    expect(applyJourneyEvent("pre-infusion-check", OK["verify-at-bedside"])).toEqual({
      state: "pre-infusion-check",
      effects: [{ type: "record-bedside-verification", verifiedBy: ["nurse-a", "nurse-b"] }],
    });
  });
  it("product-released needs a released product or a valid OOS exception", () => {
    expect(rule("awaiting-product", { type: "product-released", product: { state: "qc-pending" } })).toBe(
      "V2V-RELEASE-NEEDS-DISPOSITION",
    );
    expect(
      applyJourneyEvent("awaiting-product", {
        type: "product-released",
        product: { state: "out-of-specification", oosException: GOOD_EXCEPTION },
      }).state,
    ).toBe("pre-ld-check");
  });
  it("screen failure lists the failed criteria", () => {
    expect(rule("screening", { type: "fail-screening", failedCriteria: [] })).toBe(
      "V2V-SCREEN-FAIL-NEEDS-CRITERIA",
    );
    expect(applyJourneyEvent("screening", OK["fail-screening"]).effects).toEqual([
      { type: "record-screen-failure", failedCriteria: ["eGFR < 30 mL/min/1.73m²"] },
    ]);
  });
  it("enrolment: trial needs eligibility, routine care needs payer and MDT", () => {
    expect(rule("screening", { type: "enrol", pathway: "trial", eligibilityConfirmed: false })).toBe(
      "V2V-ENROL-NEEDS-ELIGIBILITY",
    );
    expect(rule("screening", { type: "enrol", pathway: "routine-care", payerApproved: true })).toBe(
      "V2V-ENROL-NEEDS-PAYER-AND-MDT",
    );
    expect(
      applyJourneyEvent("screening", {
        type: "enrol",
        pathway: "routine-care",
        payerApproved: true,
        mdtApproved: true,
      }).state,
    ).toBe("enrolled");
  });
  it("consent must cover trial or treatment", () => {
    expect(rule("consulted", { type: "sign-consent", scopes: ["registry"] })).toBe(
      "V2V-CONSENT-NEEDS-TREATMENT-SCOPE",
    );
  });
  it("apheresis needs a manufacturing slot, and booking / moving it says so", () => {
    expect(rule("enrolled", { type: "book-apheresis", manufacturingSlotId: " " })).toBe(
      "V2V-APHERESIS-NEEDS-SLOT",
    );
    expect(applyJourneyEvent("enrolled", OK["book-apheresis"]).effects).toEqual([
      { type: "reserve-manufacturing-slot", slotId: "slot-2025-03-10" },
    ]);
    expect(applyJourneyEvent("apheresis-scheduled", OK["reschedule-apheresis"]).effects).toEqual([
      { type: "move-manufacturing-slot", slotId: "slot-2025-03-17" },
    ]);
  });
  it("bridging is bridging therapy or washout; reasons are required where an exit needs one", () => {
    expect(
      rule("awaiting-product", { type: "start-bridging", kind: "chemo" } as unknown as JourneyEvent),
    ).toBe("V2V-BRIDGING-NEEDS-KIND");
    expect(rule("awaiting-product", { type: "manufacturing-failed", reason: "" })).toBe(
      "V2V-MANUFACTURING-FAILURE-NEEDS-REASON",
    );
    expect(rule("pre-infusion-check", { type: "defer-infusion", reason: "" })).toBe("V2V-DEFER-NEEDS-REASON");
    expect(rule("pre-ld-check", { type: "stop-treatment", reason: "" })).toBe("V2V-STOP-NEEDS-REASON");
  });
  it("a manufacturing failure asks for a remanufacture on the same chain of identity", () => {
    expect(applyJourneyEvent("awaiting-product", OK["manufacturing-failed"]).effects).toEqual([
      { type: "remanufacture-on-same-coi", reason: "insufficient expansion" },
    ]);
  });
  it("leaving with a product or a slot asks for its disposition; death after enrolment is reported", () => {
    const closeVisits = (reason: string) => ({ type: "close-open-visits", reason });
    expect(applyJourneyEvent("apheresis-scheduled", OK.withdraw).effects).toEqual([
      { type: "free-manufacturing-slot" },
      closeVisits("Journey ended: patient withdrew (consent withdrawn)"),
    ]);
    expect(applyJourneyEvent("infusion-deferred", OK.die).effects).toEqual([
      { type: "decide-product-disposition", reason: "died" },
      { type: "report-death-to-registry" },
      closeVisits("Journey ended: patient died"),
    ]);
    expect(applyJourneyEvent("screening", OK.die).effects).toEqual([
      closeVisits("Journey ended: patient died"),
    ]);
    expect(applyJourneyEvent("follow-up", OK.die).effects).toEqual([
      { type: "report-death-to-registry" },
      closeVisits("Journey ended: patient died"),
    ]);
  });
  it("every event that ends the journey, and only those, closes the open visits with its reason", () => {
    const applyJourneyEventFromAnywhere = (t: JourneyEventType) =>
      applyJourneyEvent(JOURNEY_TRANSITIONS[t].from[0]!, OK[t]).effects;
    const closing = (Object.keys(OK) as JourneyEventType[]).filter((t) =>
      applyJourneyEventFromAnywhere(t).some((e) => e.type === "close-open-visits"),
    );
    expect(closing.sort()).toEqual(["complete", "die", "lose-to-follow-up", "stop-treatment", "withdraw"]);
    for (const t of closing) {
      const to = JOURNEY_TRANSITIONS[t].to;
      expect(TERMINAL_JOURNEY_STATES as readonly string[]).toContain(to);
    }
    // fail-screening also ends the journey, but before enrolment there are no visits to close.
    expect(applyJourneyEventFromAnywhere("fail-screening")).toEqual([
      { type: "record-screen-failure", failedCriteria: expect.any(Array) },
    ]);
    expect(applyJourneyEvent("long-term-follow-up", OK.complete).effects).toEqual([
      { type: "close-open-visits", reason: "Journey ended: study completed" },
    ]);
    expect(applyJourneyEvent("enrolled", { type: "stop-treatment", reason: "progression" }).effects).toEqual([
      { type: "close-open-visits", reason: "Journey ended: treatment stopped (progression)" },
    ]);
  });
  it("unknown states and events are refused with their own rules", () => {
    expect(refusal(() => applyJourneyEvent("limbo" as JourneyState, OK.consult)).rule).toBe(
      "V2V-UNKNOWN-STATE",
    );
    expect(
      refusal(() => applyJourneyEvent("referred", { type: "teleport" } as unknown as JourneyEvent)).rule,
    ).toBe("V2V-UNKNOWN-EVENT");
  });
});

// ──────────────────────────────────────────── FHIR mapping ──

/** The notes' table (§1.3), row by row; "ApheresisScheduled … Infused" spelled out. */
const NOTES_TABLE: [JourneyState[], string[]][] = [
  [
    ["referred", "consulted"],
    ["potential-candidate", "candidate"],
  ],
  [["consented", "screening"], ["screening"]],
  [["screen-failed"], ["ineligible"]],
  [["enrolled"], ["eligible", "pending-on-study", "on-study"]],
  [
    [
      "apheresis-scheduled",
      "apheresed",
      "awaiting-product",
      "bridging-or-washout",
      "re-apheresis",
      "pre-ld-check",
      "lymphodepletion",
      "pre-infusion-check",
      "infusion-deferred",
      "infused",
      "acute-monitoring",
    ],
    ["on-study-intervention"],
  ],
  [["follow-up"], ["on-study-observation"]],
  [["long-term-follow-up"], ["follow-up"]],
  [["off-treatment", "died", "completed", "lost-to-follow-up"], ["off-study"]],
  [["withdrawn"], ["withdrawn"]],
];
/** Where a row gives a progression, the code the state settles on. */
const CHOSEN: Partial<Record<JourneyState, string>> = {
  referred: "potential-candidate",
  consulted: "candidate",
  enrolled: "on-study",
};

describe("FHIR R4 ResearchSubject.status", () => {
  it("has the 13 R4 codes", () => {
    expect([...FHIR_R4_RESEARCH_SUBJECT_STATUSES].sort()).toEqual(
      [
        "candidate",
        "eligible",
        "follow-up",
        "ineligible",
        "not-registered",
        "off-study",
        "on-study",
        "on-study-intervention",
        "on-study-observation",
        "pending-on-study",
        "potential-candidate",
        "screening",
        "withdrawn",
      ].sort(),
    );
  });
  it("the notes' table covers every state exactly once", () => {
    expect(NOTES_TABLE.flatMap(([s]) => s).sort()).toEqual([...STATES].sort());
  });
  it.each(NOTES_TABLE.flatMap(([states, codes]) => states.map((s): [JourneyState, string[]] => [s, codes])))(
    "%s maps as in the notes",
    (state, codes) => {
      const code = RESEARCH_SUBJECT_STATUS[state];
      expect(codes).toContain(code);
      expect(code).toBe(CHOSEN[state] ?? codes[0]);
      expect(FHIR_R4_RESEARCH_SUBJECT_STATUSES).toContain(code);
    },
  );
});

// ──────────────────────────────────────────── product: expected ──

const P_STATES: ProductState[] = [
  "collected",
  "in-transit-to-manufacturer",
  "received-at-manufacturer",
  "in-manufacture",
  "qc-pending",
  "released",
  "out-of-specification",
  "failed",
  "in-transit-to-site",
  "stored-at-site",
  "thawed",
  "administered",
  "discarded",
  "returned",
  "quarantined",
];
const P_TERMINAL: ProductState[] = ["failed", "administered", "discarded", "returned"];
const ORIGINS = ["in-transit-to-manufacturer", "in-transit-to-site", "stored-at-site"] as const;

const P_LEGAL: [ProductState, ProductEventType, ProductState][] = [
  ["collected", "ship-to-manufacturer", "in-transit-to-manufacturer"],
  ["in-transit-to-manufacturer", "receive-at-manufacturer", "received-at-manufacturer"],
  ["received-at-manufacturer", "start-manufacture", "in-manufacture"],
  ["in-manufacture", "complete-manufacture", "qc-pending"],
  ["qc-pending", "release", "released"],
  ["qc-pending", "declare-oos", "out-of-specification"],
  ["received-at-manufacturer", "declare-failed", "failed"],
  ["in-manufacture", "declare-failed", "failed"],
  ["qc-pending", "declare-failed", "failed"],
  ["released", "ship-to-site", "in-transit-to-site"],
  ["out-of-specification", "ship-to-site", "in-transit-to-site"],
  ["in-transit-to-site", "receive-at-site", "stored-at-site"],
  ["stored-at-site", "thaw", "thawed"],
  ["thawed", "administer", "administered"],
  ["stored-at-site", "return-to-manufacturer", "returned"],
  ...(
    [
      "collected",
      "received-at-manufacturer",
      "in-manufacture",
      "qc-pending",
      "released",
      "out-of-specification",
      "stored-at-site",
      "thawed",
      "quarantined",
    ] as const
  ).map((s): [ProductState, ProductEventType, ProductState] => [s, "discard", "discarded"]),
  ...ORIGINS.map((s): [ProductState, ProductEventType, ProductState] => [s, "quarantine", "quarantined"]),
  ...ORIGINS.map((s): [ProductState, ProductEventType, ProductState] => [
    "quarantined",
    "release-from-quarantine",
    s,
  ]),
];

const who = { actor: "user-1", at: T0 };
/** A passing event of each type; `release-from-quarantine` goes back to `to`. */
function okProduct(type: ProductEventType, to: ProductState = "stored-at-site"): ProductEvent {
  switch (type) {
    case "release":
      return { ...who, type, qcAllPassed: true };
    case "declare-oos":
      return { ...who, type, failedAttributes: ["vector copy number"] };
    case "declare-failed":
    case "discard":
    case "return-to-manufacturer":
    case "quarantine":
      return { ...who, type, reason: "logger showed −120 °C for 40 min" };
    case "ship-to-site":
      return { ...who, type, oosException: GOOD_EXCEPTION };
    case "administer":
      return { ...who, type, bedsideVerification: PASSED };
    case "release-from-quarantine":
      return { ...who, type, qaDecision: sig("qa-wang", "qa"), returnTo: to as (typeof ORIGINS)[number] };
    default:
      return { ...who, type } as ProductEvent;
  }
}
const P_EVENT_TYPES: ProductEventType[] = [
  "ship-to-manufacturer",
  "receive-at-manufacturer",
  "start-manufacture",
  "complete-manufacture",
  "release",
  "declare-oos",
  "declare-failed",
  "ship-to-site",
  "receive-at-site",
  "thaw",
  "administer",
  "discard",
  "return-to-manufacturer",
  "quarantine",
  "release-from-quarantine",
];
const P_LEGAL_KEYS = new Set(P_LEGAL.map(([s, e]) => legalKey(s, e)));
const P_ILLEGAL: [ProductState, ProductEventType][] = P_STATES.flatMap((s) =>
  P_EVENT_TYPES.filter((e) => !P_LEGAL_KEYS.has(legalKey(s, e))).map(
    (e): [ProductState, ProductEventType] => [s, e],
  ),
);

// ──────────────────────────────────────────── product: tests ──

describe("product: the module knows the same states and events as this test", () => {
  it("states", () => expect([...PRODUCT_STATES].sort()).toEqual([...P_STATES].sort()));
  it("events", () => expect([...PRODUCT_EVENT_TYPES].sort()).toEqual([...P_EVENT_TYPES].sort()));
});

describe("product: every legal move", () => {
  it.each(P_LEGAL)("%s --%s--> %s", (from, type, to) => {
    expect(applyProductEvent(from, okProduct(type, to)).state).toBe(to);
  });
  it.each(P_STATES)("allowedProductEvents(%s) is exactly the expected list", (s) => {
    const expected = [...new Set(P_LEGAL.filter(([f]) => f === s).map(([, e]) => e))];
    expect([...allowedProductEvents(s)].sort()).toEqual(expected.sort());
  });
});

describe("product: every illegal move is refused and names the rule", () => {
  it(`there are ${P_ILLEGAL.length} illegal (state, event) pairs`, () => {
    expect(P_ILLEGAL.length + P_LEGAL_KEYS.size).toBe(P_STATES.length * P_EVENT_TYPES.length);
  });
  it.each(P_ILLEGAL)("%s refuses %s", (from, type) => {
    const d = refusal(() => applyProductEvent(from, okProduct(type)));
    expect(d.rule).toBe(
      P_TERMINAL.includes(from) ? "V2V-PRODUCT-TERMINAL-STATE" : "V2V-PRODUCT-OUT-OF-SEQUENCE",
    );
    expect(d.from).toBe(from);
    expect(d.event).toBe(type);
  });
  it.each(P_TERMINAL)("terminal %s accepts no event", (s) => {
    expect(allowedProductEvents(s)).toEqual([]);
  });
});

describe("product: actor, time and guards", () => {
  const rule = (from: ProductState, ev: ProductEvent) => refusal(() => applyProductEvent(from, ev)).rule;

  it("every event needs an actor and an ISO time with offset", () => {
    const ev = okProduct("ship-to-manufacturer");
    expect(rule("collected", { ...ev, actor: "" })).toBe("V2V-PRODUCT-NEEDS-ACTOR");
    expect(rule("collected", { ...ev, actor: undefined } as unknown as ProductEvent)).toBe(
      "V2V-PRODUCT-NEEDS-ACTOR",
    );
    for (const at of ["", "yesterday", "2025-03-01", "2025-03-01T09:00:00", undefined])
      expect(rule("collected", { ...ev, at } as ProductEvent)).toBe("V2V-PRODUCT-NEEDS-TIME");
    expect(applyProductEvent("collected", { ...ev, at: "2025-03-01T17:00:00+08:00" }).state).toBe(
      "in-transit-to-manufacturer",
    );
  });

  const ship = (oosException: unknown) =>
    ({ ...who, type: "ship-to-site", oosException }) as unknown as ProductEvent;
  it("an OOS product ships only with an exception signed by an investigator and QA, two different people", () => {
    expect(rule("out-of-specification", ship(undefined))).toBe("V2V-OOS-EXCEPTION-REQUIRED");
    expect(rule("out-of-specification", ship({ ...GOOD_EXCEPTION, rationale: " " }))).toBe(
      "V2V-OOS-EXCEPTION-NEEDS-RATIONALE",
    );
    expect(rule("out-of-specification", ship({ rationale: "r", signatures: [sig("qa-wang", "qa")] }))).toBe(
      "V2V-OOS-EXCEPTION-NEEDS-INVESTIGATOR",
    );
    expect(
      rule("out-of-specification", ship({ rationale: "r", signatures: [sig("dr-li", "investigator")] })),
    ).toBe("V2V-OOS-EXCEPTION-NEEDS-QA");
    expect(
      rule(
        "out-of-specification",
        ship({ rationale: "r", signatures: [sig("dr-li", "investigator"), sig("dr-li", "qa")] }),
      ),
    ).toBe("V2V-OOS-EXCEPTION-SAME-SIGNER");
    expect(
      rule(
        "out-of-specification",
        ship({
          rationale: "r",
          signatures: [sig("dr-li", "investigator"), { userId: "qa-wang", role: "qa", signedAt: "now" }],
        }),
      ),
    ).toBe("V2V-OOS-EXCEPTION-BAD-SIGNATURE");
    const ok = applyProductEvent("out-of-specification", ship(GOOD_EXCEPTION));
    expect(ok.state).toBe("in-transit-to-site");
    expect(ok.effects).toEqual([{ type: "journey-event-due", event: "product-released" }]);
  });
  it("a released product ships without an exception", () => {
    expect(applyProductEvent("released", ship(undefined)).state).toBe("in-transit-to-site");
  });
  it("release needs every QC specification passed; OOS names what failed", () => {
    expect(rule("qc-pending", { ...who, type: "release", qcAllPassed: false })).toBe(
      "V2V-PRODUCT-RELEASE-NEEDS-PASSING-QC",
    );
    expect(rule("qc-pending", { ...who, type: "declare-oos", failedAttributes: [] })).toBe(
      "V2V-PRODUCT-OOS-NEEDS-FAILED-ATTRIBUTES",
    );
    expect(applyProductEvent("qc-pending", okProduct("release")).effects).toEqual([
      { type: "journey-event-due", event: "product-released" },
    ]);
  });
  it("failure, discard, return and quarantine need a reason", () => {
    expect(rule("in-manufacture", { ...who, type: "declare-failed", reason: "" })).toBe(
      "V2V-PRODUCT-NEEDS-REASON",
    );
    expect(rule("thawed", { ...who, type: "discard", reason: "" })).toBe("V2V-PRODUCT-NEEDS-REASON");
    expect(rule("stored-at-site", { ...who, type: "return-to-manufacturer", reason: "" })).toBe(
      "V2V-PRODUCT-NEEDS-REASON",
    );
    expect(rule("in-transit-to-site", { ...who, type: "quarantine", reason: "" })).toBe(
      "V2V-PRODUCT-NEEDS-REASON",
    );
  });
  it("administering needs a passed bedside check by two people; a mismatch leaves the product thawed", () => {
    expect(
      rule("thawed", {
        ...who,
        type: "administer",
        bedsideVerification: { passed: false, verifiedBy: ["a", "b"], mismatches: ["din"] },
      }),
    ).toBe("V2V-PRODUCT-ADMINISTER-NEEDS-BEDSIDE-CHECK");
    expect(
      rule("thawed", {
        ...who,
        type: "administer",
        bedsideVerification: { passed: true, verifiedBy: ["a"] },
      }),
    ).toBe("V2V-BEDSIDE-NEEDS-TWO-VERIFIERS");
  });
  it("an excursion quarantines; only a QA decision releases, back to where it was", () => {
    const q = applyProductEvent("in-transit-to-site", okProduct("quarantine"));
    expect(q.state).toBe("quarantined");
    expect(q.effects[0]?.type).toBe("qa-assessment-needed");
    expect(
      rule("quarantined", {
        ...who,
        type: "release-from-quarantine",
        qaDecision: sig("dr-li", "investigator"),
        returnTo: "stored-at-site",
      }),
    ).toBe("V2V-PRODUCT-QUARANTINE-NEEDS-QA-DECISION");
    expect(
      rule("quarantined", {
        ...who,
        type: "release-from-quarantine",
        qaDecision: sig("qa-wang", "qa"),
        returnTo: "released",
      } as unknown as ProductEvent),
    ).toBe("V2V-PRODUCT-QUARANTINE-BAD-RETURN");
    expect(applyProductEvent("quarantined", okProduct("discard")).state).toBe("discarded");
  });
  it("a manufacturing failure tells the journey", () => {
    expect(applyProductEvent("qc-pending", okProduct("declare-failed")).effects).toEqual([
      { type: "journey-event-due", event: "manufacturing-failed" },
    ]);
  });
});

// ──────────────────────────────────────────── random walks ──

/** States reachable from `start` over the expected edges. */
function reachable<S extends string>(start: S, edges: [S, string, S][]): Set<S> {
  const seen = new Set<S>([start]);
  const queue = [start];
  while (queue.length) {
    const s = queue.shift()!;
    for (const [f, , t] of edges)
      if (f === s && !seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
  }
  return seen;
}

/** Payload variants per journey event: the first passes, the others may not. */
const JOURNEY_VARIANTS: Record<JourneyEventType, JourneyEvent[]> = {
  ...(Object.fromEntries(EVENT_TYPES.map((t) => [t, [OK[t]]])) as Record<JourneyEventType, JourneyEvent[]>),
  "fail-screening": [OK["fail-screening"], { type: "fail-screening", failedCriteria: [] }],
  enrol: [OK.enrol, { type: "enrol", pathway: "routine-care", payerApproved: true, mdtApproved: false }],
  "product-released": [
    OK["product-released"],
    { type: "product-released", product: { state: "qc-pending" } },
    { type: "product-released", product: { state: "out-of-specification", oosException: GOOD_EXCEPTION } },
  ],
  "start-lymphodepletion": [
    OK["start-lymphodepletion"],
    { type: "start-lymphodepletion", productAvailableAtSite: false, product: RELEASED, patientFit: true },
    {
      type: "start-lymphodepletion",
      productAvailableAtSite: true,
      product: { state: "qc-pending" },
      patientFit: true,
    },
  ],
  "verify-at-bedside": [
    OK["verify-at-bedside"],
    { type: "verify-at-bedside", verification: { passed: false, verifiedBy: ["a", "b"] } },
  ],
  infuse: [
    OK.infuse,
    { type: "infuse", product: { state: "qc-pending" }, bedsideVerification: PASSED },
    { type: "infuse", product: THAWED, bedsideVerification: { passed: true, verifiedBy: ["a"] } },
  ],
  "stop-treatment": [OK["stop-treatment"], { type: "stop-treatment", reason: "" }],
};

const KNOWN_JOURNEY_RULES = new Set(Object.keys(JOURNEY_RULES));
const KNOWN_PRODUCT_RULES = new Set(Object.keys(PRODUCT_RULES));

/**
 * One step of a walk. `mode` 0–6: a forward event the expected list allows here (no exit), so walks
 * get deep; 7–8: any event allowed here, exits included; 9: any event at all.
 */
const step = fc.record({ mode: fc.integer({ min: 0, max: 9 }), pick: fc.nat(), variant: fc.nat() });
const EXITS: string[] = ["die", "withdraw", "stop-treatment", "discard", "return-to-manufacturer"];
const walk = fc.array(step, { minLength: 10, maxLength: 120, size: "max" });
function poolFor<E extends string>(mode: number, here: E[], all: E[]): E[] {
  const forward = here.filter((e) => !EXITS.includes(e));
  if (mode <= 6 && forward.length) return forward;
  if (mode <= 8 && here.length) return here;
  return all;
}

describe("random walks (fast-check)", () => {
  it("journey: accepted events follow the expected edges, reach only reachable states and never leave a terminal state", () => {
    const canReach = reachable<JourneyState>("referred", LEGAL);
    const visited = new Set<JourneyState>();
    fc.assert(
      // half the walks start at referral, the others anywhere (terminal states included)
      fc.property(
        fc.oneof(fc.constant("referred" as JourneyState), fc.constantFrom(...STATES)),
        walk,
        (start, steps) => {
          let state: JourneyState = start;
          for (const s of steps) {
            const here = LEGAL.filter(([f]) => f === state).map(([, e]) => e);
            const pool = poolFor(s.mode, here, EVENT_TYPES);
            const type = pool[s.pick % pool.length]!;
            const variants = JOURNEY_VARIANTS[type];
            const event = variants[s.variant % variants.length]!;
            const wasTerminal = TERMINAL.includes(state);
            try {
              const next = applyJourneyEvent(state, event).state;
              expect(wasTerminal).toBe(false);
              expect(LEGAL.some(([f, e, t]) => f === state && e === type && t === next)).toBe(true);
              expect(canReach.has(next)).toBe(true);
              state = next;
              visited.add(next);
            } catch (e) {
              expect(e).toBeInstanceOf(DomainError);
              expect(KNOWN_JOURNEY_RULES.has(String((e as DomainError).details.rule))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
    // the walks did explore: every state but the start was reached by some walk
    expect([...visited].sort()).toEqual(STATES.filter((x) => x !== "referred").sort());
    expect([...canReach].sort()).toEqual([...STATES].sort());
  });

  it("product: the same for the product machine", () => {
    const canReach = reachable<ProductState>("collected", P_LEGAL);
    const visited = new Set<ProductState>();
    const badVariants: Partial<Record<ProductEventType, ProductEvent[]>> = {
      "ship-to-site": [{ ...who, type: "ship-to-site" }],
      release: [{ ...who, type: "release", qcAllPassed: false }],
      administer: [
        { ...who, type: "administer", bedsideVerification: { passed: false, verifiedBy: ["a", "b"] } },
      ],
      "ship-to-manufacturer": [{ ...who, actor: "", type: "ship-to-manufacturer" }],
    };
    fc.assert(
      fc.property(
        fc.oneof(fc.constant("collected" as ProductState), fc.constantFrom(...P_STATES)),
        walk,
        (start, steps) => {
          let state: ProductState = start;
          for (const s of steps) {
            const here = P_LEGAL.filter(([f]) => f === state);
            const pool = poolFor(
              s.mode,
              here.map(([, e]) => e),
              P_EVENT_TYPES,
            );
            const type = pool[s.pick % pool.length]!;
            const targets = here.filter(([, e]) => e === type).map(([, , t]) => t);
            const target = targets.length
              ? targets[s.variant % targets.length]!
              : ORIGINS[s.pick % ORIGINS.length]!;
            const variants = [okProduct(type, target), ...(badVariants[type] ?? [])];
            const event = variants[s.variant % variants.length]!;
            const wasTerminal = P_TERMINAL.includes(state);
            try {
              const next = applyProductEvent(state, event).state;
              expect(wasTerminal).toBe(false);
              expect(P_LEGAL.some(([f, e, t]) => f === state && e === type && t === next)).toBe(true);
              expect(canReach.has(next)).toBe(true);
              state = next;
              visited.add(next);
            } catch (e) {
              expect(e).toBeInstanceOf(DomainError);
              expect(KNOWN_PRODUCT_RULES.has(String((e as DomainError).details.rule))).toBe(true);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect([...visited].sort()).toEqual(P_STATES.filter((x) => x !== "collected").sort());
    expect([...canReach].sort()).toEqual([...P_STATES].sort());
  });
});
