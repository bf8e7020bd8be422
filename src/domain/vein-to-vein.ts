/**
 * Vein to vein: two pure state machines.
 *
 * - The **patient journey**, one per enrolment: referral → consent → screening → enrolment →
 *   apheresis → waiting for product (bridging / washout) → lymphodepletion → infusion → acute
 *   monitoring → follow-up → long-term follow-up → completion, or an exit (screen failure, off
 *   treatment, death, withdrawal, loss to follow-up). Each state maps to a FHIR R4
 *   `ResearchSubject.status` code.
 * - The **product**, one per collection / final product: collected → shipped → manufactured → QC →
 *   released | out-of-specification | failed → shipped to site → stored → thawed → administered |
 *   discarded | returned, with quarantine on a temperature excursion. Every product event carries
 *   its actor and time.
 *
 * Reference: shared/domain/workflow-standards.md §1.3 (diagram and FHIR mapping), §1.4 (product
 * states), §1.5 (failure events), §2.6 (bedside check); issue 4.
 *
 * Both machines are functions `(state, event) → { state, effects }`. They do no I/O and keep no
 * history: every fact a guard needs (is the product released, is it at the site, did the bedside
 * check pass) travels in the event. A refused move throws `DomainError("rule-violation")` whose
 * details carry a stable rule id (`rule`), the state (`from`) and the event type (`event`), so the
 * HTTP layer's problem+json names the rule. `effects` are hints for the service layer (free a
 * manufacturing slot, decide what happens to a product that will not be infused…); the machine
 * never performs them.
 */
import { DomainError } from "./errors.ts";
import { Instant } from "./schemas/common.ts";

// ───────────────────────────────────────────── shared ──

/** A refusal in the making: which rule, and why in words. */
interface Refusal {
  rule: string;
  message: string;
  extra?: Record<string, unknown>;
}

const nonEmpty = (s: unknown): s is string => typeof s === "string" && s.trim().length > 0;
const isInstant = (s: unknown): s is string => typeof s === "string" && Instant.safeParse(s).success;
const nonEmptyList = (xs: unknown): xs is string[] =>
  Array.isArray(xs) && xs.length > 0 && xs.every((x) => nonEmpty(x));

function refuse(r: Refusal, from: string, event: string): never {
  throw new DomainError("rule-violation", r.message, [], {
    rule: r.rule,
    from,
    event,
    ...(r.extra ?? {}),
  });
}

/** Type of an unknown event value, for error details; never throws. */
const eventTypeOf = (event: unknown): string =>
  event !== null && typeof event === "object" && typeof (event as { type?: unknown }).type === "string"
    ? (event as { type: string }).type
    : String(event);

/** How one state machine names its refusals; the checks themselves are shared. */
interface MachineRules<S extends string, E extends string> {
  states: readonly S[];
  events: readonly E[];
  isTerminal: (state: S) => boolean;
  from: (event: E) => readonly S[];
  rules: { unknownState: string; unknownEvent: string; terminal: string; outOfSequence: string };
  unknownState: (state: string) => string;
  unknownEvent: (type: string) => string;
  terminal: (state: S, type: E) => string;
  outOfSequence: (type: E, from: readonly S[], state: S) => string;
}

/**
 * The checks every move starts with, in order: known state, known event, not a final state, and
 * the transition table. Refuses with the machine's rule ids; returns the narrowed event type.
 */
function checkTableMove<S extends string, E extends string>(
  m: MachineRules<S, E>,
  state: S,
  event: unknown,
): E {
  const type = eventTypeOf(event);
  if (!(m.states as readonly string[]).includes(state))
    refuse({ rule: m.rules.unknownState, message: m.unknownState(String(state)) }, String(state), type);
  if (!(m.events as readonly string[]).includes(type))
    refuse({ rule: m.rules.unknownEvent, message: m.unknownEvent(type) }, state, type);
  const t = type as E;
  if (m.isTerminal(state)) refuse({ rule: m.rules.terminal, message: m.terminal(state, t) }, state, t);
  const from = m.from(t);
  if (!from.includes(state))
    refuse(
      {
        rule: m.rules.outOfSequence,
        message: m.outOfSequence(t, from, state),
        extra: { allowedFrom: [...from] },
      },
      state,
      t,
    );
  return t;
}

// ─────────────────────────────── OOS exception and bedside check (used by both machines) ──

/**
 * One signature on an exception decision. `role` is the capacity in which the person signs, not
 * their site role (the platform's site roles have no QA role yet).
 */
export interface Signature {
  userId: string;
  role: "investigator" | "qa";
  /** ISO 8601 instant with offset or Z */
  signedAt: string;
}

/**
 * The decision to use an out-of-specification product (notes §1.5: clinician–manufacturer risk
 * assessment, recorded with the approvers). Valid only with an investigator signature and a QA
 * signature by two different people.
 */
export interface OosException {
  rationale: string;
  signatures: Signature[];
}

/** Why an OOS exception decision cannot be accepted, or null when it is valid. */
export function checkOosException(exception: OosException | null | undefined): Refusal | null {
  if (exception === null || exception === undefined || typeof exception !== "object")
    return {
      rule: "V2V-OOS-EXCEPTION-REQUIRED",
      message:
        "An out-of-specification product can only be used after an exception decision signed by an investigator and by QA.",
    };
  if (!nonEmpty(exception.rationale))
    return {
      rule: "V2V-OOS-EXCEPTION-NEEDS-RATIONALE",
      message: "The OOS exception decision must state its rationale (the risk assessment).",
    };
  const sigs = Array.isArray(exception.signatures) ? exception.signatures : [];
  const bad = sigs.findIndex(
    (s) =>
      !s || !nonEmpty(s.userId) || (s.role !== "investigator" && s.role !== "qa") || !isInstant(s.signedAt),
  );
  if (bad >= 0)
    return {
      rule: "V2V-OOS-EXCEPTION-BAD-SIGNATURE",
      message: `Signature ${bad + 1} on the OOS exception needs a user, a role (investigator or qa) and an ISO 8601 time with offset.`,
    };
  const investigators = sigs.filter((s) => s.role === "investigator").map((s) => s.userId.trim());
  const qa = sigs.filter((s) => s.role === "qa").map((s) => s.userId.trim());
  if (investigators.length === 0)
    return {
      rule: "V2V-OOS-EXCEPTION-NEEDS-INVESTIGATOR",
      message: "The OOS exception decision has no investigator signature.",
    };
  if (qa.length === 0)
    return { rule: "V2V-OOS-EXCEPTION-NEEDS-QA", message: "The OOS exception decision has no QA signature." };
  if (!investigators.some((i) => qa.some((q) => q !== i)))
    return {
      rule: "V2V-OOS-EXCEPTION-SAME-SIGNER",
      message: "The investigator and QA signatures on the OOS exception must come from two different people.",
    };
  return null;
}

/**
 * The outcome of the bedside verification (issue 4: two different users independently confirm the
 * patient, chain-of-identity id, DIN, product code and thaw time). The comparison itself lives
 * elsewhere; this carries its result.
 */
export interface BedsideVerification {
  passed: boolean;
  /** user ids of the people who verified; at least two different people */
  verifiedBy: string[];
  /** fields that did not match, when `passed` is false */
  mismatches?: string[];
}

function checkBedside(v: BedsideVerification | null | undefined, failedRule: string): Refusal | null {
  if (
    !v ||
    typeof v !== "object" ||
    v.passed !== true ||
    (Array.isArray(v.mismatches) && v.mismatches.length > 0)
  )
    return {
      rule: failedRule,
      message:
        "The bedside verification has not passed; any mismatch is a hard stop and the infusion cannot be recorded.",
      extra:
        v && Array.isArray(v.mismatches) && v.mismatches.length ? { mismatches: v.mismatches } : undefined,
    };
  const people = new Set(
    (Array.isArray(v.verifiedBy) ? v.verifiedBy : []).filter(nonEmpty).map((u) => u.trim()),
  );
  if (people.size < 2)
    return {
      rule: "V2V-BEDSIDE-NEEDS-TWO-VERIFIERS",
      message: "The bedside verification needs two different people checking independently.",
    };
  return null;
}

// ───────────────────────────────────────────── product ──

export const PRODUCT_STATES = [
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
] as const;
export type ProductState = (typeof PRODUCT_STATES)[number];

/** No event leaves these. A failed product stays failed; a remanufacture is a new product on the same COI. */
export const TERMINAL_PRODUCT_STATES = [
  "failed",
  "administered",
  "discarded",
  "returned",
] as const satisfies readonly ProductState[];

/** Where a temperature excursion can quarantine a product, and where a QA release puts it back. */
export const QUARANTINE_ORIGINS = [
  "in-transit-to-manufacturer",
  "in-transit-to-site",
  "stored-at-site",
] as const;
export type QuarantineOrigin = (typeof QUARANTINE_ORIGINS)[number];

/** Product states that imply a release (or an accepted OOS exception) already happened. */
const RELEASE_CLEARED: readonly ProductState[] = [
  "released",
  "in-transit-to-site",
  "stored-at-site",
  "thawed",
];

/** Every product event names who did it and when. */
export interface ProductEventBase {
  /** user id (or a courier / manufacturer account) */
  actor: string;
  /** ISO 8601 instant with offset or Z */
  at: string;
}

export type ProductEvent = ProductEventBase &
  (
    | { type: "ship-to-manufacturer" }
    | { type: "receive-at-manufacturer" }
    | { type: "start-manufacture" }
    | { type: "complete-manufacture" }
    /** QA release: every release specification evaluated and passed (§3) */
    | { type: "release"; qcAllPassed: boolean }
    | { type: "declare-oos"; failedAttributes: string[] }
    | { type: "declare-failed"; reason: string }
    /** from out-of-specification only with a valid `oosException` */
    | { type: "ship-to-site"; oosException?: OosException | null }
    | { type: "receive-at-site" }
    | { type: "thaw" }
    | { type: "administer"; bedsideVerification: BedsideVerification }
    | { type: "discard"; reason: string }
    | { type: "return-to-manufacturer"; reason: string }
    /** a temperature excursion or shipper failure; `reason` describes it (logger trace goes to the deviation) */
    | { type: "quarantine"; reason: string }
    /** QA's decision that the product may be used; `returnTo` is the state it was quarantined from */
    | { type: "release-from-quarantine"; qaDecision: Signature; returnTo: QuarantineOrigin }
  );
export type ProductEventType = ProductEvent["type"];

export const PRODUCT_EVENT_TYPES = [
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
] as const satisfies readonly ProductEventType[];

/**
 * The product transition table: for each event, the states it may leave and the states it may
 * reach (one, except `release-from-quarantine`, which returns the product to the state it was
 * quarantined from).
 */
export const PRODUCT_TRANSITIONS: Readonly<
  Record<ProductEventType, { readonly from: readonly ProductState[]; readonly to: readonly ProductState[] }>
> = {
  "ship-to-manufacturer": { from: ["collected"], to: ["in-transit-to-manufacturer"] },
  "receive-at-manufacturer": { from: ["in-transit-to-manufacturer"], to: ["received-at-manufacturer"] },
  "start-manufacture": { from: ["received-at-manufacturer"], to: ["in-manufacture"] },
  "complete-manufacture": { from: ["in-manufacture"], to: ["qc-pending"] },
  release: { from: ["qc-pending"], to: ["released"] },
  "declare-oos": { from: ["qc-pending"], to: ["out-of-specification"] },
  "declare-failed": { from: ["received-at-manufacturer", "in-manufacture", "qc-pending"], to: ["failed"] },
  "ship-to-site": { from: ["released", "out-of-specification"], to: ["in-transit-to-site"] },
  "receive-at-site": { from: ["in-transit-to-site"], to: ["stored-at-site"] },
  thaw: { from: ["stored-at-site"], to: ["thawed"] },
  administer: { from: ["thawed"], to: ["administered"] },
  discard: {
    from: [
      "collected",
      "received-at-manufacturer",
      "in-manufacture",
      "qc-pending",
      "released",
      "out-of-specification",
      "stored-at-site",
      "thawed",
      "quarantined",
    ],
    to: ["discarded"],
  },
  "return-to-manufacturer": { from: ["stored-at-site"], to: ["returned"] },
  quarantine: { from: [...QUARANTINE_ORIGINS], to: ["quarantined"] },
  "release-from-quarantine": { from: ["quarantined"], to: [...QUARANTINE_ORIGINS] },
};

export const PRODUCT_RULES = {
  "V2V-PRODUCT-UNKNOWN-STATE": "The product is in a state this machine does not know.",
  "V2V-PRODUCT-UNKNOWN-EVENT": "The product event type is not one this machine knows.",
  "V2V-PRODUCT-TERMINAL-STATE":
    "An administered, discarded, returned or failed product accepts no further events.",
  "V2V-PRODUCT-OUT-OF-SEQUENCE": "The event is not a move out of the product's current state.",
  "V2V-PRODUCT-NEEDS-ACTOR": "Every product event names its actor.",
  "V2V-PRODUCT-NEEDS-TIME": "Every product event carries an ISO 8601 time with offset.",
  "V2V-PRODUCT-RELEASE-NEEDS-PASSING-QC":
    "A product is released only when every release specification passed.",
  "V2V-PRODUCT-OOS-NEEDS-FAILED-ATTRIBUTES": "An OOS disposition lists the attributes out of specification.",
  "V2V-PRODUCT-NEEDS-REASON": "Failure, discard, return and quarantine need a reason.",
  "V2V-OOS-EXCEPTION-REQUIRED": "An OOS product is used only after a signed exception decision.",
  "V2V-OOS-EXCEPTION-NEEDS-RATIONALE": "The OOS exception decision states its rationale.",
  "V2V-OOS-EXCEPTION-BAD-SIGNATURE": "Each exception signature has a user, a role and a time.",
  "V2V-OOS-EXCEPTION-NEEDS-INVESTIGATOR": "The OOS exception is signed by an investigator.",
  "V2V-OOS-EXCEPTION-NEEDS-QA": "The OOS exception is signed by QA.",
  "V2V-OOS-EXCEPTION-SAME-SIGNER": "The investigator and QA signers are two different people.",
  "V2V-PRODUCT-ADMINISTER-NEEDS-BEDSIDE-CHECK":
    "A product is administered only after the bedside verification passed.",
  "V2V-BEDSIDE-NEEDS-TWO-VERIFIERS": "The bedside verification is done by two different people.",
  "V2V-PRODUCT-QUARANTINE-NEEDS-QA-DECISION": "Only a QA decision releases a product from quarantine.",
  "V2V-PRODUCT-QUARANTINE-BAD-RETURN": "A product leaves quarantine to the state it was quarantined from.",
} as const;
export type ProductRule = keyof typeof PRODUCT_RULES;

export type ProductEffect =
  /** the journey may now take this event (product-released, manufacturing-failed) */
  | { type: "journey-event-due"; event: "product-released" | "manufacturing-failed" }
  /** an OOS product: decide on an exception (investigator + QA) or remanufacture */
  | { type: "oos-disposition-needed"; failedAttributes: string[] }
  /** open a deviation and attach the logger trace; QA decides */
  | { type: "qa-assessment-needed"; reason: string };

const isTerminalProduct = (s: ProductState) =>
  (TERMINAL_PRODUCT_STATES as readonly ProductState[]).includes(s);

export function isTerminalProductState(state: ProductState): boolean {
  return isTerminalProduct(state);
}

/** The events the table allows out of `state`, before guards. Empty for terminal states. */
export function allowedProductEvents(state: ProductState): ProductEventType[] {
  return PRODUCT_EVENT_TYPES.filter((t) => PRODUCT_TRANSITIONS[t].from.includes(state));
}

function productGuard(from: ProductState, e: ProductEvent): Refusal | null {
  switch (e.type) {
    case "release":
      return e.qcAllPassed === true
        ? null
        : {
            rule: "V2V-PRODUCT-RELEASE-NEEDS-PASSING-QC",
            message: "The product cannot be released: not every release specification has passed.",
          };
    case "declare-oos":
      return nonEmptyList(e.failedAttributes)
        ? null
        : {
            rule: "V2V-PRODUCT-OOS-NEEDS-FAILED-ATTRIBUTES",
            message: "Name the attributes that are out of specification.",
          };
    case "declare-failed":
    case "discard":
    case "return-to-manufacturer":
    case "quarantine":
      return nonEmpty(e.reason)
        ? null
        : { rule: "V2V-PRODUCT-NEEDS-REASON", message: `${e.type} needs a reason.` };
    case "ship-to-site":
      return from === "out-of-specification" ? checkOosException(e.oosException) : null;
    case "administer":
      return checkBedside(e.bedsideVerification, "V2V-PRODUCT-ADMINISTER-NEEDS-BEDSIDE-CHECK");
    case "release-from-quarantine": {
      const d = e.qaDecision;
      if (d?.role !== "qa" || !nonEmpty(d.userId) || !isInstant(d.signedAt))
        return {
          rule: "V2V-PRODUCT-QUARANTINE-NEEDS-QA-DECISION",
          message: "Releasing a product from quarantine needs a QA decision signed with user and time.",
        };
      if (!(QUARANTINE_ORIGINS as readonly unknown[]).includes(e.returnTo))
        return {
          rule: "V2V-PRODUCT-QUARANTINE-BAD-RETURN",
          message: `A product leaves quarantine to the state it was quarantined from (${QUARANTINE_ORIGINS.join(", ")}).`,
        };
      return null;
    }
    default:
      return null;
  }
}

function productEffects(from: ProductState, e: ProductEvent): ProductEffect[] {
  switch (e.type) {
    case "release":
      return [{ type: "journey-event-due", event: "product-released" }];
    case "ship-to-site":
      return from === "out-of-specification"
        ? [{ type: "journey-event-due", event: "product-released" }]
        : [];
    case "declare-failed":
      return [{ type: "journey-event-due", event: "manufacturing-failed" }];
    case "declare-oos":
      return [{ type: "oos-disposition-needed", failedAttributes: [...e.failedAttributes] }];
    case "quarantine":
      return [{ type: "qa-assessment-needed", reason: e.reason }];
    default:
      return [];
  }
}

const PRODUCT_MACHINE: MachineRules<ProductState, ProductEventType> = {
  states: PRODUCT_STATES,
  events: PRODUCT_EVENT_TYPES,
  isTerminal: isTerminalProduct,
  from: (t) => PRODUCT_TRANSITIONS[t].from,
  rules: {
    unknownState: "V2V-PRODUCT-UNKNOWN-STATE",
    unknownEvent: "V2V-PRODUCT-UNKNOWN-EVENT",
    terminal: "V2V-PRODUCT-TERMINAL-STATE",
    outOfSequence: "V2V-PRODUCT-OUT-OF-SEQUENCE",
  },
  unknownState: (s) => `Unknown product state ${s}.`,
  unknownEvent: (t) => `Unknown product event ${t}.`,
  terminal: (s, t) => `The product is ${s}, a final state; it accepts no further events (${t} refused).`,
  outOfSequence: (t, from, s) => `${t} is allowed only from ${from.join(", ")}; the product is ${s}.`,
};

/**
 * Apply one product event. Checks, in order: known state and event, terminal state, the
 * transition table, actor and time, then the event's guard. Throws `DomainError("rule-violation")`
 * naming the rule; otherwise returns the new state and any effects for the service layer.
 */
export function applyProductEvent(
  state: ProductState,
  event: ProductEvent,
): { state: ProductState; effects: ProductEffect[] } {
  const t = checkTableMove(PRODUCT_MACHINE, state, event);
  if (!nonEmpty(event.actor))
    refuse({ rule: "V2V-PRODUCT-NEEDS-ACTOR", message: `${t} must name who did it.` }, state, t);
  if (!isInstant(event.at))
    refuse(
      {
        rule: "V2V-PRODUCT-NEEDS-TIME",
        message: `${t} needs the time it happened as an ISO 8601 instant with offset or Z.`,
      },
      state,
      t,
    );
  const refusal = productGuard(state, event);
  if (refusal) refuse(refusal, state, t);
  const to: ProductState =
    event.type === "release-from-quarantine" ? event.returnTo : PRODUCT_TRANSITIONS[t].to[0]!;
  return { state: to, effects: productEffects(state, event) };
}

// ───────────────────────────────────────────── journey ──

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
