import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { addDays, addMonths, monthSpanDays } from "../../src/domain/calendar.ts";
import { studyDay } from "../../src/domain/study-day.ts";
import {
  defaultVisitSchedule,
  type GeneratedVisit,
  generateVisits,
  type Indication,
  LTFU_ITEM_CODES,
  LTFU_ITEMS,
  longTermFollowUpSchedule,
  ltfuYears,
  offsetDayRange,
  parseVisitSchedule,
  visitStatus,
} from "../../src/domain/visit-schedule.ts";
import { issuesOf, pathsOf } from "../support/validation.ts";

const byCode = (visits: GeneratedVisit[], code: string) => {
  const v = visits.find((x) => x.code === code);
  if (!v) throw new Error(`no visit ${code}`);
  return v;
};

/** A one-visit schedule builder for validation and arithmetic tests. */
const visit = (over: Record<string, unknown> = {}) => ({
  code: "V1",
  label: "Visit 1",
  offset: { unit: "day", value: 14 },
  window: { minusDays: 1, plusDays: 1 },
  ...over,
});
const schedule = (...visits: Record<string, unknown>[]) => ({ name: "Test schedule", visits });

describe("calendar arithmetic: month N = same day of month, clamped to the month's last day", () => {
  it("clamps to the end of a shorter month, in leap and common years", () => {
    expect(addMonths("2019-08-31", 6)).toBe("2020-02-29"); // 2020 is a leap year
    expect(addMonths("2020-08-31", 6)).toBe("2021-02-28");
    expect(addMonths("2019-01-31", 1)).toBe("2019-02-28");
    expect(addMonths("2020-01-31", 1)).toBe("2020-02-29");
    expect(addMonths("2019-03-31", 1)).toBe("2019-04-30");
    expect(addMonths("2019-05-30", 9)).toBe("2020-02-29");
  });
  it("counts every offset from the infusion, so clamping does not accumulate", () => {
    expect(addMonths("2019-08-31", 6)).toBe("2020-02-29");
    expect(addMonths("2019-08-31", 7)).toBe("2020-03-31");
  });
  it("a 29 February infusion has its anniversaries on 28 February, except in leap years", () => {
    expect(addMonths("2020-02-29", 12)).toBe("2021-02-28");
    expect(addMonths("2020-02-29", 36)).toBe("2023-02-28");
    expect(addMonths("2020-02-29", 48)).toBe("2024-02-29");
  });
  it("follows the Gregorian century rule (2000 leap, 2100 not)", () => {
    expect(addMonths("1996-02-29", 48)).toBe("2000-02-29");
    expect(addMonths("2096-02-29", 48)).toBe("2100-02-28");
    expect(addDays("2100-02-28", 1)).toBe("2100-03-01");
    expect(addDays("2000-02-28", 1)).toBe("2000-02-29");
  });
  it("crosses year boundaries both ways", () => {
    expect(addDays("2019-12-25", 10)).toBe("2020-01-04");
    expect(addDays("2020-01-02", -3)).toBe("2019-12-30");
    expect(addMonths("2019-11-30", 2)).toBe("2020-01-30");
    expect(addMonths("2019-12-31", 2)).toBe("2020-02-29");
    expect(addMonths("2019-10-15", 3)).toBe("2020-01-15");
  });
  it("addDays agrees with the UTC calendar for any date 1900–2200 and any shift of ±20 years", () => {
    const dayMs = 86_400_000;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1) / dayMs, max: Date.UTC(2200, 0, 1) / dayMs }),
        fc.integer({ min: -7305, max: 7305 }),
        (n, shift) => {
          const iso = (k: number) => new Date(k * dayMs).toISOString().slice(0, 10);
          expect(addDays(iso(n), shift)).toBe(iso(n + shift));
        },
      ),
    );
  });
  it("knows how many days N months can be, over every start date", () => {
    expect(monthSpanDays(1)).toEqual([28, 31]);
    expect(monthSpanDays(2)).toEqual([59, 62]);
    expect(monthSpanDays(3)).toEqual([89, 92]);
    expect(monthSpanDays(6)).toEqual([181, 184]);
    expect(monthSpanDays(12)).toEqual([365, 366]);
    expect(offsetDayRange({ unit: "year", value: 1 })).toEqual([365, 366]);
    expect(offsetDayRange({ unit: "day", value: 100 })).toEqual([100, 100]);
  });
  it("every month offset of a random date lies inside its day range", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1600-01-01T00:00:00Z"),
          max: new Date("2400-12-31T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 240 }),
        (d, months) => {
          const start = d.toISOString().slice(0, 10);
          const [min, max] = monthSpanDays(months);
          const days = studyDay(addMonths(start, months), start);
          expect(days).toBeGreaterThanOrEqual(min);
          expect(days).toBeLessThanOrEqual(max);
        },
      ),
    );
  });
});

describe("generateVisits", () => {
  it("gives nominal date, study day and inclusive window dates", () => {
    const s = parseVisitSchedule(schedule(visit()));
    const [v] = generateVisits(s, "2019-09-16");
    expect(v).toMatchObject({
      code: "V1",
      nominalDate: "2019-09-30",
      nominalDay: 14,
      windowStart: "2019-09-29",
      windowEnd: "2019-10-01",
      windowStartDay: 13,
      windowEndDay: 15,
      registryWindow: null,
    });
  });
  it("applies month-end clamping to month visits (infused 2019-08-31 → M6 2020-02-29; 2020-08-31 → 2021-02-28)", () => {
    const s = parseVisitSchedule(schedule(visit({ code: "M6", offset: { unit: "month", value: 6 } })));
    expect(generateVisits(s, "2019-08-31")[0]).toMatchObject({ nominalDate: "2020-02-29", nominalDay: 182 });
    expect(generateVisits(s, "2020-08-31")[0]).toMatchObject({ nominalDate: "2021-02-28", nominalDay: 181 });
  });
  it("infused on 2020-02-29, the one-year visit is clamped to 2021-02-28 (day 365)", () => {
    const s = parseVisitSchedule(
      schedule(
        visit({ code: "Y1", offset: { unit: "year", value: 1 }, window: { minusDays: 14, plusDays: 14 } }),
      ),
    );
    const [y1] = generateVisits(s, "2020-02-29");
    expect(y1).toMatchObject({
      nominalDate: "2021-02-28",
      nominalDay: 365,
      windowStart: "2021-02-14",
      windowEnd: "2021-03-14",
    });
    const m12 = byCode(generateVisits(defaultVisitSchedule(), "2020-02-29"), "M12");
    expect(m12.nominalDate).toBe("2021-02-28");
  });
  it("windows cross the year boundary", () => {
    const s = parseVisitSchedule(schedule(visit({ code: "D10", offset: { unit: "day", value: 10 } })));
    expect(generateVisits(s, "2019-12-22")[0]).toMatchObject({
      nominalDate: "2020-01-01",
      windowStart: "2019-12-31",
      windowEnd: "2020-01-02",
    });
  });
  it("a window spanning 29 February counts the leap day", () => {
    const s = parseVisitSchedule(
      schedule(
        visit({ code: "D14", offset: { unit: "day", value: 14 }, window: { minusDays: 3, plusDays: 3 } }),
      ),
    );
    expect(generateVisits(s, "2020-02-15")[0]).toMatchObject({
      nominalDate: "2020-02-29",
      windowStart: "2020-02-26",
      windowEnd: "2020-03-03",
    });
    expect(generateVisits(s, "2019-02-15")[0]).toMatchObject({
      nominalDate: "2019-03-01",
      windowStart: "2019-02-26",
      windowEnd: "2019-03-04",
    });
  });

  describe("daylight-saving changes are irrelevant (dates only)", () => {
    const originalTz = process.env.TZ;
    afterEach(() => {
      // Assigning undefined would set the string "undefined" (an unknown zone) for what runs next.
      if (originalTz === undefined) delete process.env.TZ;
      else process.env.TZ = originalTz;
    });
    it("gives the same visits in every process time zone, across spring-forward and fall-back", () => {
      const s = defaultVisitSchedule();
      const results = [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Shanghai",
      ].map((tz) => {
        process.env.TZ = tz;
        // Europe springs forward 2019-03-31 and falls back 2019-10-27, inside D1–D14 of these.
        return [generateVisits(s, "2019-03-25"), generateVisits(s, "2019-10-20")];
      });
      for (const r of results) expect(r).toEqual(results[0]);
      const spring = results[0]![0]!;
      expect(byCode(spring, "D7")).toMatchObject({ nominalDate: "2019-04-01", nominalDay: 7 });
      const autumn = results[0]![1]!;
      expect(byCode(autumn, "D10")).toMatchObject({ windowStart: "2019-10-29", windowEnd: "2019-10-31" });
    });
  });

  it("refuses an infusion date that is not a calendar date", () => {
    const s = defaultVisitSchedule();
    expect(pathsOf(() => generateVisits(s, "2019-02-30"))).toEqual(["/infusionDate"]);
    expect(pathsOf(() => generateVisits(s, "16/09/2019"))).toEqual(["/infusionDate"]);
  });
});

describe("default template (§4.4, design-default windows)", () => {
  const visits = generateVisits(defaultVisitSchedule(), "2019-09-16");

  it("has 32 visits: D1–D7, D10, D14, D21, D28, M2, M3, D100, M6, M9, M12, M18, M24, Y3–Y15", () => {
    expect(visits.map((v) => v.code)).toEqual([
      ...["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D10", "D14", "D21", "D28"],
      ...["M2", "M3", "D100", "M6", "M9", "M12", "M18", "M24"],
      ...Array.from({ length: 13 }, (_, i) => `Y${i + 3}`),
    ]);
    expect(visits).toHaveLength(32);
  });
  it("day 28 is study day 28 and day 100 is study day 100, whatever the infusion date", () => {
    for (const infusion of ["2019-09-16", "2020-02-29", "2021-12-31"]) {
      const vs = generateVisits(defaultVisitSchedule(), infusion);
      expect(byCode(vs, "D28").nominalDay).toBe(28);
      expect(byCode(vs, "D100").nominalDay).toBe(100);
    }
  });
  it("month 12 from 2019-09-16 is 2020-09-16 (day 366, spans 29 Feb) with ± 14 d and the CIBMTR day 365–425 window", () => {
    expect(byCode(visits, "M12")).toMatchObject({
      nominalDate: "2020-09-16",
      nominalDay: 366,
      windowStart: "2020-09-02",
      windowEnd: "2020-09-30",
      registryWindow: {
        registry: "CIBMTR F4100 1 year",
        fromDay: 365,
        toDay: 425,
        start: "2020-09-15",
        end: "2020-11-14",
      },
    });
  });
  it("uses the notes' windows: ±0 daily, ±1 D10/D14, ±3 D21/D28, ±7 M2/M3, ±14 M6–M12, ±30 M18/M24, ±60 years", () => {
    const half = (code: string) => {
      const v = byCode(visits, code);
      return [v.nominalDay - v.windowStartDay, v.windowEndDay - v.nominalDay];
    };
    expect(half("D1")).toEqual([0, 0]);
    expect(half("D7")).toEqual([0, 0]);
    expect(half("D14")).toEqual([1, 1]);
    expect(half("D28")).toEqual([3, 3]);
    expect(half("M3")).toEqual([7, 7]);
    expect(half("D100")).toEqual([15, 15]);
    expect(half("M9")).toEqual([14, 14]);
    expect(half("M24")).toEqual([30, 30]);
    expect(half("Y15")).toEqual([60, 60]);
    expect(byCode(visits, "Y15")).toMatchObject({ nominalDate: "2034-09-16", nominalDay: 5479 });
  });
  it("adds the indication's response assessments where the template says response", () => {
    const sle = generateVisits(defaultVisitSchedule("sle"), "2019-09-16");
    expect(byCode(sle, "M3").assessments).toEqual(expect.arrayContaining(["sledai-2k", "doris", "lldas"]));
    expect(byCode(sle, "M9").labs).toEqual(expect.arrayContaining(["5130-0", "4485-9", "4498-2"]));
    expect(byCode(sle, "D14").assessments).toEqual(["crs", "icans", "ice"]);
    const lymphoma = generateVisits(defaultVisitSchedule("lymphoma"), "2019-09-16");
    expect(byCode(lymphoma, "D28").assessments).toEqual(expect.arrayContaining(["lugano-pet", "icaht"]));
    expect(byCode(lymphoma, "D28").labs).toContain("2532-0");
    expect(byCode(visits, "D28").assessments).not.toContain("lugano-pet");
  });
  it("carries the LTFU items at M12, M24 and every year 3–15", () => {
    const withLtfu = visits.filter((v) => v.ltfuItems.length > 0).map((v) => v.code);
    expect(withLtfu).toEqual(["M12", "M24", ...Array.from({ length: 13 }, (_, i) => `Y${i + 3}`)]);
  });

  it.each<Indication>(["other", "lymphoma", "sle"])(
    "property (%s): windows contain the nominal date and nominal dates strictly increase, infusions 2000–2040",
    (indication) => {
      const s = defaultVisitSchedule(indication);
      fc.assert(
        fc.property(
          fc.date({ min: new Date("2000-01-01"), max: new Date("2040-12-31"), noInvalidDate: true }),
          (d) => {
            const infusion = d.toISOString().slice(0, 10);
            const vs = generateVisits(s, infusion);
            vs.forEach((v, i) => {
              expect(v.windowStart <= v.nominalDate && v.nominalDate <= v.windowEnd).toBe(true);
              expect(v.windowStartDay).toBeGreaterThanOrEqual(0);
              const [min, max] = offsetDayRange(s.visits[i]!.offset);
              expect(v.nominalDay).toBeGreaterThanOrEqual(min);
              expect(v.nominalDay).toBeLessThanOrEqual(max);
              if (i > 0) expect(v.nominalDate > vs[i - 1]!.nominalDate).toBe(true);
            });
          },
        ),
      );
    },
  );
});

describe("visitStatus", () => {
  // D14 ± 1 from 2019-09-16: window 2019-09-29 .. 2019-10-01.
  const d14 = byCode(generateVisits(defaultVisitSchedule(), "2019-09-16"), "D14");

  it("is upcoming before the window opens", () => {
    expect(visitStatus(d14, { today: "2019-09-20" })).toEqual({ status: "upcoming", opensInDays: 9 });
    expect(visitStatus(d14, { today: "2019-09-28" })).toEqual({ status: "upcoming", opensInDays: 1 });
  });
  it("is due from the window's first day to its last day inclusive", () => {
    expect(visitStatus(d14, { today: "2019-09-29" })).toEqual({ status: "due", closesInDays: 2 });
    expect(visitStatus(d14, { today: "2019-09-30" })).toEqual({ status: "due", closesInDays: 1 });
    expect(visitStatus(d14, { today: "2019-10-01" })).toEqual({ status: "due", closesInDays: 0 });
  });
  it("is overdue from the day after the window's last day", () => {
    expect(visitStatus(d14, { today: "2019-10-02" })).toEqual({ status: "overdue", daysOverdue: 1 });
    expect(visitStatus(d14, { today: "2020-01-01" })).toEqual({ status: "overdue", daysOverdue: 92 });
  });
  it("a zero-width window (D1–D7) is due only on its day", () => {
    const d3 = byCode(generateVisits(defaultVisitSchedule(), "2019-09-16"), "D3");
    expect(visitStatus(d3, { today: "2019-09-18" }).status).toBe("upcoming");
    expect(visitStatus(d3, { today: "2019-09-19" })).toEqual({ status: "due", closesInDays: 0 });
    expect(visitStatus(d3, { today: "2019-09-20" })).toEqual({ status: "overdue", daysOverdue: 1 });
  });
  it("is done when a date is recorded, saying whether it fell in the window", () => {
    expect(visitStatus(d14, { today: "2019-10-05", doneOn: "2019-10-01" })).toEqual({
      status: "done",
      doneOn: "2019-10-01",
      inWindow: true,
      daysOutsideWindow: 0,
    });
    expect(visitStatus(d14, { today: "2019-10-05", doneOn: "2019-10-03" })).toMatchObject({
      status: "done",
      inWindow: false,
      daysOutsideWindow: 2,
    });
    expect(visitStatus(d14, { today: "2019-10-05", doneOn: "2019-09-27" })).toMatchObject({
      inWindow: false,
      daysOutsideWindow: -2,
    });
  });
  it("is missed with its reason, even before the window closes", () => {
    expect(
      visitStatus(d14, { today: "2019-10-05", missedReason: "Patient in ICU at another hospital" }),
    ).toEqual({
      status: "missed",
      reason: "Patient in ICU at another hospital",
    });
    expect(visitStatus(d14, { today: "2019-09-20", missedReason: "Withdrew consent" }).status).toBe("missed");
  });
  it("refuses contradictory or malformed input, naming the field", () => {
    expect(
      pathsOf(() => visitStatus(d14, { today: "2019-10-05", doneOn: "2019-09-30", missedReason: "sick" })),
    ).toEqual(["/missedReason"]);
    expect(pathsOf(() => visitStatus(d14, { today: "2019-09-30", doneOn: "2019-10-01" }))).toEqual([
      "/doneOn",
    ]);
    expect(pathsOf(() => visitStatus(d14, { today: "2019-10-05", doneOn: "2019-09-10" }))).toEqual([
      "/doneOn",
    ]);
    expect(pathsOf(() => visitStatus(d14, { today: "2019-13-01" }))).toEqual(["/today"]);
    expect(pathsOf(() => visitStatus(d14, { today: "2019-10-05", missedReason: "  " }))).toEqual([
      "/missedReason",
    ]);
  });
});

describe("schedule validation (errors name the field)", () => {
  it("accepts a well-formed schedule and fills defaults", () => {
    const s = parseVisitSchedule(schedule(visit({ assessments: ["crs"], labs: ["5130-0"] })));
    expect(s.visits[0]).toMatchObject({
      assessments: ["crs"],
      labs: ["5130-0"],
      activities: [],
      ltfuItems: [],
    });
  });
  it("refuses duplicate codes, case-insensitively", () => {
    const issues = issuesOf(() =>
      parseVisitSchedule(schedule(visit(), visit({ code: "v1", offset: { unit: "day", value: 21 } }))),
    );
    expect(issues).toEqual([expect.objectContaining({ path: "/visits/1/code" })]);
    expect(issues[0]!.message).toMatch(/already used/);
  });
  it("refuses negative windows", () => {
    expect(
      pathsOf(() => parseVisitSchedule(schedule(visit({ window: { minusDays: -1, plusDays: 1 } })))),
    ).toEqual(["/visits/0/window/minusDays"]);
    expect(
      pathsOf(() => parseVisitSchedule(schedule(visit({ window: { minusDays: 1, plusDays: -2 } })))),
    ).toEqual(["/visits/0/window/plusDays"]);
  });
  it("refuses a window that opens before the infusion", () => {
    const d1 = visit({
      code: "D1",
      offset: { unit: "day", value: 1 },
      window: { minusDays: 2, plusDays: 0 },
    });
    expect(pathsOf(() => parseVisitSchedule(schedule(d1)))).toEqual(["/visits/0/window/minusDays"]);
  });
  it("refuses offsets that do not increase", () => {
    const d21 = visit({ code: "D21", offset: { unit: "day", value: 21 } });
    const d14 = visit({ code: "D14", offset: { unit: "day", value: 14 } });
    expect(pathsOf(() => parseVisitSchedule(schedule(d21, d14)))).toEqual(["/visits/1/offset"]);
    expect(
      pathsOf(() => parseVisitSchedule(schedule(d14, { ...d21, code: "D14b", offset: d14.offset }))),
    ).toEqual(["/visits/1/offset"]);
  });
  it("compares day and month offsets over every infusion date", () => {
    const m1 = visit({ code: "M1", offset: { unit: "month", value: 1 } });
    const d30 = visit({ code: "D30", offset: { unit: "day", value: 30 } });
    const d32 = visit({ code: "D32", offset: { unit: "day", value: 32 } });
    // month 1 is 28–31 days, so day 30 is sometimes before and sometimes after it
    const issues = issuesOf(() => parseVisitSchedule(schedule(m1, d30)));
    expect(issues.map((i) => i.path)).toEqual(["/visits/1/offset"]);
    expect(issues[0]!.message).toContain("days 28–31");
    expect(parseVisitSchedule(schedule(m1, d32)).visits).toHaveLength(2);
    const m12 = visit({ code: "M12", offset: { unit: "month", value: 12 } });
    const y1 = visit({ code: "Y1", offset: { unit: "year", value: 1 } });
    expect(pathsOf(() => parseVisitSchedule(schedule(m12, y1)))).toEqual(["/visits/1/offset"]);
  });
  it("refuses bad offsets, unknown calculators and wrong LOINC codes", () => {
    expect(
      pathsOf(() => parseVisitSchedule(schedule(visit({ offset: { unit: "month", value: 0 } })))),
    ).toEqual(["/visits/0/offset/value"]);
    expect(
      pathsOf(() => parseVisitSchedule(schedule(visit({ offset: { unit: "day", value: 1.5 } })))),
    ).toEqual(["/visits/0/offset/value"]);
    expect(
      pathsOf(() => parseVisitSchedule(schedule(visit({ offset: { unit: "month", value: 1e9 } })))),
    ).toEqual(["/visits/0/offset/value"]);
    expect(
      pathsOf(() => parseVisitSchedule(schedule(visit({ offset: { unit: "week", value: 2 } })))),
    ).toEqual(["/visits/0/offset/unit"]);
    expect(pathsOf(() => parseVisitSchedule(schedule(visit({ assessments: ["crs", "sledai"] }))))).toEqual([
      "/visits/0/assessments/1",
    ]);
    const loinc = issuesOf(() => parseVisitSchedule(schedule(visit({ labs: ["1988-5", "5130-2", "CRP"] }))));
    expect(loinc.map((i) => i.path)).toEqual(["/visits/0/labs/1", "/visits/0/labs/2"]);
    expect(loinc[0]!.message).toMatch(/check digit/);
    expect(pathsOf(() => parseVisitSchedule(schedule(visit({ labs: ["1988-5", "1988-5"] }))))).toEqual([
      "/visits/0/labs",
    ]);
    expect(pathsOf(() => parseVisitSchedule(schedule(visit({ ltfuItems: ["hair-loss"] }))))).toEqual([
      "/visits/0/ltfuItems/0",
    ]);
  });
  it("refuses a registry window that ends before it starts", () => {
    const v = visit({ registryWindow: { registry: "CIBMTR", fromDay: 425, toDay: 365 } });
    expect(pathsOf(() => parseVisitSchedule(schedule(v)))).toEqual(["/visits/0/registryWindow/toDay"]);
  });
  it("reports every field problem at once", () => {
    const paths = pathsOf(() =>
      parseVisitSchedule({
        name: "",
        visits: [visit({ code: "", label: "", window: { minusDays: -1, plusDays: 0 } })],
      }),
    );
    expect(paths).toEqual(
      expect.arrayContaining(["/name", "/visits/0/code", "/visits/0/label", "/visits/0/window/minusDays"]),
    );
    expect(pathsOf(() => parseVisitSchedule({ name: "x", visits: [] }))).toEqual(["/visits"]);
  });
});

describe("long-term follow-up (§4.1)", () => {
  it("integrating vectors get 15 yearly contacts; mRNA products are left to the protocol", () => {
    expect(ltfuYears("lentiviral")).toBe(15);
    expect(ltfuYears("gammaretroviral")).toBe(15);
    expect(ltfuYears("mrna")).toBeNull();
    expect(longTermFollowUpSchedule("mrna")).toBeNull();
    const s = longTermFollowUpSchedule("lentiviral")!;
    expect(s.visits.map((v) => v.code)).toEqual(Array.from({ length: 15 }, (_, i) => `Y${i + 1}`));
    const vs = generateVisits(s, "2020-02-29");
    expect(vs[0]).toMatchObject({
      nominalDate: "2021-02-28",
      windowStart: "2020-12-30",
      windowEnd: "2021-04-29",
    });
    expect(vs[3]!.nominalDate).toBe("2024-02-29");
    expect(vs[14]!.nominalDate).toBe("2035-02-28");
  });
  it("each contact collects new malignancies, infections, autoimmune events, pregnancy and death", () => {
    const s = longTermFollowUpSchedule("lentiviral")!;
    for (const v of s.visits)
      expect(v.ltfuItems).toEqual(
        expect.arrayContaining(["new-malignancy", "infection", "autoimmune-event", "pregnancy", "death"]),
      );
    expect(LTFU_ITEMS.map((i) => i.code)).toEqual([...LTFU_ITEM_CODES]);
    expect(LTFU_ITEMS.find((i) => i.code === "vector-testing")!.when).toBe("if-indicated");
  });
});
