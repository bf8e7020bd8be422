/**
 * Recorded vitals and support → ASTCT CRS inputs (Lee 2019). Grades are checked through the crs
 * calculator, so these tests pin the mapping, not the grading table (tested in calculators/).
 */
import { describe, expect, it } from "vitest";
import { findCalculator } from "../../src/domain/calculators/index.ts";
import { deriveCrsInputs, isFeverMasking, vasopressorsIn } from "../../src/domain/derivations/daily-crs.ts";

const crs = findCalculator("crs")!;
const grade = (...args: Parameters<typeof deriveCrsInputs>) => crs.run(deriveCrsInputs(...args).inputs).value;

describe("medication names", () => {
  it("tells norepinephrine from epinephrine and counts vasopressin separately", () => {
    expect(vasopressorsIn(["norepinephrine"])).toEqual(["NOREPINEPHRINE"]);
    expect(vasopressorsIn(["Nor-epinephrine infusion"])).toEqual(["NOREPINEPHRINE"]);
    expect(vasopressorsIn(["Noradrenaline 0.1 µg/kg/min"])).toEqual(["NOREPINEPHRINE"]);
    expect(vasopressorsIn(["epinephrine"])).toEqual(["EPINEPHRINE"]);
    expect(vasopressorsIn(["norepinephrine", "vasopressin"]).sort()).toEqual([
      "NOREPINEPHRINE",
      "VASOPRESSIN",
    ]);
    expect(vasopressorsIn(["prednisone", "aciclovir"])).toEqual([]);
  });
  it("knows the fever-masking therapies of Lee 2019 (tocilizumab, steroids, antipyretics)", () => {
    expect(["tocilizumab", "Dexamethasone 10 mg", "paracetamol"].every(isFeverMasking)).toBe(true);
    expect(isFeverMasking("aciclovir")).toBe(false);
  });
});

describe("derived CRS inputs", () => {
  it("fever alone, room air: grade 1, and says what it assumed", () => {
    const d = deriveCrsInputs({ temperaturesC: [37.8, 38.6], oxygenFlowsLpm: [], drugs: [] }, false, false);
    expect(crs.run(d.inputs).value).toBe(1);
    expect(d.assumptions.join(" ")).toMatch(/room air assumed/);
    expect(d.assumptions.join(" ")).toMatch(/not to be explained by another cause/);
  });

  it("no fever and no earlier CRS is not CRS, whatever the oxygen", () => {
    expect(grade({ temperaturesC: [37.2], oxygenFlowsLpm: [3], drugs: [] }, false, false)).toBe(0);
  });

  it("6 L/min is still low-flow (grade 2); 7 L/min is high-flow (grade 3)", () => {
    expect(grade({ temperaturesC: [38.4], oxygenFlowsLpm: [2, 6], drugs: [] }, false, false)).toBe(2);
    expect(grade({ temperaturesC: [38.4], oxygenFlowsLpm: [7], drugs: [] }, false, false)).toBe(3);
  });

  it("after tocilizumab fever is not required; norepinephrine + vasopressin is one pressor (grade 3)", () => {
    const day = {
      temperaturesC: [37.1],
      oxygenFlowsLpm: [2],
      drugs: ["norepinephrine", "vasopressin", "tocilizumab"],
    };
    expect(grade(day, true, true)).toBe(3);
  });

  it("two pressors other than vasopressin: grade 4", () => {
    expect(
      grade(
        { temperaturesC: [38.9], oxygenFlowsLpm: [], drugs: ["norepinephrine", "phenylephrine"] },
        false,
        false,
      ),
    ).toBe(4);
  });
});
