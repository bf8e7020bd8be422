/**
 * Problems carry what a screen needs to word them in the reader's language (issue 11): a broken
 * bound comes with its zod code and the bound as a number — from a calculator (validated in the
 * domain) and from a route's own schema — and a refusal with its rule code, so the web app never
 * parses the English `detail`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../support/world.ts";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});
afterAll(() => w.close());

describe("problem codes for translation", () => {
  it("a calculator's bound: CRS temperature above 45 °C is too_big with limit 45, inclusive", async () => {
    const res = await w.call("coordinator", "A", "POST", "/api/v1/calculators/crs", { tempMaxC: 50 });
    expect(res.statusCode).toBe(400);
    expect(res.json().type).toBe("https://vein2vein.org/problems/validation");
    expect(res.json().errors).toContainEqual(
      expect.objectContaining({ pointer: "/tempMaxC", code: "too_big", limit: 45, inclusive: true }),
    );
  });

  it("a bound below: a negative oxygen flow is too_small with its limit", async () => {
    const res = await w.call("coordinator", "A", "POST", "/api/v1/calculators/crs", { oxygenFlowLpm: -1 });
    const issue = res.json().errors.find((e: { pointer: string }) => e.pointer === "/oxygenFlowLpm");
    expect(issue).toMatchObject({ code: "too_small", limit: 0 });
  });

  it("a route schema's bound (a page size above the maximum) carries its limit too", async () => {
    const res = await w.call("monitor", "A", "GET", "/api/v1/patients?limit=100000");
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual(
      expect.objectContaining({ in: "query", pointer: "/limit", code: "too_big", limit: expect.any(Number) }),
    );
  });
});
