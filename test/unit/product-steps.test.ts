/**
 * The product page's steps (src/domain/vein-to-vein/product-steps.ts): each state on the way from
 * collection to the ward offers its one forward step to the role that owns it
 * (shared/domain/workflow-standards.md §1.4), never a quality decision, the thaw or the
 * administration; every body sent is one the server's event schema accepts; every role shown a
 * step holds `product:write`, which the server checks; and every rule a step can be refused by has
 * plain words in both catalogues.
 */
import { describe, expect, it } from "vitest";
import { EVENT_TIME_RULES } from "../../src/domain/event-time.ts";
import { may, type ROLES } from "../../src/domain/roles.ts";
import { ProductEventBody } from "../../src/domain/schemas/vein-to-vein-events.ts";
import {
  allowedProductEvents,
  PRODUCT_EVENT_TYPES,
  PRODUCT_RULES,
  type ProductState,
} from "../../src/domain/vein-to-vein/product.ts";
import {
  makesFinalBag,
  PRODUCT_STEPS,
  type ProductStep,
  stepBody,
  stepsFor,
} from "../../src/domain/vein-to-vein/product-steps.ts";
import { QUALITY_DECISION_EVENTS } from "../../src/services/products.ts";
import { en } from "../../web/src/i18n/en.ts";
import { zhCN } from "../../web/src/i18n/zh-CN.ts";

type Role = (typeof ROLES)[number];
/** The steps offered on a unit: a collection up to manufacture, a bag from then on (as the server makes them). */
const COLLECTION_STATES: ProductState[] = [
  "collected",
  "in-transit-to-manufacturer",
  "received-at-manufacturer",
];
const steps = (state: ProductState, ...roles: Role[]) =>
  stepsFor(
    allowedProductEvents(state),
    roles,
    COLLECTION_STATES.includes(state) ? "apheresis" : "final-product",
  );

describe("who records which product step", () => {
  it("walks a collection and its bag to the ward, each forward step offered only to its owner", () => {
    const owner: [ProductState, ProductStep, string][] = [
      ["collected", "ship-to-manufacturer", "coordinator"],
      ["in-transit-to-manufacturer", "receive-at-manufacturer", "manufacturing"],
      ["received-at-manufacturer", "start-manufacture", "manufacturing"],
      ["in-manufacture", "complete-manufacture", "manufacturing"],
      ["released", "ship-to-site", "manufacturing"],
      ["in-transit-to-site", "receive-at-site", "coordinator"],
    ];
    for (const [state, step, role] of owner) {
      const other = role === "coordinator" ? "manufacturing" : "coordinator";
      expect([state, steps(state, role as "coordinator").forward]).toEqual([state, [step]]);
      expect([state, steps(state, other).forward]).toEqual([state, []]);
      expect([state, steps(state, "quality").forward]).toEqual([state, []]);
    }
    expect(steps("collected", "investigator").forward).toEqual(["ship-to-manufacturer"]);
  });

  it("offers the endings with a reason to their owners, and never a quality decision, the thaw or the administration", () => {
    expect(steps("collected", "coordinator").endings).toEqual(["discard"]);
    expect(steps("received-at-manufacturer", "manufacturing")).toEqual({
      forward: ["start-manufacture"],
      endings: ["declare-failed", "discard"],
    });
    // QC pending: release and OOS are QA's signed decisions, not buttons here.
    expect(steps("qc-pending", "manufacturing", "coordinator", "investigator")).toEqual({
      forward: [],
      endings: ["declare-failed", "discard"],
    });
    expect(steps("qc-pending", "quality")).toEqual({ forward: [], endings: [] });
    // Stored at the site: the thaw has its own form; the ward may discard or return the bag.
    expect(steps("stored-at-site", "coordinator")).toEqual({
      forward: [],
      endings: ["discard", "return-to-manufacturer"],
    });
    expect(steps("thawed", "coordinator", "investigator", "manufacturing").forward).toEqual([]);
    expect(steps("administered", "coordinator", "manufacturing")).toEqual({ forward: [], endings: [] });
    const offered = Object.keys(PRODUCT_STEPS);
    for (const q of [...QUALITY_DECISION_EVENTS, "thaw", "administer"]) expect(offered).not.toContain(q);
  });

  it("shows a step only to roles the server lets move products", () => {
    for (const [step, { roles }] of Object.entries(PRODUCT_STEPS)) {
      expect(PRODUCT_EVENT_TYPES as readonly string[]).toContain(step);
      for (const role of roles)
        expect([step, role, may([role], "product:write")]).toEqual([step, role, true]);
    }
  });

  it("completes manufacture on the bag, not on the collection it was made from", () => {
    const allowed = allowedProductEvents("in-manufacture");
    expect(allowed).toContain("complete-manufacture");
    expect(stepsFor(allowed, ["manufacturing"], "final-product").forward).toEqual(["complete-manufacture"]);
    expect(stepsFor(allowed, ["manufacturing"], "apheresis")).toEqual({
      forward: [],
      endings: ["declare-failed", "discard"],
    });
  });

  it("makes a final bag only from a collection in manufacture", () => {
    expect(makesFinalBag({ kind: "apheresis", state: "in-manufacture" })).toBe(true);
    expect(makesFinalBag({ kind: "apheresis", state: "received-at-manufacturer" })).toBe(false);
    expect(makesFinalBag({ kind: "final-product", state: "in-manufacture" })).toBe(false);
  });
});

describe("the body a step sends", () => {
  it("sends the time only when one was entered, and a reason only for an ending", () => {
    expect(stepBody("receive-at-site", null, "")).toEqual({ type: "receive-at-site" });
    expect(stepBody("ship-to-manufacturer", "2026-12-04T02:30:00.000Z", "ignored")).toEqual({
      type: "ship-to-manufacturer",
      at: "2026-12-04T02:30:00.000Z",
    });
    expect(stepBody("discard", null, "  bag cracked on receipt ")).toEqual({
      type: "discard",
      reason: "bag cracked on receipt",
    });
  });

  it("every step's body is one the server's event schema accepts", () => {
    for (const step of Object.keys(PRODUCT_STEPS) as ProductStep[]) {
      const parsed = ProductEventBody.safeParse(stepBody(step, "2026-12-04T02:30:00.000Z", "a reason"));
      expect([step, parsed.success]).toEqual([step, true]);
    }
  });
});

describe("refusals in plain words", () => {
  it("every rule a product step or record can be refused by has words in both catalogues", () => {
    const rules = [
      ...Object.keys(PRODUCT_RULES),
      ...Object.keys(EVENT_TIME_RULES),
      "V2V-COLLECTION-NEEDS-APHERESIS",
      "V2V-FINAL-PRODUCT-NEEDS-COLLECTION-IN-MANUFACTURE",
      "V2V-PRODUCT-QUALITY-DECISION-ONLY",
      "V2V-PRODUCT-STEP-OWNER",
    ];
    const words = (c: typeof en) => c.problem.rule as Record<string, string>;
    expect(rules.filter((r) => !words(en)[r])).toEqual([]);
    expect(rules.filter((r) => !words(zhCN)[r])).toEqual([]);
    for (const step of Object.keys(PRODUCT_STEPS)) {
      expect(en.productSteps.step[step as ProductStep]).toBeTruthy();
      expect(zhCN.productSteps.step[step as ProductStep]).toMatch(/\p{Script=Han}/u);
    }
  });
});
