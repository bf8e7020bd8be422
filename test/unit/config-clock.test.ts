/**
 * V2V_CLOCK_OFFSET_DAYS (config.ts): the server's clock may run ahead only under tests, so a
 * browser test can walk a patient through the month after her infusion; anywhere else it is
 * refused at start, because every record and audit entry would carry a false time.
 */
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.ts";

describe("the server clock's offset", () => {
  it("is 0 unless set", () => {
    expect(readConfig({}).clockOffsetDays).toBe(0);
    expect(readConfig({ V2V_CLOCK_OFFSET_DAYS: "", NODE_ENV: "production" }).clockOffsetDays).toBe(0);
    expect(readConfig({ V2V_CLOCK_OFFSET_DAYS: "0", NODE_ENV: "production" }).clockOffsetDays).toBe(0);
  });
  it("is read under tests, in whole days up to ten years either way", () => {
    expect(readConfig({ V2V_CLOCK_OFFSET_DAYS: "28", NODE_ENV: "test" }).clockOffsetDays).toBe(28);
    expect(readConfig({ V2V_CLOCK_OFFSET_DAYS: "-3650", NODE_ENV: "test" }).clockOffsetDays).toBe(-3650);
    for (const bad of ["1.5", "3651", "a month"])
      expect(() => readConfig({ V2V_CLOCK_OFFSET_DAYS: bad, NODE_ENV: "test" }), bad).toThrow(
        /V2V_CLOCK_OFFSET_DAYS must be a whole number of days/,
      );
  });
  it("is refused outside tests, saying why", () => {
    for (const nodeEnv of [undefined, "production", "development"])
      expect(() => readConfig({ V2V_CLOCK_OFFSET_DAYS: "28", NODE_ENV: nodeEnv }), String(nodeEnv)).toThrow(
        /refused unless NODE_ENV=test: every record and audit entry would carry a false time/,
      );
  });
});
