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

describe("DATABASE_PREPARED_STATEMENTS", () => {
  const url = "postgres://db.example/v2v";
  it("is on by default and off when a pooler needs it off", () => {
    expect(readConfig({ DATABASE_URL: url }).database).toMatchObject({
      kind: "postgres",
      preparedStatements: true,
    });
    for (const off of ["off", "0", "false", "OFF"])
      expect(
        readConfig({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: off }).database,
        off,
      ).toMatchObject({
        preparedStatements: false,
      });
  });
  it("refuses a value that is neither on nor off, naming the setting", () => {
    expect(() => readConfig({ DATABASE_URL: url, DATABASE_PREPARED_STATEMENTS: "sometimes" })).toThrow(
      /DATABASE_PREPARED_STATEMENTS must be on or off, got "sometimes"/,
    );
  });
});

describe("DATABASE_REPORTS_URL", () => {
  const url = "postgres://db.example/v2v";
  it("points reports and exports at a replica when set, and at the primary (no reportsUrl) when not", () => {
    expect(
      readConfig({ DATABASE_URL: url, DATABASE_REPORTS_URL: " postgres://replica.example/v2v " }).database,
    ).toMatchObject({ kind: "postgres", url, reportsUrl: "postgres://replica.example/v2v" });
    expect(readConfig({ DATABASE_URL: url }).database).not.toHaveProperty("reportsUrl");
    expect(readConfig({ DATABASE_URL: url, DATABASE_REPORTS_URL: "" }).database).not.toHaveProperty(
      "reportsUrl",
    );
  });
});
