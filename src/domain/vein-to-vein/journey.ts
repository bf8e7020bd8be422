/**
 * The patient journey state machine, one per enrolment: referral → consent → screening →
 * enrolment → apheresis → waiting for product → lymphodepletion → infusion → monitoring →
 * follow-up → long-term follow-up → completion, or an exit; each state maps to a FHIR R4
 * ResearchSubject.status (shared/domain/workflow-standards.md §1.3).
 */
import {
  checkTableMove,
  type MachineRules,
  nonEmpty,
  nonEmptyList,
  type Refusal,
  refuse,
} from "./machine.ts";
import { PRODUCT_RULES, type ProductState, RELEASE_CLEARED } from "./product.ts";
import {
  type BedsideVerification,
  checkBedside,
  checkOosException,
  type OosException,
} from "./signed-checks.ts";

export const JOURNEY_STATES = [
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
] as const;
export type JourneyState = (typeof JOURNEY_STATES)[number];

export const TERMINAL_JOURNEY_STATES = [
  "screen-failed",
  "completed",
  "off-treatment",
  "died",
  "withdrawn",
  "lost-to-follow-up",
] as const satisfies readonly JourneyState[];

/** The 13 codes of FHIR R4 ResearchSubjectStatus (http://hl7.org/fhir/research-subject-status). */
export const FHIR_R4_RESEARCH_SUBJECT_STATUSES = [
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
] as const;
export type FhirR4ResearchSubjectStatus = (typeof FHIR_R4_RESEARCH_SUBJECT_STATUSES)[number];

/**
 * Journey state → R4 ResearchSubject.status, per the notes' table (§1.3). Where the table gives a
 * progression for one state, the state takes the code it settles on: Referred is
 * `potential-candidate` and Consulted `candidate`; Enrolled is `on-study` (R4: "enrolled or
 * registered on a study"). "ApheresisScheduled … Infused" is read as every state from apheresis to
 * infusion, bridging, re-apheresis and deferral included.
 */
export const RESEARCH_SUBJECT_STATUS: Readonly<Record<JourneyState, FhirR4ResearchSubjectStatus>> = {
  referred: "potential-candidate",
  consulted: "candidate",
  consented: "screening",
  screening: "screening",
  "screen-failed": "ineligible",
  enrolled: "on-study",
  "apheresis-scheduled": "on-study-intervention",
  apheresed: "on-study-intervention",
  "awaiting-product": "on-study-intervention",
  "bridging-or-washout": "on-study-intervention",
  "re-apheresis": "on-study-intervention",
  "pre-ld-check": "on-study-intervention",
  lymphodepletion: "on-study-intervention",
  "pre-infusion-check": "on-study-intervention",
  "infusion-deferred": "on-study-intervention",
  infused: "on-study-intervention",
  "acute-monitoring": "on-study-intervention",
  "follow-up": "on-study-observation",
  "long-term-follow-up": "follow-up",
  completed: "off-study",
  "off-treatment": "off-study",
  died: "off-study",
  withdrawn: "withdrawn",
  "lost-to-follow-up": "off-study",
};

/** Consent forms a patient may sign (§1.3: trial / treatment / registry / data transfer). */
export type ConsentScope = "trial" | "treatment" | "registry" | "data-transfer";

/**
 * What the journey needs to know about the product: its state in the product machine and, for an
 * out-of-specification product, the exception decision.
 */
export interface ProductFacts {
  state: ProductState;
  oosException?: OosException | null;
}

export type JourneyEvent =
  | { type: "consult" }
  /** must include trial or treatment consent; registry or data-transfer consent alone does not start treatment */
  | { type: "sign-consent"; scopes: ConsentScope[] }
  | { type: "start-screening" }
  | { type: "fail-screening"; failedCriteria: string[] }
  /** trial: eligibility confirmed; routine care: payer and MDT approval (§1.3) */
  | {
      type: "enrol";
      pathway: "trial" | "routine-care";
      eligibilityConfirmed?: boolean;
      payerApproved?: boolean;
      mdtApproved?: boolean;
    }
  /** booking apheresis books the downstream manufacturing slot */
  | { type: "book-apheresis"; manufacturingSlotId: string }
  | { type: "reschedule-apheresis"; manufacturingSlotId: string }
  | { type: "record-apheresis" }
  | { type: "hand-to-courier" }
  /** bridging therapy (lymphoma) or washout / taper of immunosuppression (autoimmune disease) */
  | { type: "start-bridging"; kind: "bridging" | "washout" }
  | { type: "end-bridging" }
  /** the product is released, or OOS with a signed exception */
  | { type: "product-released"; product: ProductFacts }
  | { type: "manufacturing-failed"; reason: string }
  | {
      type: "start-lymphodepletion";
      productAvailableAtSite: boolean;
      product: ProductFacts;
      patientFit: boolean;
    }
  | { type: "complete-lymphodepletion" }
  /** records a passed bedside verification; a mismatch is refused (hard stop) */
  | { type: "verify-at-bedside"; verification: BedsideVerification }
  | { type: "infuse"; product: ProductFacts; bedsideVerification: BedsideVerification }
  | { type: "defer-infusion"; reason: string }
  | { type: "resume-pre-infusion-check" }
  | { type: "start-acute-monitoring" }
  | { type: "start-follow-up" }
  | { type: "start-long-term-follow-up" }
  | { type: "complete" }
  /** ineligible, progression, patient choice: not infused, stays off study */
  | { type: "stop-treatment"; reason: string }
  | { type: "die" }
  | { type: "withdraw"; reason?: string }
  | { type: "lose-to-follow-up" };
export type JourneyEventType = JourneyEvent["type"];

export const JOURNEY_EVENT_TYPES = [
  "consult",
  "sign-consent",
  "start-screening",
  "fail-screening",
  "enrol",
  "book-apheresis",
  "reschedule-apheresis",
  "record-apheresis",
  "hand-to-courier",
  "start-bridging",
  "end-bridging",
  "product-released",
  "manufacturing-failed",
  "start-lymphodepletion",
  "complete-lymphodepletion",
  "verify-at-bedside",
  "infuse",
  "defer-infusion",
  "resume-pre-infusion-check",
  "start-acute-monitoring",
  "start-follow-up",
  "start-long-term-follow-up",
  "complete",
  "stop-treatment",
  "die",
  "withdraw",
  "lose-to-follow-up",
] as const satisfies readonly JourneyEventType[];

const NON_TERMINAL_JOURNEY: readonly JourneyState[] = JOURNEY_STATES.filter(
  (s) => !(TERMINAL_JOURNEY_STATES as readonly JourneyState[]).includes(s),
);

/** Enrolled but not infused: a patient here can come off treatment (progression, ineligible, choice). */
const ENROLLED_NOT_INFUSED: readonly JourneyState[] = [
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

/** Collected material (or a product) exists and will not be infused if the patient leaves from here. */
const HOLDS_MATERIAL: readonly JourneyState[] = [
  "apheresed",
  "awaiting-product",
  "bridging-or-washout",
  "pre-ld-check",
  "lymphodepletion",
  "pre-infusion-check",
  "infusion-deferred",
];

const BEFORE_ENROLMENT: readonly JourneyState[] = ["referred", "consulted", "consented", "screening"];

/** The journey transition table: for each event, the states it may leave and the one it reaches. */
export const JOURNEY_TRANSITIONS: Readonly<
  Record<JourneyEventType, { readonly from: readonly JourneyState[]; readonly to: JourneyState }>
> = {
  consult: { from: ["referred"], to: "consulted" },
  "sign-consent": { from: ["consulted"], to: "consented" },
  "start-screening": { from: ["consented"], to: "screening" },
  "fail-screening": { from: ["screening"], to: "screen-failed" },
  enrol: { from: ["screening"], to: "enrolled" },
  // after a manufacturing failure the patient is booked again (§1.5: back to ApheresisScheduled)
  "book-apheresis": { from: ["enrolled", "re-apheresis"], to: "apheresis-scheduled" },
  "reschedule-apheresis": { from: ["apheresis-scheduled"], to: "apheresis-scheduled" },
  "record-apheresis": { from: ["apheresis-scheduled"], to: "apheresed" },
  "hand-to-courier": { from: ["apheresed"], to: "awaiting-product" },
  "start-bridging": { from: ["awaiting-product"], to: "bridging-or-washout" },
  "end-bridging": { from: ["bridging-or-washout"], to: "awaiting-product" },
  "product-released": { from: ["awaiting-product"], to: "pre-ld-check" },
  "manufacturing-failed": { from: ["awaiting-product"], to: "re-apheresis" },
  "start-lymphodepletion": { from: ["pre-ld-check"], to: "lymphodepletion" },
  "complete-lymphodepletion": { from: ["lymphodepletion"], to: "pre-infusion-check" },
  "verify-at-bedside": { from: ["pre-infusion-check"], to: "pre-infusion-check" },
  infuse: { from: ["pre-infusion-check"], to: "infused" },
  "defer-infusion": { from: ["pre-infusion-check"], to: "infusion-deferred" },
  "resume-pre-infusion-check": { from: ["infusion-deferred"], to: "pre-infusion-check" },
  "start-acute-monitoring": { from: ["infused"], to: "acute-monitoring" },
  "start-follow-up": { from: ["acute-monitoring"], to: "follow-up" },
  "start-long-term-follow-up": { from: ["follow-up"], to: "long-term-follow-up" },
  complete: { from: ["long-term-follow-up"], to: "completed" },
  "stop-treatment": { from: ENROLLED_NOT_INFUSED, to: "off-treatment" },
  die: { from: NON_TERMINAL_JOURNEY, to: "died" },
  withdraw: { from: NON_TERMINAL_JOURNEY, to: "withdrawn" },
  "lose-to-follow-up": { from: ["follow-up", "long-term-follow-up"], to: "lost-to-follow-up" },
};

export const JOURNEY_RULES = {
  "V2V-UNKNOWN-STATE": "The enrolment is in a journey state this machine does not know.",
  "V2V-UNKNOWN-EVENT": "The journey event type is not one this machine knows.",
  "V2V-TERMINAL-STATE":
    "A closed journey (screen-failed, completed, off-treatment, died, withdrawn, lost to follow-up) accepts no events.",
  "V2V-OUT-OF-SEQUENCE": "The event is not a move out of the enrolment's current state.",
  "V2V-CONSENT-NEEDS-TREATMENT-SCOPE": "Treatment starts only with trial or treatment consent signed.",
  "V2V-SCREEN-FAIL-NEEDS-CRITERIA": "A screen failure lists the criteria not met.",
  "V2V-ENROL-NEEDS-ELIGIBILITY": "Trial enrolment needs eligibility confirmed.",
  "V2V-ENROL-NEEDS-PAYER-AND-MDT": "Routine-care enrolment needs payer and MDT approval.",
  "V2V-APHERESIS-NEEDS-SLOT": "Apheresis is booked only with a manufacturing slot downstream.",
  "V2V-BRIDGING-NEEDS-KIND": "Bridging is bridging therapy or a washout / taper.",
  "V2V-RELEASE-NEEDS-DISPOSITION":
    "The patient moves on only when the product is released or OOS with an exception.",
  "V2V-MANUFACTURING-FAILURE-NEEDS-REASON": "A manufacturing failure gives its reason.",
  "V2V-LD-NEEDS-PRODUCT": "Lymphodepletion starts only with the product available at the site.",
  "V2V-LD-NEEDS-RELEASED-PRODUCT":
    "Lymphodepletion starts only with a released product (or OOS with exception).",
  "V2V-LD-NEEDS-FIT": "Lymphodepletion starts only when the patient is fit for it.",
  "V2V-BEDSIDE-MISMATCH": "A bedside verification mismatch is a hard stop.",
  "V2V-BEDSIDE-NEEDS-TWO-VERIFIERS": "The bedside verification is done by two different people.",
  "V2V-INFUSE-NEEDS-RELEASED-PRODUCT": "Only a released product (or OOS with exception) is infused.",
  "V2V-INFUSE-NEEDS-THAWED-PRODUCT": "The product is thawed before it is infused.",
  "V2V-INFUSE-NEEDS-BEDSIDE-CHECK": "Infusion is recorded only after the bedside verification passed.",
  "V2V-DEFER-NEEDS-REASON": "A deferred infusion gives its reason.",
  "V2V-STOP-NEEDS-REASON": "Coming off treatment gives its reason.",
  "V2V-OOS-EXCEPTION-REQUIRED": PRODUCT_RULES["V2V-OOS-EXCEPTION-REQUIRED"],
  "V2V-OOS-EXCEPTION-NEEDS-RATIONALE": PRODUCT_RULES["V2V-OOS-EXCEPTION-NEEDS-RATIONALE"],
  "V2V-OOS-EXCEPTION-BAD-SIGNATURE": PRODUCT_RULES["V2V-OOS-EXCEPTION-BAD-SIGNATURE"],
  "V2V-OOS-EXCEPTION-NEEDS-INVESTIGATOR": PRODUCT_RULES["V2V-OOS-EXCEPTION-NEEDS-INVESTIGATOR"],
  "V2V-OOS-EXCEPTION-NEEDS-QA": PRODUCT_RULES["V2V-OOS-EXCEPTION-NEEDS-QA"],
  "V2V-OOS-EXCEPTION-SAME-SIGNER": PRODUCT_RULES["V2V-OOS-EXCEPTION-SAME-SIGNER"],
} as const;
export type JourneyRule = keyof typeof JOURNEY_RULES;

export type JourneyEffect =
  | { type: "record-screen-failure"; failedCriteria: string[] }
  | { type: "reserve-manufacturing-slot"; slotId: string }
  | { type: "move-manufacturing-slot"; slotId: string }
  | { type: "free-manufacturing-slot" }
  /** new collection, new DIN, same chain-of-identity id (§1.5) */
  | { type: "remanufacture-on-same-coi"; reason: string }
  | { type: "record-bedside-verification"; verifiedBy: string[] }
  /** collected material or a product exists and will not be infused: destroy, hold or return */
  | { type: "decide-product-disposition"; reason: string }
  /** death after enrolment: registry death report (CIBMTR F2900 per the notes) */
  | { type: "report-death-to-registry" }
  /**
   * the journey ended: protocol visits still open no longer apply and close with this reason, so
   * no worklist asks for a patient who died, withdrew or was lost (issue 11)
   */
  | { type: "close-open-visits"; reason: string };

export function isTerminalJourneyState(state: JourneyState): boolean {
  return (TERMINAL_JOURNEY_STATES as readonly JourneyState[]).includes(state);
}

/** The events the table allows out of `state`, before guards. Empty for terminal states. */
export function allowedEvents(state: JourneyState): JourneyEventType[] {
  return JOURNEY_EVENT_TYPES.filter((t) => JOURNEY_TRANSITIONS[t].from.includes(state));
}

/** Null when the product may be used (released, or downstream of a release, or OOS with a valid exception). */
function productNotCleared(
  product: ProductFacts | null | undefined,
  rule: string,
  what: string,
): Refusal | null {
  const state = product && typeof product === "object" ? product.state : undefined;
  if (state !== undefined && RELEASE_CLEARED.includes(state)) return null;
  if (state === "out-of-specification") {
    const why = checkOosException(product?.oosException);
    if (!why) return null;
    return {
      rule,
      message: `${what}: the product is out of specification and its exception decision is not valid (${why.message})`,
      extra: { cause: why.rule },
    };
  }
  return {
    rule,
    message: `${what}: the product is ${state === undefined ? "unknown" : state}, not released.`,
    extra: { productState: state ?? null },
  };
}

function journeyGuard(e: JourneyEvent): Refusal | null {
  switch (e.type) {
    case "sign-consent":
      return Array.isArray(e.scopes) && (e.scopes.includes("trial") || e.scopes.includes("treatment"))
        ? null
        : {
            rule: "V2V-CONSENT-NEEDS-TREATMENT-SCOPE",
            message:
              "The consent signed must cover the trial or the treatment; registry or data-transfer consent alone is not enough.",
          };
    case "fail-screening":
      return nonEmptyList(e.failedCriteria)
        ? null
        : {
            rule: "V2V-SCREEN-FAIL-NEEDS-CRITERIA",
            message: "A screen failure must list the criteria not met.",
          };
    case "enrol":
      if (e.pathway === "trial")
        return e.eligibilityConfirmed === true
          ? null
          : { rule: "V2V-ENROL-NEEDS-ELIGIBILITY", message: "Trial enrolment needs eligibility confirmed." };
      if (e.pathway === "routine-care")
        return e.payerApproved === true && e.mdtApproved === true
          ? null
          : {
              rule: "V2V-ENROL-NEEDS-PAYER-AND-MDT",
              message: "Routine-care enrolment needs both payer approval and the MDT's approval.",
            };
      return {
        rule: "V2V-ENROL-NEEDS-ELIGIBILITY",
        message: "Enrolment needs a pathway (trial or routine-care) and its approval.",
      };
    case "book-apheresis":
    case "reschedule-apheresis":
      return nonEmpty(e.manufacturingSlotId)
        ? null
        : {
            rule: "V2V-APHERESIS-NEEDS-SLOT",
            message: "Apheresis can be booked only with a free manufacturing slot downstream; name the slot.",
          };
    case "start-bridging":
      return e.kind === "bridging" || e.kind === "washout"
        ? null
        : {
            rule: "V2V-BRIDGING-NEEDS-KIND",
            message: "Say whether this is bridging therapy or a washout / taper.",
          };
    case "product-released":
      return productNotCleared(
        e.product,
        "V2V-RELEASE-NEEDS-DISPOSITION",
        "The patient cannot move to the pre-LD check",
      );
    case "manufacturing-failed":
      return nonEmpty(e.reason)
        ? null
        : {
            rule: "V2V-MANUFACTURING-FAILURE-NEEDS-REASON",
            message: "Give the reason manufacturing failed.",
          };
    case "start-lymphodepletion":
      if (e.productAvailableAtSite !== true)
        return {
          rule: "V2V-LD-NEEDS-PRODUCT",
          message: "Lymphodepletion cannot start: the product is not available at the site.",
        };
      return (
        productNotCleared(e.product, "V2V-LD-NEEDS-RELEASED-PRODUCT", "Lymphodepletion cannot start") ??
        (e.patientFit === true
          ? null
          : {
              rule: "V2V-LD-NEEDS-FIT",
              message: "Lymphodepletion cannot start: the patient is not confirmed fit.",
            })
      );
    case "verify-at-bedside":
      return checkBedside(e.verification, "V2V-BEDSIDE-MISMATCH");
    case "infuse": {
      const notCleared = productNotCleared(
        e.product,
        "V2V-INFUSE-NEEDS-RELEASED-PRODUCT",
        "The infusion cannot be recorded",
      );
      if (notCleared) return notCleared;
      if (e.product.state !== "thawed")
        return {
          rule: "V2V-INFUSE-NEEDS-THAWED-PRODUCT",
          message: `The infusion cannot be recorded: the product is ${e.product.state}, not thawed.`,
        };
      return checkBedside(e.bedsideVerification, "V2V-INFUSE-NEEDS-BEDSIDE-CHECK");
    }
    case "defer-infusion":
      return nonEmpty(e.reason)
        ? null
        : { rule: "V2V-DEFER-NEEDS-REASON", message: "Give the reason the infusion is deferred." };
    case "stop-treatment":
      return nonEmpty(e.reason)
        ? null
        : { rule: "V2V-STOP-NEEDS-REASON", message: "Give the reason the patient comes off treatment." };
    default:
      return null;
  }
}

function leavingEffects(from: JourneyState, reason: string): JourneyEffect[] {
  const effects: JourneyEffect[] = [];
  if (from === "apheresis-scheduled") effects.push({ type: "free-manufacturing-slot" });
  if (HOLDS_MATERIAL.includes(from)) effects.push({ type: "decide-product-disposition", reason });
  return effects;
}

/** Why the visits still open close when an event ends the journey; null for events that do not. */
function visitClosure(e: JourneyEvent): string | null {
  const why = (what: string, reason?: unknown) =>
    `Journey ended: ${what}${nonEmpty(reason) ? ` (${reason.trim()})` : ""}`;
  switch (e.type) {
    case "complete":
      return why("study completed");
    case "stop-treatment":
      return why("treatment stopped", e.reason);
    case "die":
      return why("patient died");
    case "withdraw":
      return why("patient withdrew", e.reason);
    case "lose-to-follow-up":
      return why("lost to follow-up");
    default:
      return null;
  }
}

function journeyEffects(from: JourneyState, e: JourneyEvent): JourneyEffect[] {
  const effects = eventEffects(from, e);
  const reason = visitClosure(e);
  return reason ? [...effects, { type: "close-open-visits", reason }] : effects;
}

function eventEffects(from: JourneyState, e: JourneyEvent): JourneyEffect[] {
  switch (e.type) {
    case "fail-screening":
      return [{ type: "record-screen-failure", failedCriteria: [...e.failedCriteria] }];
    case "book-apheresis":
      return [{ type: "reserve-manufacturing-slot", slotId: e.manufacturingSlotId }];
    case "reschedule-apheresis":
      return [{ type: "move-manufacturing-slot", slotId: e.manufacturingSlotId }];
    case "manufacturing-failed":
      return [{ type: "remanufacture-on-same-coi", reason: e.reason }];
    case "verify-at-bedside":
      return [{ type: "record-bedside-verification", verifiedBy: [...e.verification.verifiedBy] }];
    case "stop-treatment":
      return leavingEffects(from, e.reason);
    case "withdraw":
      return leavingEffects(from, nonEmpty(e.reason) ? e.reason : "withdrawn");
    case "die":
      return [
        ...leavingEffects(from, "died"),
        ...(BEFORE_ENROLMENT.includes(from) ? [] : [{ type: "report-death-to-registry" } as const]),
      ];
    default:
      return [];
  }
}

const JOURNEY_MACHINE: MachineRules<JourneyState, JourneyEventType> = {
  states: JOURNEY_STATES,
  events: JOURNEY_EVENT_TYPES,
  isTerminal: isTerminalJourneyState,
  from: (t) => JOURNEY_TRANSITIONS[t].from,
  rules: {
    unknownState: "V2V-UNKNOWN-STATE",
    unknownEvent: "V2V-UNKNOWN-EVENT",
    terminal: "V2V-TERMINAL-STATE",
    outOfSequence: "V2V-OUT-OF-SEQUENCE",
  },
  unknownState: (s) => `Unknown journey state ${s}.`,
  unknownEvent: (t) => `Unknown journey event ${t}.`,
  terminal: (s, t) => `The journey is closed (${s}); it accepts no further events (${t} refused).`,
  outOfSequence: (t, from, s) => `${t} is allowed only from ${from.join(", ")}; the enrolment is ${s}.`,
};

/**
 * Apply one journey event to an enrolment. Checks, in order: known state and event, terminal
 * state, the transition table, then the event's guard. Throws `DomainError("rule-violation",
 * message, [], { rule, from, event, … })`; otherwise returns the new state and effects.
 */
export function applyJourneyEvent(
  state: JourneyState,
  event: JourneyEvent,
): { state: JourneyState; effects: JourneyEffect[] } {
  const t = checkTableMove(JOURNEY_MACHINE, state, event);
  const refusal = journeyGuard(event);
  if (refusal) refuse(refusal, state, t);
  return { state: JOURNEY_TRANSITIONS[t].to, effects: journeyEffects(state, event) };
}
