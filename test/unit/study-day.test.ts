import { describe, expect, it } from "vitest";
import { isValidTimeZone, localDate, startOfLocalDay, studyDay } from "../../src/domain/study-day.ts";

describe("study day (day 0 = infusion day, negative before)", () => {
  it("is 0 on the infusion day and counts lymphodepletion as −5..−3", () => {
    expect(studyDay("2019-09-16", "2019-09-16")).toBe(0);
    expect(studyDay("2019-09-11", "2019-09-16")).toBe(-5);
    expect(studyDay("2019-09-13", "2019-09-16")).toBe(-3);
    expect(studyDay("2019-10-16", "2019-09-16")).toBe(30);
  });
  it("has no gap at day 0 (unlike CDISC --DY)", () => {
    expect(studyDay("2019-09-15", "2019-09-16")).toBe(-1);
    expect(studyDay("2019-09-17", "2019-09-16")).toBe(1);
  });
  it("counts the leap day", () => {
    expect(studyDay("2020-03-01", "2020-02-28")).toBe(2);
    expect(studyDay("2019-03-01", "2019-02-28")).toBe(1);
    expect(studyDay("2020-06-16", "2019-09-16")).toBe(274); // month 9 spans 29 Feb 2020
  });
  it("is not shifted by daylight-saving changes", () => {
    expect(studyDay("2019-03-31", "2019-03-30")).toBe(1);
    expect(studyDay("2019-10-27", "2019-10-26")).toBe(1);
  });
});

describe("local calendar date", () => {
  it("an instant late on the 15th UTC is the 16th in Shenzhen", () => {
    expect(localDate(new Date("2019-09-15T16:30:00Z"), "Asia/Shanghai")).toBe("2019-09-16");
    expect(localDate(new Date("2019-09-15T15:59:59Z"), "Asia/Shanghai")).toBe("2019-09-15");
  });
  it("knows IANA zones", () => {
    expect(isValidTimeZone("Asia/Shanghai")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
  });
});

describe("startOfLocalDay", () => {
  it("is local midnight, read back as the same local date, and one millisecond earlier is the day before", () => {
    const cases: [string, string, string][] = [
      ["2026-12-04", "Asia/Shanghai", "2026-12-03T16:00:00.000Z"],
      // New York: clocks spring forward at 02:00 on 2026-03-08 and fall back on 2026-11-01; midnight exists on both
      ["2026-03-08", "America/New_York", "2026-03-08T05:00:00.000Z"],
      ["2026-03-09", "America/New_York", "2026-03-09T04:00:00.000Z"],
      ["2026-11-02", "America/New_York", "2026-11-02T05:00:00.000Z"],
      // Santiago, 2018-08-12: the clock jumped from 23:59:59 to 01:00, so the day began at 01:00 (UTC−3)
      ["2018-08-12", "America/Santiago", "2018-08-12T04:00:00.000Z"],
      // Apia skipped 2011-12-30 entirely; 2011-12-31 began at 00:00 UTC+14
      ["2011-12-31", "Pacific/Apia", "2011-12-30T10:00:00.000Z"],
    ];
    for (const [date, zone, expected] of cases) {
      const start = startOfLocalDay(date, zone);
      expect(start.toISOString(), `${date} ${zone}`).toBe(expected);
      expect(localDate(start, zone)).toBe(date);
      expect(localDate(new Date(start.getTime() - 1), zone) < date).toBe(true);
    }
  });
});
