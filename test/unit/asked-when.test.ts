/**
 * Questions asked only once another answer makes them apply (domain/calculators/asked-when.ts), as
 * the CRS calculator states them in its JSON Schema and as the grading form sends its answers
 * (web prune). The conditions follow the CRS input checks of Lee 2019's grading (crs.ts): fever
 * attribution once the temperature reaches 38.0 °C, fever-masking therapy once CRS was diagnosed
 * earlier in the episode, hypotension's agents and attribution once hypotension is recorded, the
 * oxygen flow and hypoxia attribution once oxygen is given.
 */

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isAsked } from "../../src/domain/calculators/asked-when.ts";
import { crs } from "../../src/domain/calculators/crs-icans/crs.ts";
import { asked, type JsonSchema, prune } from "../../web/src/screens/grading/json-schema.ts";
import { issuesOf } from "../support/validation.ts";

const schema = z.toJSONSchema(crs.input, { io: "input", unrepresentable: "any" }) as JsonSchema;
const field = (name: string) => schema.properties![name]!;

describe("isAsked", () => {
  it("needs the other field answered, and its answer within every bound given", () => {
    expect(isAsked({ field: "t", atLeast: 38 }, {})).toBe(false);
    expect(isAsked({ field: "t", atLeast: 38 }, { t: null })).toBe(false);
    expect(isAsked({ field: "t", atLeast: 38 }, { t: 37.9 })).toBe(false);
    expect(isAsked({ field: "t", atLeast: 38 }, { t: 38 })).toBe(true);
    expect(isAsked({ field: "t", atLeast: 38 }, { t: "39" })).toBe(false);
    expect(isAsked({ field: "d", in: [true] }, { d: false })).toBe(false);
    expect(isAsked({ field: "d", in: [true] }, { d: true })).toBe(true);
    expect(isAsked({ field: "h", notIn: ["NONE"] }, { h: "NONE" })).toBe(false);
    expect(isAsked({ field: "h", notIn: ["NONE"] }, { h: "ONE_VASOPRESSOR" })).toBe(true);
    expect(isAsked({ field: "h", notIn: ["NONE"] }, {})).toBe(false);
  });
});

describe("the CRS form's conditional questions", () => {
  it("the schema states when each follow-up question applies; the others are always asked", () => {
    const conditional = Object.entries(schema.properties!)
      .filter(([, s]) => s["x-askedWhen"] !== undefined)
      .map(([k, s]) => [k, s["x-askedWhen"]]);
    expect(Object.fromEntries(conditional)).toEqual({
      feverOtherCause: { field: "tempMaxC", atLeast: 38 },
      feverMaskingTherapyGiven: { field: "crsAlreadyDiagnosed", in: [true] },
      vasopressors: { field: "hypotension", notIn: ["NONE"] },
      hypotensionOtherCause: { field: "hypotension", notIn: ["NONE"] },
      oxygenFlowLpm: { field: "oxygenDevice", notIn: ["NONE"] },
      hypoxiaOtherCause: { field: "oxygenDevice", notIn: ["NONE"] },
    });
  });

  it("a question is asked at the threshold of the answer it follows", () => {
    expect(asked(field("feverOtherCause"), { tempMaxC: 37.9 })).toBe(false);
    expect(asked(field("feverOtherCause"), { tempMaxC: 38.0 })).toBe(true);
    expect(asked(field("tempMaxC"), {})).toBe(true);
  });

  it("answers left behind by a changed answer are not sent, so the grade is computed, not refused", () => {
    const answers = {
      tempMaxC: 37.2,
      feverOtherCause: false,
      crsAlreadyDiagnosed: false,
      feverMaskingTherapyGiven: true,
      hypotension: "NONE",
      vasopressors: ["NOREPINEPHRINE"],
      hypotensionOtherCause: false,
      oxygenDevice: "NONE",
      oxygenFlowLpm: 3,
      hypoxiaOtherCause: false,
      deathDueToCrs: false,
    };
    // As entered, the calculator refuses the stale answers, each at its own field.
    expect(issuesOf(() => crs.run(answers)).map((i) => i.path)).toEqual(
      expect.arrayContaining(["/feverMaskingTherapyGiven", "/hypotension", "/oxygenFlowLpm"]),
    );
    const sent = prune(answers, schema, true);
    expect(sent).toEqual({
      tempMaxC: 37.2,
      crsAlreadyDiagnosed: false,
      hypotension: "NONE",
      oxygenDevice: "NONE",
      deathDueToCrs: false,
    });
    expect(crs.run(sent).label).toBe("Grade 0");
  });

  it("answers to questions that apply are sent as given", () => {
    const answers = {
      tempMaxC: 38.4,
      feverOtherCause: false,
      crsAlreadyDiagnosed: true,
      feverMaskingTherapyGiven: false,
      hypotension: "NO_VASOPRESSOR",
      hypotensionOtherCause: false,
      oxygenDevice: "NASAL_CANNULA",
      oxygenFlowLpm: 3,
      hypoxiaOtherCause: false,
      deathDueToCrs: false,
    };
    expect(prune(answers, schema, true)).toEqual(answers);
    expect(crs.run(answers).label).toBe("Grade 2");
  });
});
