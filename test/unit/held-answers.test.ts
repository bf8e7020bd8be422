/**
 * HeldAnswers (services/held-answers.ts): an answer is held under the digest it was computed under,
 * and callers that miss while it is being computed share that computation instead of each
 * computing it again (after a write, every waiting client misses at once).
 */
import { describe, expect, it } from "vitest";
import { HeldAnswers } from "../../src/services/held-answers.ts";

/** A computation the test finishes when it chooses. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe("HeldAnswers.getOrCompute", () => {
  it("callers that miss at once share one computation and get the same answer", async () => {
    const held = new HeldAnswers<{ text: string }>(4);
    const db = {};
    const computed = gate<{ text: string }>();
    let computations = 0;
    const compute = () => {
      computations++;
      return computed.promise;
    };
    const asked = [1, 2, 3].map(() => held.getOrCompute(db, "site A", "v1", compute));
    computed.open({ text: "feed" });
    const answers = await Promise.all(asked);
    expect(computations).toBe(1);
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toBe(answers[0]);
    // Held from then on, frozen, without computing again.
    expect(held.get(db, "site A", "v1")).toBe(answers[0]);
    expect(Object.isFrozen(answers[0])).toBe(true);
    expect(await held.getOrCompute(db, "site A", "v1", compute)).toBe(answers[0]);
    expect(computations).toBe(1);
  });

  it("a caller under another digest, key or database computes its own", async () => {
    const held = new HeldAnswers<string>(4);
    const db = {};
    const first = gate<string>();
    const made: string[] = [];
    const compute = (value: string, wait?: Promise<string>) => () => {
      made.push(value);
      return wait ?? Promise.resolve(value);
    };
    const old = held.getOrCompute(db, "k", "v1", compute("under v1", first.promise));
    expect(await held.getOrCompute(db, "k", "v2", compute("under v2"))).toBe("under v2");
    expect(await held.getOrCompute(db, "other", "v1", compute("other key"))).toBe("other key");
    expect(await held.getOrCompute({}, "k", "v1", compute("other database"))).toBe("other database");
    first.open("under v1");
    expect(await old).toBe("under v1");
    expect(made).toEqual(["under v1", "under v2", "other key", "other database"]);
  });

  it("a failed computation fails every caller sharing it; the next caller computes again", async () => {
    const held = new HeldAnswers<string>(4);
    const db = {};
    const failing = gate<string>();
    let computations = 0;
    const asked = [1, 2].map(() =>
      held.getOrCompute(db, "k", "v1", () => {
        computations++;
        return failing.promise;
      }),
    );
    failing.fail(new Error("connection lost"));
    // Settled together: each caller's rejection is handled as it happens.
    const settled = await Promise.allSettled(asked);
    expect(settled.map((s) => (s.status === "rejected" ? (s.reason as Error).message : s.value))).toEqual([
      "connection lost",
      "connection lost",
    ]);
    expect(computations).toBe(1);
    expect(held.get(db, "k", "v1")).toBeUndefined();
    expect(
      await held.getOrCompute(db, "k", "v1", async () => {
        computations++;
        return "computed again";
      }),
    ).toBe("computed again");
    expect(computations).toBe(2);
  });
});
