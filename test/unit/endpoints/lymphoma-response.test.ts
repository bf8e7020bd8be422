/**
 * Best overall response, first CR, relapse/progression and duration of response on hand-made
 * sequences of stored Lugano results.
 */
import { describe, expect, it } from "vitest";
import { addDays } from "../../../src/domain/calendar.ts";
import {
  type ResponseAssessment,
  responseEndpoints,
} from "../../../src/domain/endpoints/lymphoma-response.ts";

const DAY0 = "2019-09-16";
const seq = (points: [number, string, ResponseAssessment["calculator"]?][]): ResponseAssessment[] =>
  points.map(([day, value, calculator], i) => ({
    id: `a${i}`,
    date: addDays(DAY0, day),
    calculator: calculator ?? "lugano-pet",
    value,
  }));
const run = (points: Parameters<typeof seq>[0], death: string | null = null) =>
  Object.fromEntries(responseEndpoints(seq(points), DAY0, death).map((e) => [e.key, e]));

describe("lymphoma response endpoints", () => {
  it("CMR at day 30 and kept: best CR, first CR day 30, no progression, response censored", () => {
    const e = run([
      [-25, "PMD"],
      [30, "CMR"],
      [182, "CMR"],
    ]);
    expect(e["best-overall-response"]).toMatchObject({
      value: "CR",
      studyDay: 30,
      details: { assessedAs: "CMR" },
    });
    expect(e["first-complete-response"]).toMatchObject({
      status: "met",
      value: "CMR",
      date: "2019-10-16",
      studyDay: 30,
    });
    expect(e.progression).toMatchObject({ status: "not-met" });
    expect(e["duration-of-response"]).toMatchObject({
      status: "not-met",
      value: 152,
      details: { censored: true },
    });
  });

  it("PR then CR then PD: relapse, duration from the first response (the PR) to the PD", () => {
    const e = run([
      [28, "PR", "lugano-ct"],
      [90, "CR", "lugano-ct"],
      [200, "PD", "lugano-ct"],
      [260, "CR", "lugano-ct"],
    ]);
    expect(e["best-overall-response"]).toMatchObject({ value: "CR", studyDay: 90 });
    expect(e.progression).toMatchObject({ value: "relapse", studyDay: 200 });
    expect(e["duration-of-response"]).toMatchObject({ status: "met", value: 172, studyDay: 200 });
  });

  it("responses after progression do not count towards best response or first CR", () => {
    const e = run([
      [28, "NMR"],
      [60, "PMD"],
      [120, "CMR"],
    ]);
    expect(e["best-overall-response"]!.value).toBe("SD");
    expect(e["first-complete-response"]!.status).toBe("not-met");
    expect(e.progression).toMatchObject({ value: "progression", studyDay: 60 });
    expect(e["duration-of-response"]!.status).toBe("not-evaluable");
  });

  it("PET-CT wins over CT on the same date, whichever was stored first", () => {
    expect(
      run([
        [30, "PR", "lugano-ct"],
        [30, "CMR", "lugano-pet"],
      ])["best-overall-response"]!.value,
    ).toBe("CR");
    expect(
      run([
        [30, "CMR", "lugano-pet"],
        [30, "PR", "lugano-ct"],
      ])["best-overall-response"]!.value,
    ).toBe("CR");
  });

  it("death ends the response when it comes before any progression", () => {
    const e = run(
      [
        [30, "CMR"],
        [90, "CMR"],
      ],
      addDays(DAY0, 150),
    );
    expect(e["duration-of-response"]).toMatchObject({
      status: "met",
      value: 120,
      studyDay: 150,
      details: { censored: false },
    });
  });

  it("is not evaluable without assessments after day 0", () => {
    const e = run([[-20, "PMD"]]);
    expect(e["best-overall-response"]).toMatchObject({ status: "not-evaluable" });
    expect(responseEndpoints(seq([[30, "CMR"]]), null)[0]!.status).toBe("not-evaluable");
  });
});
