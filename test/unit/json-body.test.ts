/**
 * The one-pass JSON text scan behind the body parser (src/http/json-body.ts), checked against a
 * plain recursive reading of the parsed value on arbitrary JSON.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findNulPath, scanJsonText } from "../../src/http/json-body.ts";

const depthOf = (v: unknown): number =>
  Array.isArray(v)
    ? 1 + Math.max(0, ...v.map(depthOf))
    : v !== null && typeof v === "object"
      ? 1 + Math.max(0, ...Object.values(v).map(depthOf))
      : 0;

const hasNul = (v: unknown): boolean =>
  typeof v === "string"
    ? v.includes("\u0000")
    : Array.isArray(v)
      ? v.some(hasNul)
      : v !== null && typeof v === "object"
        ? Object.entries(v).some(([k, x]) => k.includes("\u0000") || hasNul(x))
        : false;

// Strings rich in the characters that could fool a scanner: quotes, backslashes, brackets, NUL.
const tricky = fc.string({ unit: fc.constantFrom("a", '"', "\\", "[", "]", "{", "}", "\u0000", "u", "0") });
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(tricky, tie("value"), { maxKeys: 3 }),
  ),
})).value;

describe("scanJsonText", () => {
  it("reads the depth and the NULs of any JSON text as the parsed value has them", () => {
    fc.assert(
      fc.property(json, (value) => {
        const shape = scanJsonText(JSON.stringify(value), 1000);
        expect(shape.depth).toBe(depthOf(value));
        expect(shape.hasNul).toBe(hasNul(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("stops at the first level past the limit", () => {
    expect(scanJsonText("[[[]]]", 3)).toEqual({ depth: 3, tooDeep: false, hasNul: false });
    expect(scanJsonText("[[[[]]]]", 3)).toEqual({ depth: 4, tooDeep: true, hasNul: false });
  });

  it("tells an escaped NUL from an escaped backslash followed by u0000", () => {
    expect(scanJsonText(String.raw`["\u0000"]`).hasNul).toBe(true);
    expect(scanJsonText(String.raw`["\\u0000"]`).hasNul).toBe(false);
    expect(scanJsonText(String.raw`["\\\u0000"]`).hasNul).toBe(true);
  });
});

describe("findNulPath", () => {
  it("names the first string or key holding NUL", () => {
    expect(findNulPath({ a: [1, "ok", { b: "x\u0000" }] })).toEqual(["a", 2, "b"]);
    expect(findNulPath({ a: { "k\u0000": 1 } })).toEqual(["a", "k\u0000"]);
    expect(findNulPath("\u0000")).toEqual([]);
    expect(findNulPath({ a: ["fine"] })).toBeNull();
  });
});
