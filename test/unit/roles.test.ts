import { describe, expect, it } from "vitest";
import { may, PERMISSIONS, ROLES } from "../../src/domain/roles.ts";

describe("role grants", () => {
  it("the monitor writes nothing", () => {
    for (const p of PERMISSIONS)
      if (p.endsWith(":write") || p === "site:manage") expect(may(["monitor"], p)).toBe(false);
  });
  it("only investigators and coordinators see identity", () => {
    const readers = ROLES.filter((r) => may([r], "identity:read"));
    expect(readers.sort()).toEqual(["coordinator", "investigator"]);
  });
  it("manufacturing never reads clinical data", () => {
    expect(may(["manufacturing"], "clinical:read")).toBe(false);
  });
  it("only quality releases products, and quality does not manufacture (GMP independence)", () => {
    expect(ROLES.filter((r) => may([r], "product:release"))).toEqual(["quality"]);
    expect(may(["quality"], "product:write")).toBe(false);
    expect(may(["manufacturing"], "product:write")).toBe(true);
    expect(may(["monitor"], "product:write")).toBe(false);
  });
  it("only admins verify the audit chain", () => {
    expect(ROLES.filter((r) => may([r], "audit:verify"))).toEqual(["admin"]);
  });
  it("permissions of several roles add up", () => {
    expect(may(["manufacturing", "monitor"], "audit:read")).toBe(true);
    expect(may([], "patient:read")).toBe(false);
  });
});
