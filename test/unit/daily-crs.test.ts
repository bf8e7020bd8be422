/**
 * Recorded vitals and support → ASTCT CRS inputs (Lee 2019). Grades are checked through the crs
 * calculator, so these tests pin the mapping, not the grading table (tested in calculators/).
 */
import { describe, expect, it } from "vitest";
import { findCalculator } from "../../src/domain/calculators/index.ts";
import {
  dailyCrsCourse,
  deriveCrsInputs,
  isFeverMasking,
  vasopressorsIn,
} from "../../src/domain/derivations/daily-crs.ts";

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

describe("the daily course (dailyCrsCourse)", () => {
  const T = (date: string, value: number, unit = "Cel") => ({ date, code: "8310-5", value, unit });
  const O2 = (date: string, lpm: number) => ({ date, code: "3151-8", value: lpm, unit: "L/min" });

  it("grades each day with a temperature, in date order; a day with only oxygen is not graded", () => {
    const days = dailyCrsCourse([T("2019-09-18", 38.5), O2("2019-09-17", 3), T("2019-09-17", 37.0)], []);
    expect(days.map((d) => [d.date, d.grade])).toEqual([
      ["2019-09-17", 0],
      ["2019-09-18", 1],
    ]);
  });

  it("reads °F through its UCUM unit (101.3 °F = 38.5 °C is fever) and ignores a temperature in another unit", () => {
    expect(dailyCrsCourse([T("2019-09-18", 101.3, "[degF]")], [])[0]!.grade).toBe(1);
    expect(dailyCrsCourse([T("2019-09-18", 38.5, "kg")], [])).toEqual([]);
  });

  it("tocilizumab given after onset lets a later afebrile day with oxygen stay CRS; before onset it does not", () => {
    const readings = [T("2019-09-18", 38.6), T("2019-09-19", 37.0), O2("2019-09-19", 4)];
    const toci = (startDate: string) => [{ drug: "tocilizumab", startDate, stopDate: startDate }];
    // Onset on the 18th, tocilizumab on the 18th: on the 19th, no fever but 4 L/min → grade 2 (Lee 2019).
    expect(dailyCrsCourse(readings, toci("2019-09-18")).map((d) => d.grade)).toEqual([1, 2]);
    // No fever-masking therapy: the afebrile 19th is not CRS.
    expect(dailyCrsCourse(readings, []).map((d) => d.grade)).toEqual([1, 0]);
    // Given before the episode began (stopped the 17th): it masks nothing.
    expect(dailyCrsCourse(readings, toci("2019-09-17")).map((d) => d.grade)).toEqual([1, 0]);
  });

  it("a medication counts through its stop date, the last day given", () => {
    const readings = [T("2019-09-18", 38.6), T("2019-09-19", 37.0), O2("2019-09-19", 4)];
    const dexa = [{ drug: "dexamethasone", startDate: "2019-09-15", stopDate: "2019-09-19" }];
    expect(dailyCrsCourse(readings, dexa).map((d) => d.grade)).toEqual([1, 2]);
  });
});
