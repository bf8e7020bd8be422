/**
 * The time rules of src/domain/event-time.ts, without a database: the skew boundary to the
 * millisecond, the order against the previous event (and the one tolerance for server-stamped
 * events), and the lymphodepletion gate for thawing and the bedside check.
 */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.ts";
import {
  CLOCK_SKEW_MINUTES,
  CLOCK_SKEW_MS,
  checkBedsideAllowed,
  checkEventTime,
  checkThawAllowed,
  EVENT_TIME_RULES,
  THAW_JOURNEY_STATES,
} from "../../src/domain/event-time.ts";
import { JOURNEY_STATES } from "../../src/domain/vein-to-vein.ts";

const NOW = new Date("2026-03-02T10:00:00Z");
const plus = (ms: number) => new Date(NOW.getTime() + ms);

/** The rule a check refuses with, or null when it passes. */
function ruleOf(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("rule-violation");
    const rule = String((e as DomainError).details.rule);
    expect(Object.keys(EVENT_TIME_RULES)).toContain(rule);
    return rule;
  }
}

describe("not in the future", () => {
  it(`allows exactly ${CLOCK_SKEW_MINUTES} minutes of skew and not a millisecond more`, () => {
    expect(CLOCK_SKEW_MS).toBe(CLOCK_SKEW_MINUTES * 60_000);
    const at = (ms: number) => () =>
      checkEventTime({ what: "thaw", at: plus(ms), now: NOW, stampedByServer: false });
    expect(ruleOf(at(0))).toBeNull();
    expect(ruleOf(at(-86_400_000 * 365 * 7))).toBeNull(); // years ago is fine
    expect(ruleOf(at(CLOCK_SKEW_MS))).toBeNull();
    expect(ruleOf(at(CLOCK_SKEW_MS + 1))).toBe("V2V-TIME-IN-FUTURE");
    expect(ruleOf(at(3 * 3_600_000))).toBe("V2V-TIME-IN-FUTURE");
  });

  it("names the field and both times", () => {
    try {
      checkEventTime({ what: "thaw", at: plus(3_600_000), now: NOW, stampedByServer: false, path: "/at" });
      expect.unreachable();
    } catch (e) {
      const err = e as DomainError;
      expect(err.issues).toEqual([{ path: "/at", message: err.message }]);
      expect(err.details).toMatchObject({ at: "2026-03-02T11:00:00.000Z", serverTime: NOW.toISOString() });
    }
  });
});

describe("not before the event it follows", () => {
  const previous = { what: "receive-at-site", at: new Date("2026-03-01T14:00:00Z") };
  it("a client time before the previous event is refused; at the same instant or after is not", () => {
    const at = (iso: string) => () =>
      checkEventTime({ what: "thaw", at: new Date(iso), now: NOW, previous, stampedByServer: false });
    expect(ruleOf(at("2026-03-01T13:59:59.999Z"))).toBe("V2V-TIME-BEFORE-PREVIOUS");
    expect(ruleOf(at("2026-03-01T14:00:00Z"))).toBeNull();
    expect(ruleOf(at("2026-03-02T09:00:00Z"))).toBeNull();
  });

  it("a server-stamped event may trail a client time the skew let through, and no more", () => {
    const ahead = (ms: number) => () =>
      checkEventTime({
        what: "administer",
        at: NOW,
        now: NOW,
        previous: { what: "thaw", at: plus(ms) },
        stampedByServer: true,
      });
    expect(ruleOf(ahead(CLOCK_SKEW_MS))).toBeNull();
    expect(ruleOf(ahead(CLOCK_SKEW_MS + 1))).toBe("V2V-TIME-BEFORE-PREVIOUS");
    // a client's own time gets no such tolerance
    expect(
      ruleOf(() =>
        checkEventTime({
          what: "thaw",
          at: NOW,
          now: NOW,
          previous: { what: "receive-at-site", at: plus(60_000) },
          stampedByServer: false,
        }),
      ),
    ).toBe("V2V-TIME-BEFORE-PREVIOUS");
  });
});

describe("no thaw and no bedside check before lymphodepletion", () => {
  const ldStart = new Date("2026-02-25T08:00:00Z");
  it("only at lymphodepletion or the pre-infusion check", () => {
    for (const state of JOURNEY_STATES) {
      const allowed = (THAW_JOURNEY_STATES as readonly string[]).includes(state);
      expect(
        ruleOf(() => checkThawAllowed({ journeyState: state, lymphodepletionStartedAt: ldStart, at: NOW })),
        state,
      ).toBe(allowed ? null : "V2V-THAW-BEFORE-LYMPHODEPLETION");
      expect(
        ruleOf(() => checkBedsideAllowed(state)),
        state,
      ).toBe(allowed ? null : "V2V-BEDSIDE-BEFORE-LYMPHODEPLETION");
    }
    expect([...THAW_JOURNEY_STATES]).toEqual(["lymphodepletion", "pre-infusion-check"]);
  });

  it("a thaw dated before lymphodepletion started is refused; without a start on record too", () => {
    const thaw =
      (iso: string, started: Date | null = ldStart) =>
      () =>
        checkThawAllowed({
          journeyState: "pre-infusion-check",
          lymphodepletionStartedAt: started,
          at: new Date(iso),
        });
    expect(ruleOf(thaw("2026-02-25T07:59:59Z"))).toBe("V2V-THAW-BEFORE-LYMPHODEPLETION");
    expect(ruleOf(thaw("2026-02-25T08:00:00Z"))).toBeNull();
    expect(ruleOf(thaw("2026-03-02T09:30:00Z", null))).toBe("V2V-THAW-BEFORE-LYMPHODEPLETION");
  });
});
