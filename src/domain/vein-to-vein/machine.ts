/**
 * What both vein-to-vein state machines share: a refusal with its stable rule id, the table check
 * (is this event allowed from this state at all), and small input checks. A refused move throws
 * `DomainError("rule-violation")` with `rule`, `from` and `event` in its details.
 */
import { DomainError } from "../errors.ts";
import { Instant } from "../schemas/common.ts";

/** A refusal in the making: which rule, and why in words. */
export interface Refusal {
  rule: string;
  message: string;
  extra?: Record<string, unknown>;
}

export const nonEmpty = (s: unknown): s is string => typeof s === "string" && s.trim().length > 0;
export const isInstant = (s: unknown): s is string => typeof s === "string" && Instant.safeParse(s).success;
export const nonEmptyList = (xs: unknown): xs is string[] =>
  Array.isArray(xs) && xs.length > 0 && xs.every((x) => nonEmpty(x));

export function refuse(r: Refusal, from: string, event: string): never {
  throw new DomainError("rule-violation", r.message, [], {
    rule: r.rule,
    from,
    event,
    ...(r.extra ?? {}),
  });
}

/** Type of an unknown event value, for error details; never throws. */
export const eventTypeOf = (event: unknown): string =>
  event !== null && typeof event === "object" && typeof (event as { type?: unknown }).type === "string"
    ? (event as { type: string }).type
    : String(event);

/** How one state machine names its refusals; the checks themselves are shared. */
export interface MachineRules<S extends string, E extends string> {
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
export function checkTableMove<S extends string, E extends string>(
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
