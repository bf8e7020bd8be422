/**
 * Each product step is recorded by the role that owns it (workflow-standards §1.4 "Owner";
 * domain/vein-to-vein/product-steps.ts; services/products.ts requireStepOwner): the ward ships the
 * collection and receives the bag, manufacturing receives the collection, manufactures and ships.
 * A step from another role with `product:write` is refused (403, its rule named) and changes
 * nothing: no event, no state change, no audit entry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bagAwaitingRelease, collectionInTransit, qaRelease } from "../support/bags.ts";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
const clock = Date.parse("2026-03-02T08:00:00Z");

beforeAll(async () => {
  w = await buildWorld({ now: () => new Date(clock) });
}, 120_000);

afterAll(async () => {
  await w?.close();
});

const step = (role: "coordinator" | "investigator" | "manufacturing", id: string, type: string) =>
  w.call(role, "A", "POST", `/api/v1/product-units/${id}/events`, { type });
const stateOf = async (id: string) =>
  (await w.call("monitor", "A", "GET", `/api/v1/product-units/${id}`)).json().state as string;

describe("product steps by their owners", () => {
  it("the ward cannot record the manufacturer's receipt of the collection; manufacturing can", async () => {
    const c = await collectionInTransit(w);
    const [events, audits] = [await w.rowCount("product_events"), await w.rowCount("audit_events")];
    for (const role of ["coordinator", "investigator"] as const) {
      const refused = await step(role, c.collectionId, "receive-at-manufacturer");
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.headers["content-type"]).toMatch(/application\/problem\+json/);
      expect(refused.json()).toMatchObject({
        rule: "V2V-PRODUCT-STEP-OWNER",
        event: "receive-at-manufacturer",
        from: "in-transit-to-manufacturer",
      });
      expect(refused.json().detail).toBe(
        `receive-at-manufacturer is recorded by manufacturing; your role at this site is ${role}.`,
      );
    }
    expect([await w.rowCount("product_events"), await w.rowCount("audit_events")]).toEqual([events, audits]);
    expect(await stateOf(c.collectionId)).toBe("in-transit-to-manufacturer");
    const received = await step("manufacturing", c.collectionId, "receive-at-manufacturer");
    expect(received.statusCode, received.body).toBe(200);
    expect(received.json().state).toBe("received-at-manufacturer");
  });

  it("manufacturing ships the released bag but cannot record the ward's receipt; the coordinator does", async () => {
    const b = await bagAwaitingRelease(w);
    await qaRelease(w, "A", b.bagId);
    expect((await step("manufacturing", b.bagId, "ship-to-site")).statusCode).toBe(200);
    const refused = await step("manufacturing", b.bagId, "receive-at-site");
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ rule: "V2V-PRODUCT-STEP-OWNER", event: "receive-at-site" });
    expect(refused.json().detail).toBe(
      "receive-at-site is recorded by coordinator or investigator; your role at this site is manufacturing.",
    );
    expect(await stateOf(b.bagId)).toBe("in-transit-to-site");
    const stored = await step("coordinator", b.bagId, "receive-at-site");
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json().state).toBe("stored-at-site");
  });

  it("events that are not an owned step (a quarantine) stay open to every product:write role", async () => {
    const c = await collectionInTransit(w);
    const res = await w.call("coordinator", "A", "POST", `/api/v1/product-units/${c.collectionId}/events`, {
      type: "quarantine",
      reason: "the shipper's seal was broken",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().state).toBe("quarantined");
  });
});
