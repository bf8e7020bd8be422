import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkLoincCode, loincCheckDigit } from "../../src/domain/loinc.ts";

describe("LOINC mod-10 check digit (LOINC Users' Guide)", () => {
  // Codes from shared/domain/workflow-standards.md §5.4, each confirmed there against public mappings.
  const valid = [
    "5130-0",
    "33800-4",
    "8061-4",
    "42254-3",
    "27200-5",
    "4485-9",
    "4498-2",
    "1988-5",
    "30522-7",
    "2276-4",
    "26881-3",
    "2465-3",
    "751-8",
    "777-3",
    "26515-7",
    "718-7",
    "731-0",
    "26474-7",
    "6690-2",
    "26464-8",
    "8116-6",
    "20593-0",
    "2160-0",
    "2890-2",
    "9318-7",
    "2532-0",
  ];
  it.each(valid)("%s is valid", (code) => expect(checkLoincCode(code)).toBeNull());

  it("5130-2 (the anti-dsDNA typo the notes warn about) fails on its check digit", () => {
    expect(checkLoincCode("5130-2")).toBe("check-digit");
    expect(loincCheckDigit("5130")).toBe(0);
  });

  it.each(["", "5130", "5130-", "-0", "51300", "12345678-9", "5130-00", "A130-0", " 5130-0"])(
    "'%s' is not LOINC syntax",
    (code) => expect(checkLoincCode(code)).toBe("syntax"),
  );

  it("exactly one check digit in ten is accepted for any body", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999 }), (n) => {
        const accepted = Array.from({ length: 10 }, (_, d) => checkLoincCode(`${n}-${d}`)).filter(
          (p) => p === null,
        );
        expect(accepted).toHaveLength(1);
      }),
    );
  });

  it("catches every single-digit substitution in the body", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 9_999_999 }),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        (n, pos, delta) => {
          const body = String(n);
          const i = pos % body.length;
          const changed = body.slice(0, i) + ((Number(body[i]) + delta) % 10) + body.slice(i + 1);
          expect(loincCheckDigit(changed)).not.toBe(loincCheckDigit(body));
        },
      ),
    );
  });
});
