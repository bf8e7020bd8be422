/**
 * The product state machine, one per collection or final product: collected → shipped →
 * manufactured → QC → released | out-of-specification | failed → shipped to site → stored →
 * thawed → administered | discarded | returned, with quarantine on a temperature excursion
 * (shared/domain/workflow-standards.md §1.4, §1.5).
 */
import {
  checkTableMove,
  isInstant,
  type MachineRules,
  nonEmpty,
  nonEmptyList,
  type Refusal,
  refuse,
} from "./machine.ts";
import {
  type BedsideVerification,
  checkBedside,
  checkOosException,
  type OosException,
  type Signature,
} from "./signed-checks.ts";

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
export const RELEASE_CLEARED: readonly ProductState[] = [
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
