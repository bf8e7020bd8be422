/** PostgreSQL array literals for column parameters (store/array-literal.ts; PostgreSQL §8.15.6). */
import { describe, expect, it } from "vitest";
import { arrayLiteral } from "../../src/store/array-literal.ts";

describe("arrayLiteral", () => {
  it("quotes every element, writes NULL bare for a null, and escapes quote and backslash", () => {
    expect(arrayLiteral(["a", null, 'say "hi"', "back\\slash", "a,b", "{x}", "NULL", ""])).toBe(
      '{"a",NULL,"say \\"hi\\"","back\\\\slash","a,b","{x}","NULL",""}',
    );
  });

  it("writes numbers and booleans in their text form", () => {
    expect(arrayLiteral([1.5, -0.25, 1e-7, 12, null, true])).toBe('{"1.5","-0.25","1e-7","12",NULL,"true"}');
  });

  it("writes an empty column as the empty array", () => {
    expect(arrayLiteral([])).toBe("{}");
  });
});
