/**
 * Study day: day 0 is the calendar day of the CAR-T infusion, days before it are negative
 * (lymphodepletion runs on days −5 to −3). This follows the cell-therapy convention used in
 * shared/design/architecture.md; it deliberately differs from CDISC SDTM --DY, which has no day 0.
 * Calendar days are taken in the site's time zone, so an event at 23:30 in Shenzhen counts on
 * that local day.
 */
import { daysBetween } from "./calendar.ts";

/** Days from `day0` to `date`, both ISO calendar dates (YYYY-MM-DD). */
export function studyDay(date: string, day0: string): number {
  return daysBetween(day0, date);
}

/**
 * CDISC SDTM study day (--DY, SDTMIG 3.4 section 4.4.4): the reference date (RFSTDTC) is day 1, the
 * day before it day -1; there is no day 0. Our day 0 is the infusion, so with RFSTDTC set to the
 * infusion date SDTM day = studyDay + 1 on and after the infusion and studyDay before it.
 */
export function sdtmStudyDay(date: string, referenceDate: string): number {
  const day = studyDay(date, referenceDate);
  return day >= 0 ? day + 1 : day;
}

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs tens of microseconds, using
 * one about a microsecond, and a timeline or worklist asks for hundreds of dates (issue 15 profile:
 * 18.5% of the timeline's CPU). A hospital deployment has a handful of zones, so the cache stays small.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: "date" | "wall-clock", timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format =
      kind === "date"
        ? // en-CA formats as YYYY-MM-DD.
          new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
        : new Intl.DateTimeFormat("en-US", {
            timeZone,
            hourCycle: "h23",
            year: "numeric",
            month: "numeric",
            day: "numeric",
            hour: "numeric",
            minute: "numeric",
            second: "numeric",
          });
    formatters.set(key, format);
  }
  return format;
}

/** The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. */
export function localDate(instant: Date, timeZone: string): string {
  return formatter("date", timeZone).format(instant);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant a site-local calendar day begins (00:00 local, or the first instant of the day where
 * a daylight-saving change skips midnight). Used to cut records at a date in the site's zone: a
 * record counts for day D when it happened before the start of D + 1.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  let t = midnightUtc - zoneOffset(midnightUtc, timeZone);
  // A second pass settles the offset when a daylight-saving change falls between the guesses.
  t = midnightUtc - zoneOffset(t, timeZone);
  // Where midnight does not exist (the clock jumps from 23:59 to 01:00) the day starts later.
  while (localDate(new Date(t), timeZone) < date) t += 15 * 60_000;
  while (localDate(new Date(t - 1), timeZone) === date) t -= 15 * 60_000;
  return new Date(t);
}

/**
 * An instant as the site's clock reads it, "YYYY-MM-DDTHH:mm" or with ":ss" (the form of an HTML
 * datetime-local input). Entry and display use the site's zone, not the device's, so a tablet set to
 * another zone shows and takes the time the ward reads (issue 11).
 */
export function localDateTime(
  instant: Date,
  timeZone: string,
  precision: "minute" | "second" = "minute",
): string {
  const iso = new Date(localWallClock(instant, timeZone)).toISOString();
  return iso.slice(0, precision === "second" ? 19 : 16);
}

/**
 * The instant the site's clock reads `local` ("YYYY-MM-DDTHH:mm" or with ":ss"), or null when it is
 * not such a reading. In the hour a daylight-saving change repeats, the earlier instant; in the hour
 * it skips, the reading is taken with the offset before the change.
 */
export function instantOfLocal(local: string, timeZone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, se);
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 16) !== local.slice(0, 16)) return null;
  // Two candidates, one per offset around the reading; the earlier one that reads `local` wins.
  const dayBefore = zoneOffset(wall - 86_400_000, timeZone);
  const dayAfter = zoneOffset(wall + 86_400_000, timeZone);
  const early = wall - Math.max(dayBefore, dayAfter);
  const late = wall - Math.min(dayBefore, dayAfter);
  for (const t of [early, late]) if (localWallClock(new Date(t), timeZone) === wall) return new Date(t);
  return new Date(wall - dayBefore);
}

/** The zone's offset at instant `t` (ms): what its clock reads then, less `t`. */
function zoneOffset(t: number, timeZone: string): number {
  return localWallClock(new Date(t), timeZone) - t;
}

/**
 * The zone's wall-clock reading at an instant, as milliseconds of the same reading in UTC, to the
 * second (as the zone's clock shows it). Reading the clock through Intl costs a few microseconds,
 * and a timeline, an export or a worklist reads it thousands of times; the SDTM tests spent more
 * time here than anywhere else but parsing (CPU profile, 2026-12-06). So the zone's offset is kept
 * per hour of UTC, for an hour whose first and last second read with the same offset. A
 * daylight-saving change or a zone's change of standard time falls in an hour whose two ends
 * differ (or on the boundary between two hours), and such an hour is read through Intl every time.
 */
function localWallClock(instant: Date, timeZone: string): number {
  const t = instant.getTime();
  if (Number.isNaN(t)) return wallClockByIntl(instant, timeZone); // Intl's own RangeError
  const hour = Math.floor(t / HOUR);
  const key = `${timeZone} ${hour}`;
  let offset = hourOffsets.get(key);
  if (offset === undefined) {
    const start = hour * HOUR;
    const end = start + HOUR - 1000;
    const atStart = wallClockByIntl(new Date(start), timeZone) - start;
    offset = atStart === wallClockByIntl(new Date(end), timeZone) - end ? atStart : null;
    if (hourOffsets.size >= MAX_HOUR_OFFSETS) hourOffsets.clear();
    hourOffsets.set(key, offset);
  }
  if (offset === null) return wallClockByIntl(instant, timeZone);
  // The clock shows whole seconds; the offsets of the tz database are whole seconds too.
  return Math.floor((t + offset) / 1000) * 1000;
}

const HOUR = 3_600_000;
/** Hours of a few zones over decades of records stay well under this; past it the cache restarts. */
const MAX_HOUR_OFFSETS = 200_000;
const hourOffsets = new Map<string, number | null>();

function wallClockByIntl(instant: Date, timeZone: string): number {
  const format = formatter("wall-clock", timeZone);
  const part = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return Date.UTC(
    Number(part.year),
    Number(part.month) - 1,
    Number(part.day),
    Number(part.hour),
    Number(part.minute),
    Number(part.second),
  );
}
