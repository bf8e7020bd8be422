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
 * One formatter per time zone: building an Intl.DateTimeFormat costs tens of microseconds, using
 * one about a microsecond, and a timeline or worklist asks for hundreds of dates (issue 15 profile:
 * 18.5% of the timeline's CPU). A hospital deployment has a handful of zones, so the cache stays small.
 */
const dateFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. */
export function localDate(instant: Date, timeZone: string): string {
  let format = dateFormatters.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dateFormatters.set(timeZone, format);
  }
  return format.format(instant);
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
