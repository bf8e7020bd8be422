/**
 * IBM double precision as SAS XPORT v5 stores numbers (TS-140). The expected bytes are worked by
 * hand from the definition (sign, excess-64 base-16 exponent, fraction in [1/16, 1)) and match the
 * examples TS-140 and the R `SASxport` documentation give for 1 and -118.625.
 */
import { describe, expect, it } from "vitest";
import { fromIbmDouble, ibmDouble, sasMissing } from "../../../src/domain/cdisc/ibm-float.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

describe("IBM double precision", () => {
  it.each([
    // 1 = 0.1 (hex) × 16^1: exponent 64 + 1 = 0x41, fraction 0x10000000000000
    [1, "4110000000000000"],
    // -118.625 = -0x76.A = -0.76A (hex) × 16^2: sign | 0x42 = 0xC2, fraction 0x76A...
    [-118.625, "C276A00000000000"],
    // 0.5 = 0.8 (hex) × 16^0: exponent 0x40
    [0.5, "4080000000000000"],
    // 16 = 0.1 × 16^2
    [16, "4210000000000000"],
    // 255 = 0xFF = 0.FF × 16^2
    [255, "42FF000000000000"],
    // 1/16 = 0.1 × 16^0: the smallest fraction keeps its exponent
    [0.0625, "4010000000000000"],
    // 0.1 = 0.1999999999999A (hex) in IEEE; IBM keeps the same bits shifted: 0.1999999999999A0
    [0.1, "401999999999999A"],
    [0, "0000000000000000"],
    [-0, "0000000000000000"],
  ])("%d → %s", (value, expected) => {
    expect(hex(ibmDouble(value))).toBe(expected);
  });

  it("reads back what it writes, for integers, fractions and extremes", () => {
    for (const x of [1, -1, Math.PI, 1e-30, 2.5e70, 123456789.123, -0.001, 2 ** 53 - 1, 1 / 3])
      expect(fromIbmDouble(ibmDouble(x))).toBe(x);
  });

  it("stores SAS missing values as their code followed by seven zero bytes", () => {
    expect(hex(sasMissing())).toBe("2E00000000000000");
    expect(hex(sasMissing("A"))).toBe("4100000000000000");
    expect(hex(sasMissing("_"))).toBe("5F00000000000000");
    expect(fromIbmDouble(sasMissing())).toBeNull();
  });

  it("refuses numbers IBM double precision cannot hold", () => {
    expect(() => ibmDouble(Number.NaN)).toThrow(RangeError);
    expect(() => ibmDouble(1e77)).toThrow(RangeError);
  });
});
