/**
 * Reading numbers the way lab files write them (decision 0035), from worked examples: censored
 * results ("<0.5", "≥ 1000") kept as a limit with its comparator, decimal commas read only in a file
 * whose locale is declared (CLDR: de and fr write 1,5; en and zh write 1.5), and comparisons that
 * a censored value can settle or not.
 */
import { describe, expect, it } from "vitest";
import { parseReferenceRange } from "../../src/domain/lab-import/reference-range.ts";
import { decimalSignOf, isAbove, isBelow, parseNumberText } from "../../src/domain/observation-value.ts";

describe("numbers as lab files write them", () => {
  it("reads a censored result as its limit and comparator", () => {
    expect(parseNumberText("<0.5")).toEqual({ number: 0.5, comparator: "<" });
    expect(parseNumberText("> 1000")).toEqual({ number: 1000, comparator: ">" });
    expect(parseNumberText("≤5")).toEqual({ number: 5, comparator: "<=" });
    expect(parseNumberText(">=2.5")).toEqual({ number: 2.5, comparator: ">=" });
    expect(parseNumberText("<<5")).toMatchObject({ code: "invalid_number" });
    expect(parseNumberText("<")).toMatchObject({ code: "invalid_number" });
  });

  it("finds the decimal sign of a declared locale, and refuses a tag that is not one", () => {
    expect(decimalSignOf("de")).toBe(",");
    expect(decimalSignOf("fr")).toBe(",");
    expect(decimalSignOf("de-CH")).toBe("."); // Swiss German writes 1.5
    expect(decimalSignOf("zh")).toBe(".");
    expect(decimalSignOf("en")).toBe(".");
    expect(decimalSignOf("not a locale")).toBeNull();
  });

  it("reads a comma as the decimal sign only where the file declares it, and then refuses a point", () => {
    expect(parseNumberText("1,5")).toMatchObject({ code: "decimal_comma" });
    expect(parseNumberText("1,5", ",")).toEqual({ number: 1.5 });
    expect(parseNumberText("<0,5", ",")).toEqual({ number: 0.5, comparator: "<" });
    expect(parseNumberText("1500", ",")).toEqual({ number: 1500 });
    // "1.500" is 1500 in German typography and 1.5 in English: a point in a comma file is refused.
    expect(parseNumberText("1.500", ",")).toMatchObject({ code: "decimal_point" });
    expect(parseNumberText("1,500", ",")).toEqual({ number: 1.5 });
  });

  it("reads a range written with decimal commas in a comma file", () => {
    expect(parseReferenceRange("0,50-1,10", ",")).toEqual({ low: 0.5, high: 1.1 });
    expect(parseReferenceRange("<5,0", ",")).toEqual({ high: 5 });
    expect(parseReferenceRange("0.50-1.10")).toEqual({ low: 0.5, high: 1.1 });
  });
});

describe("comparing a censored result with a limit", () => {
  const r = (value: number, comparator: "<" | "<=" | ">=" | ">" | null = null) => ({ value, comparator });
  it("below: settled only when the censored side allows it", () => {
    expect(isBelow(r(0.5), 1)).toBe(true);
    expect(isBelow(r(1), 1)).toBe(false);
    expect(isBelow(r(0.5, "<"), 1)).toBe(true); // < 0.5 is below 1
    expect(isBelow(r(1, "<"), 1)).toBe(true); // < 1 is below 1
    expect(isBelow(r(1, "<="), 1)).toBeNull(); // ≤ 1 may be 1
    expect(isBelow(r(5, "<"), 1)).toBeNull(); // < 5 may be 0.2 or 4
    expect(isBelow(r(1000, ">"), 1)).toBe(false);
    expect(isBelow(r(0.5, ">"), 1)).toBeNull();
  });
  it("above: the mirror image", () => {
    expect(isAbove(r(1000, ">"), 400)).toBe(true);
    expect(isAbove(r(400, ">"), 400)).toBe(true);
    expect(isAbove(r(400, ">="), 400)).toBeNull();
    expect(isAbove(r(10, "<"), 10)).toBe(false);
    expect(isAbove(r(10, "<="), 10)).toBe(false);
    expect(isAbove(r(200, "<"), 100)).toBeNull();
    expect(isAbove(r(11), 10)).toBe(true);
  });
});
