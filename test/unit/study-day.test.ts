import { describe, expect, it } from "vitest";
import {
  instantOfLocal,
  isValidTimeZone,
  localDate,
  localDateTime,
  startOfLocalDay,
  studyDay,
} from "../../src/domain/study-day.ts";

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

// Offsets from the IANA tz database: Asia/Shanghai is UTC+8 with no daylight saving since 1991;
// Europe/Berlin is UTC+1, UTC+2 in summer, changing at 01:00 UTC on the last Sunday of March and
// October (2019-03-31: 02:00 → 03:00 local; 2019-10-27: 03:00 → 02:00 local).
describe("the site's clock (entry and display of instants, issue 11)", () => {
  it("reads an instant on the site's clock, to the minute or the second", () => {
    const thaw = new Date("2019-09-16T01:02:03.000Z");
    expect(localDateTime(thaw, "Asia/Shanghai", "minute")).toBe("2019-09-16T09:02");
    expect(localDateTime(thaw, "Asia/Shanghai", "second")).toBe("2019-09-16T09:02:03");
    expect(localDateTime(new Date("2019-09-15T16:00:00Z"), "Asia/Shanghai", "second")).toBe(
      "2019-09-16T00:00:00",
    );
  });
  it("turns a reading on the site's clock back into the instant, whatever zone the device is in", () => {
    expect(instantOfLocal("2019-09-16T09:02:03", "Asia/Shanghai")?.toISOString()).toBe(
      "2019-09-16T01:02:03.000Z",
    );
    expect(instantOfLocal("2019-09-16T00:30", "Asia/Shanghai")?.toISOString()).toBe(
      "2019-09-15T16:30:00.000Z",
    );
    expect(instantOfLocal("2019-07-01T12:00", "Europe/Berlin")?.toISOString()).toBe(
      "2019-07-01T10:00:00.000Z",
    );
    expect(instantOfLocal("2019-01-01T12:00", "Europe/Berlin")?.toISOString()).toBe(
      "2019-01-01T11:00:00.000Z",
    );
  });
  it("takes the earlier instant in the repeated hour and the old offset in the skipped one", () => {
    // 02:30 happens twice on 2019-10-27 in Berlin: first at UTC+2 (00:30Z), then at UTC+1 (01:30Z).
    expect(instantOfLocal("2019-10-27T02:30", "Europe/Berlin")?.toISOString()).toBe(
      "2019-10-27T00:30:00.000Z",
    );
    // 02:30 never happens on 2019-03-31: read with the winter offset, UTC+1.
    expect(instantOfLocal("2019-03-31T02:30", "Europe/Berlin")?.toISOString()).toBe(
      "2019-03-31T01:30:00.000Z",
    );
  });
  it("refuses what is not a reading", () => {
    expect(instantOfLocal("2019-02-30T10:00", "Asia/Shanghai")).toBeNull();
    expect(instantOfLocal("16/09/2019 10:00", "Asia/Shanghai")).toBeNull();
    expect(instantOfLocal("", "Asia/Shanghai")).toBeNull();
  });
  it("round-trips every quarter hour of a day with a daylight-saving change", () => {
    for (
      let t = Date.parse("2019-10-26T22:00:00Z");
      t < Date.parse("2019-10-27T04:00:00Z");
      t += 15 * 60_000
    ) {
      const reading = localDateTime(new Date(t), "Europe/Berlin", "second");
      const back = instantOfLocal(reading, "Europe/Berlin")!.getTime();
      // In the repeated hour the reading names two instants; the earlier one comes back.
      expect(back === t || back === t - 3_600_000).toBe(true);
      expect(localDateTime(new Date(back), "Europe/Berlin", "second")).toBe(reading);
    }
  });
});

describe("the site's clock against Intl, second by second where the zone's offset changes", () => {
  /** The reading as Intl gives it, written here independently of study-day.ts. */
  const byIntl = (zone: string) => {
    const format = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    return (t: number) => {
      const p = Object.fromEntries(format.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
    };
  };
  const offsetOf = (read: (t: number) => string, t: number) =>
    Date.parse(`${read(t)}Z`) - Math.floor(t / 1000) * 1000;

  // Daylight saving in both hemispheres, half-hour offsets and changes (Lord Howe, St John's),
  // a change that is not at a whole UTC hour (Kathmandu's +05:45 from 1986), China's summer time
  // of 1986–1991, Dublin's negative "summer" offset, and a zone without changes.
  const cases: [zone: string, years: number[]][] = [
    ["Asia/Shanghai", [1988, 2024]],
    ["America/New_York", [2024]],
    ["Europe/Dublin", [2024]],
    ["Australia/Lord_Howe", [2024]],
    ["America/St_Johns", [2024]],
    ["Asia/Kathmandu", [1985, 1986]],
    ["America/Sao_Paulo", [2018]],
    ["Asia/Kolkata", [2024]],
  ];

  for (const [zone, years] of cases)
    it(`${zone} (${years.join(", ")})`, () => {
      const read = byIntl(zone);
      const changes: number[] = [];
      const SIX_HOURS = 6 * 3_600_000;
      for (const year of years) {
        const from = Date.UTC(year, 0, 1);
        const to = Date.UTC(year + 1, 0, 1);
        for (let t = from; t < to; t += SIX_HOURS) {
          // The first second of each new offset, found by the reference alone (one change at most
          // in six hours), by halving.
          if (offsetOf(read, t) !== offsetOf(read, t + SIX_HOURS)) {
            let before = t;
            let after = t + SIX_HOURS;
            while (after - before > 1000) {
              const mid = before + Math.floor((after - before) / 2000) * 1000;
              if (offsetOf(read, mid) === offsetOf(read, t)) before = mid;
              else after = mid;
            }
            changes.push(after);
          }
          // One instant in every six hours, with milliseconds, wherever it falls.
          const any = t + ((t / SIX_HOURS) % 17_999) * 1000 + 437;
          expect(localDateTime(new Date(any), zone, "second")).toBe(read(any));
        }
      }
      if (zone !== "Asia/Kolkata") expect(changes.length).toBeGreaterThan(0);
      for (const change of changes) {
        // Every second (and its last millisecond) within a minute of the change …
        for (let t = change - 60_000; t < change + 60_000; t += 1000)
          for (const at of [t, t + 999]) expect(localDateTime(new Date(at), zone, "second")).toBe(read(at));
        // … and every 61 s of the hours around it.
        for (let t = change - 7_200_000; t < change + 7_200_000; t += 61_000)
          expect(localDateTime(new Date(t), zone, "second")).toBe(read(t));
      }
    });

  it("refuses an invalid instant as Intl does", () => {
    expect(() => localDateTime(new Date(Number.NaN), "Asia/Shanghai")).toThrow(RangeError);
  });
});
