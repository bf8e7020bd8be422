/**
 * When a vein-to-vein event may be said to have happened (issue 10, "time that the client
 * chooses"). One home for the rules the product and journey services apply before they write:
 *
 * - **Not in the future.** An event's time may be ahead of the server's clock by at most
 *   `CLOCK_SKEW_MINUTES`, the drift tolerated between a ward device and the server. Anything later
 *   did not happen yet; accepting it would, for instance, let a thaw dated three hours ahead keep an
 *   expired bag "in date" at the bedside. Five minutes is a design choice: far above the drift of
 *   an NTP-synchronised clock (milliseconds), well below any interval the workflow measures (the
 *   shortest is the post-thaw stability on the label, typically 30–90 minutes).
 * - **Not before the event it follows.** A product event is not earlier than the bag's previous
 *   event (so a thaw is never dated before the bag's release or its receipt at the site), and a
 *   journey event is not earlier than the journey's previous event. One tolerance: an event the
 *   server stamps with its own clock may follow, by at most the skew, an event whose time a client
 *   set ahead of the server; the server's clock is then the reference and nothing is refused.
 * - **No thaw and no bedside check before lymphodepletion.** A bag is thawed, and verified at the
 *   bedside, only while the patient's journey is at lymphodepletion or the pre-infusion check
 *   (shared/domain/workflow-standards.md §1.3: Lymphodepletion → PreInfusionCheck → Infused), and a
 *   thaw is not dated before lymphodepletion started.
 *
 * Each check throws `DomainError("rule-violation")` with a stable rule id (`rule`), which the HTTP
 * layer returns as 422 problem+json; the services call them before writing anything.
 */
import { DomainError } from "./errors.ts";

/** How far ahead of the server's clock an event's time may be (device clock drift). */
export const CLOCK_SKEW_MINUTES = 5;
export const CLOCK_SKEW_MS = CLOCK_SKEW_MINUTES * 60_000;

export const EVENT_TIME_RULES = {
  "V2V-TIME-IN-FUTURE": `An event's time is not later than the server's clock plus ${CLOCK_SKEW_MINUTES} minutes of clock skew.`,
  "V2V-TIME-BEFORE-PREVIOUS": "An event is not earlier than the event it follows.",
  "V2V-THAW-BEFORE-LYMPHODEPLETION":
    "A bag is thawed only once the patient's journey has reached lymphodepletion, and not dated before it started.",
  "V2V-BEDSIDE-BEFORE-LYMPHODEPLETION":
    "A bag is verified at the bedside only while the patient's journey is at lymphodepletion or the pre-infusion check.",
} as const;
export type EventTimeRule = keyof typeof EVENT_TIME_RULES;

/** Journey states in which a bag may be thawed and verified at the bedside. */
export const THAW_JOURNEY_STATES = ["lymphodepletion", "pre-infusion-check"] as const;

/** The event a new one follows: what it was and when it happened. */
export interface PreviousEvent {
  what: string;
  at: Date;
}

export interface TimedEvent {
  /** the event type, for messages */
  what: string;
  at: Date;
  /** the server's clock when the event is recorded */
  now: Date;
  previous?: PreviousEvent | null;
  /** true when the server chose `at` (its own clock), false when the client sent it */
  stampedByServer: boolean;
  /** JSON Pointer of the time in the request body, when the client sent one */
  path?: string;
}

function refuse(rule: EventTimeRule, message: string, path: string | undefined, extra: object): never {
  throw new DomainError("rule-violation", message, path === undefined ? [] : [{ path, message }], {
    rule,
    ...extra,
  });
}

/**
 * Why a time is in the future, or null when it is not later than the server's clock plus the
 * allowed skew. The one future-time rule: vein-to-vein events (below), observations typed in and
 * lab results imported (observation-value.ts) all use it.
 */
export function futureTimeProblem(what: string, at: Date, now: Date): string | null {
  if (at.getTime() <= now.getTime() + CLOCK_SKEW_MS) return null;
  return `${what} at ${at.toISOString()} is in the future: the server's clock says ${now.toISOString()} (${CLOCK_SKEW_MINUTES} minutes of clock skew allowed). Record events when they have happened.`;
}

/** Refuses an event time in the future (beyond the skew) or before the event it follows. */
export function checkEventTime(e: TimedEvent): void {
  const at = e.at.getTime();
  const now = e.now.getTime();
  const future = futureTimeProblem(e.what, e.at, e.now);
  if (future !== null)
    refuse("V2V-TIME-IN-FUTURE", future, e.path, {
      at: e.at.toISOString(),
      serverTime: e.now.toISOString(),
      skewMinutes: CLOCK_SKEW_MINUTES,
    });
  const prev = e.previous;
  if (!prev || at >= prev.at.getTime()) return;
  // The server's own clock may trail a client time it accepted within the skew.
  if (e.stampedByServer && prev.at.getTime() <= now + CLOCK_SKEW_MS) return;
  refuse(
    "V2V-TIME-BEFORE-PREVIOUS",
    `${e.what} at ${e.at.toISOString()} would come before ${prev.what} at ${prev.at.toISOString()}, the event it follows.`,
    e.path,
    { at: e.at.toISOString(), previousEvent: prev.what, previousAt: prev.at.toISOString() },
  );
}

export interface ThawFacts {
  /** the patient's journey state now */
  journeyState: string;
  /** when the journey's (latest) lymphodepletion started, if it did */
  lymphodepletionStartedAt: Date | null;
  /** the thaw time */
  at: Date;
  path?: string;
}

const atThawStage = (state: string) => (THAW_JOURNEY_STATES as readonly string[]).includes(state);

/** Refuses a thaw while the journey has not reached lymphodepletion, or dated before it started. */
export function checkThawAllowed(f: ThawFacts): void {
  if (!atThawStage(f.journeyState) || !f.lymphodepletionStartedAt)
    refuse(
      "V2V-THAW-BEFORE-LYMPHODEPLETION",
      `The bag cannot be thawed: the patient's journey is ${f.journeyState}; a bag is thawed only at lymphodepletion or the pre-infusion check.`,
      undefined,
      { journeyState: f.journeyState, allowedJourneyStates: [...THAW_JOURNEY_STATES] },
    );
  if (f.at.getTime() < f.lymphodepletionStartedAt.getTime())
    refuse(
      "V2V-THAW-BEFORE-LYMPHODEPLETION",
      `The thaw at ${f.at.toISOString()} would come before lymphodepletion started (${f.lymphodepletionStartedAt.toISOString()}).`,
      f.path,
      {
        journeyState: f.journeyState,
        at: f.at.toISOString(),
        lymphodepletionStartedAt: f.lymphodepletionStartedAt.toISOString(),
      },
    );
}

/** Refuses a bedside verification while the journey is not at lymphodepletion or the pre-infusion check. */
export function checkBedsideAllowed(journeyState: string): void {
  if (!atThawStage(journeyState))
    refuse(
      "V2V-BEDSIDE-BEFORE-LYMPHODEPLETION",
      `The bag cannot be verified at the bedside: the patient's journey is ${journeyState}, not at lymphodepletion or the pre-infusion check.`,
      undefined,
      { journeyState, allowedJourneyStates: [...THAW_JOURNEY_STATES] },
    );
}
