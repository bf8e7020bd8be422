/**
 * The course around the infusion (src/domain/patient-course.ts), worked by hand: day 0 is the
 * infusion's calendar day in the site's zone, the last result of a day stands for the day, and the
 * glucocorticoid dose is summed per day over the courses taken that day (stop date inclusive).
 */
import { describe, expect, it } from "vitest";
import { type CourseInput, patientCourse } from "../../src/domain/patient-course.ts";

const base: CourseInput = {
  day0: "2025-03-10",
  timeZone: "Asia/Shanghai", // UTC+8, no daylight saving
  observations: [],
  glucocorticoids: [],
  copies: [],
};

describe("patientCourse", () => {
  it("puts a result on the study day of its site-local date, the last of a day winning", () => {
    const c = patientCourse({
      ...base,
      observations: [
        // 2025-03-09 17:30 UTC is 2025-03-10 01:30 in Shanghai: day 0, not day −1
        { code: "8116-6", value: 210, effectiveAt: new Date("2025-03-09T17:30:00Z") },
        // the same local day later on: it stands for day 0
        { code: "8116-6", value: 180, effectiveAt: new Date("2025-03-10T09:00:00Z") },
        // 2025-03-17 15:59 UTC is 23:59 on 03-17 in Shanghai: day 7
        { code: "8116-6", value: 0, effectiveAt: new Date("2025-03-17T15:59:00Z") },
        // 16:00 UTC is midnight: day 8
        { code: "5130-0", value: 320, effectiveAt: new Date("2025-03-17T16:00:00Z") },
        // not a charted code
        { code: "8310-5", value: 38.9, effectiveAt: new Date("2025-03-11T02:00:00Z") },
      ],
    });
    expect(c.charts.cd19).toEqual([
      { day: 0, cd19: 180 },
      { day: 7, cd19: 0 },
    ]);
    expect(c.charts.antiDsDna).toEqual([{ day: 8, antiDsDna: 320 }]);
    expect(c.charts.counts).toEqual([]);
  });

  it("merges a chart's codes into one point per day", () => {
    const at = new Date("2025-03-12T01:00:00Z"); // 09:00 local, day 2
    const c = patientCourse({
      ...base,
      observations: [
        { code: "4485-9", value: 62, effectiveAt: at },
        { code: "4498-2", value: 7, effectiveAt: at },
        { code: "751-8", value: 0.3, effectiveAt: at },
        { code: "777-3", value: 45, effectiveAt: at },
      ],
    });
    expect(c.charts.complement).toEqual([{ day: 2, c3: 62, c4: 7 }]);
    expect(c.charts.counts).toEqual([{ day: 2, neutrophils: 0.3, platelets: 45 }]);
  });

  it("keeps day 0 to day 30 in view, three days beyond the data", () => {
    expect(patientCourse(base).window).toEqual({ from: -3, to: 33 });
    const late = patientCourse({
      ...base,
      observations: [
        { code: "8116-6", value: 5, effectiveAt: new Date("2025-03-01T04:00:00Z") }, // day −9
        { code: "8116-6", value: 50, effectiveAt: new Date("2025-06-18T04:00:00Z") }, // day 100
      ],
    });
    expect(late.window).toEqual({ from: -12, to: 103 });
  });

  it("draws CAR-T copies above the limit of detection only", () => {
    const c = patientCourse({
      ...base,
      copies: [
        { occurredAt: new Date("2025-03-20T02:00:00Z"), reading: { value: 124_000 } }, // day 10
        { occurredAt: new Date("2025-03-17T02:00:00Z"), reading: { value: 5_000 } }, // day 7
        { occurredAt: new Date("2025-12-09T02:00:00Z"), reading: { belowLimit: true, limit: 50 } },
      ],
    });
    expect(c.charts.copies).toEqual([
      { day: 7, copies: 5_000 },
      { day: 10, copies: 124_000 },
    ]);
  });

  it("sums the glucocorticoid courses of each day, stop date inclusive, 0 on other days", () => {
    const c = patientCourse({
      ...base,
      glucocorticoids: [
        // prednisolone 10 mg/day from day −2 to day 1
        { startDate: "2025-03-08", stopDate: "2025-03-11", prednisoloneMgPerDay: 10 },
        // methylprednisolone 4 mg ≡ prednisolone 5 mg, from day 0, ongoing
        { startDate: "2025-03-10", stopDate: null, prednisoloneMgPerDay: 5 },
        // dexamethasone 0.5 mg ≡ 3.333… mg, on day 2 only
        { startDate: "2025-03-12", stopDate: "2025-03-12", prednisoloneMgPerDay: 10 / 3 },
      ],
    });
    const mg = (day: number) => c.charts.glucocorticoidMgPerDay.find((p) => p.day === day)?.mg;
    expect(mg(-3)).toBe(0);
    expect(mg(-2)).toBe(10);
    expect(mg(0)).toBe(15);
    expect(mg(1)).toBe(15);
    expect(mg(2)).toBe(8.33); // 5 + 3.333…, rounded once after summing
    expect(mg(3)).toBe(5);
    expect(mg(33)).toBe(5);
    expect(c.charts.glucocorticoidMgPerDay).toHaveLength(37); // every day from −3 to 33
  });
});
