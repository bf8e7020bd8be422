/** RFC 4180 fields: quoted only when needed, quotes doubled, numbers in round-trip form, null empty. */
import { describe, expect, it } from "vitest";
import { csvText } from "../../../src/domain/cdisc/csv.ts";

describe("CSV writer", () => {
  it("quotes commas, quotes, line breaks and edge spaces, and leaves the rest bare", () => {
    expect(
      csvText(["A", "B", "C", "D", "E", "F"], [["plain", "a, b", 'say "hi"', "two\nlines", " padded", null]]),
    ).toBe('A,B,C,D,E,F\r\nplain,"a, b","say ""hi""","two\nlines"," padded",\r\n');
  });

  it("writes numbers so they read back as the same double", () => {
    const text = csvText(["X"], [[0.1 + 0.2], [11.2], [-0], [1e-7]]);
    expect(text).toBe("X\r\n0.30000000000000004\r\n11.2\r\n0\r\n1e-7\r\n");
    expect(Number("0.30000000000000004")).toBe(0.1 + 0.2);
    expect(() => csvText(["X"], [[Number.NaN]])).toThrow(RangeError);
  });
});
