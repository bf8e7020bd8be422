/**
 * SharedReads (store/shared-reads.ts, decision 0064): requests asking for the same read while it
 * is in flight share the next one, never the one already sent. Reads here are promises settled
 * by hand, so which read each caller got, and when it was sent, is known exactly.
 */
import { describe, expect, it } from "vitest";
import { BatchedReads, SharedReads } from "../../src/store/shared-reads.ts";

/** Reads settled by the test: each is numbered in the order sent, with the calls made before it. */
function readsByHand() {
  const sent: { n: number; callsBefore: number; settle: (fail?: boolean) => void }[] = [];
  let calls = 0;
  const read = () =>
    new Promise<number>((resolve, reject) => {
      const n = sent.length + 1;
      sent.push({
        n,
        callsBefore: calls,
        settle: (fail) => (fail ? reject(new Error(`read ${n}`)) : resolve(n)),
      });
    });
  const ask = (shared: SharedReads, key = "k") => {
    calls++;
    const asked = calls;
    return { asked, result: shared.read(key, read) };
  };
  return { sent, read, ask };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("SharedReads", () => {
  it("sends a read at once when none is in flight", async () => {
    const shared = new SharedReads();
    const { sent, ask } = readsByHand();
    const a = ask(shared);
    expect(sent).toHaveLength(1);
    sent[0]!.settle();
    expect(await a.result).toBe(1);
  });

  it("callers who come while a read is in flight share one read sent after it, not the one in flight", async () => {
    const shared = new SharedReads();
    const { sent, ask } = readsByHand();
    const first = ask(shared);
    const later = [ask(shared), ask(shared), ask(shared)];
    expect(sent).toHaveLength(1); // nothing more sent while the first is in flight
    sent[0]!.settle();
    expect(await first.result).toBe(1);
    await tick();
    expect(sent).toHaveLength(2);
    // The second read was sent after every later caller had asked.
    expect(sent[1]!.callsBefore).toBeGreaterThanOrEqual(Math.max(...later.map((c) => c.asked)));
    sent[1]!.settle();
    expect(await Promise.all(later.map((c) => c.result))).toEqual([2, 2, 2]);
  });

  it("no caller is given a read sent before it asked, over many rounds", async () => {
    const shared = new SharedReads();
    const { sent, ask } = readsByHand();
    const given: { asked: number; result: Promise<number> }[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < (round % 4) + 1; i++) given.push(ask(shared));
      await tick();
      for (const s of sent) s.settle();
      await tick();
    }
    for (let i = 0; i < 5; i++) {
      for (const s of sent) s.settle();
      await tick();
    }
    for (const g of given) {
      const n = await g.result;
      expect(sent[n - 1]!.callsBefore).toBeGreaterThanOrEqual(g.asked);
    }
    // Shared: fewer reads than callers.
    expect(sent.length).toBeLessThan(given.length);
  });

  it("a failed read in flight still lets the queued read go, and its failure is its sharers' only", async () => {
    const shared = new SharedReads();
    const { sent, ask } = readsByHand();
    const first = ask(shared);
    const second = ask(shared);
    sent[0]!.settle(true);
    await expect(first.result).rejects.toThrow("read 1");
    await tick();
    expect(sent).toHaveLength(2);
    sent[1]!.settle();
    expect(await second.result).toBe(2);
    // And after it, a new caller sends anew.
    const third = ask(shared);
    expect(sent).toHaveLength(3);
    sent[2]!.settle();
    expect(await third.result).toBe(3);
  });

  it("reads under different keys are not shared", async () => {
    const shared = new SharedReads();
    const { sent, ask } = readsByHand();
    const a = ask(shared, "site A");
    const b = ask(shared, "site B");
    expect(sent).toHaveLength(2);
    sent[0]!.settle();
    sent[1]!.settle();
    expect([await a.result, await b.result]).toEqual([1, 2]);
  });
});

describe("BatchedReads", () => {
  /** Batches settled by hand: each is sent with its ids and the number of calls made before it. */
  function batchesByHand() {
    const sent: { ids: string[]; callsBefore: number; settle: (fail?: boolean) => void }[] = [];
    let calls = 0;
    const reads = new BatchedReads<string>(
      (ids) =>
        new Promise((resolve, reject) => {
          const n = sent.length + 1;
          sent.push({
            ids,
            callsBefore: calls,
            settle: (fail) =>
              fail
                ? reject(new Error(`batch ${n}`))
                : // "unknown" is a patient the database does not have.
                  resolve(
                    new Map(ids.filter((id) => id !== "unknown").map((id) => [id, `${id} from batch ${n}`])),
                  ),
          });
        }),
    );
    const ask = (id: string) => {
      calls++;
      return { asked: calls, result: reads.read(id) };
    };
    return { sent, ask };
  }

  it("callers for other ids while a batch is in flight share one batch sent after them, each given its own", async () => {
    const { sent, ask } = batchesByHand();
    const first = ask("p1");
    const later = [ask("p2"), ask("p3"), ask("p2"), ask("unknown")];
    expect(sent.map((b) => b.ids)).toEqual([["p1"]]);
    sent[0]!.settle();
    expect(await first.result).toBe("p1 from batch 1");
    await tick();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.ids).toEqual(["p2", "p3", "unknown"]);
    expect(sent[1]!.callsBefore).toBeGreaterThanOrEqual(Math.max(...later.map((c) => c.asked)));
    sent[1]!.settle();
    expect(await Promise.all(later.map((c) => c.result))).toEqual([
      "p2 from batch 2",
      "p3 from batch 2",
      "p2 from batch 2",
      undefined,
    ]);
  });

  it("a caller asking again for an id in flight is not given that batch's answer", async () => {
    const { sent, ask } = batchesByHand();
    const first = ask("p1");
    const again = ask("p1");
    sent[0]!.settle();
    await first.result;
    await tick();
    sent[1]!.settle();
    expect(await again.result).toBe("p1 from batch 2");
  });

  it("a failed batch fails its own callers only; the queued batch still goes", async () => {
    const { sent, ask } = batchesByHand();
    const first = ask("p1");
    const second = ask("p2");
    sent[0]!.settle(true);
    await expect(first.result).rejects.toThrow("batch 1");
    await tick();
    sent[1]!.settle();
    expect(await second.result).toBe("p2 from batch 2");
  });
});
