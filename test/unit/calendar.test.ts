/** Calendar-date arithmetic (domain/calendar.ts): day counts across leap years, and what is refused. */
import { describe, expect, it } from "vitest";
import { addDays, addMonths, daysBetween } from "../../src/domain/calendar.ts";

describe("calendar dates", () => {
  it("counts days across a leap day and a century rule", () => {
    expect(daysBetween("2019-09-16", "2020-03-16")).toBe(182); // 2020 is a leap year
    expect(daysBetween("1900-02-28", "1900-03-01")).toBe(1); // 1900 is not
    expect(daysBetween("2000-02-28", "2000-03-01")).toBe(2); // 2000 is
    expect(addDays("2019-12-31", 1)).toBe("2020-01-01");
    expect(addDays("2020-03-01", -1)).toBe("2020-02-29");
    expect(addMonths("2019-08-31", 6)).toBe("2020-02-29");
  });

  it("refuses anything that is not YYYY-MM-DD in ASCII digits", () => {
    for (const bad of [
      "2020-1-01",
      "2020-01-1",
      "2020/01/01",
      "2020-01-0x",
      "20200101",
      "2020-01-01T00:00",
      "２０２０-01-01",
      "",
    ])
      expect(() => daysBetween("2020-01-01", bad), bad).toThrow(/Not a calendar date/);
  });
});
