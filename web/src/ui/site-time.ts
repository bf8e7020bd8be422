/**
 * Times as the site reads them (issue 11): today's date, instants shown and entered on the site's
 * clock with its zone named, whatever zone the device is set to. The zone rules are the server's
 * (src/domain/study-day.ts); the zone comes from the API's site.
 */
import { instantOfLocal, localDate, localDateTime } from "../../../src/domain/study-day.ts";

/** Today's calendar date at the site (not the UTC date, which is yesterday in Shenzhen before 08:00). */
export const siteToday = (timeZone: string) => localDate(new Date(), timeZone);

/** The site's clock now, for a datetime-local input, to the precision the server compares. */
export const siteNowInput = (timeZone: string, precision: "minute" | "second" = "minute") =>
  localDateTime(new Date(), timeZone, precision);

/** A datetime-local reading on the site's clock → an RFC 3339 instant (UTC), or null if incomplete. */
export function siteInputToInstant(local: string, timeZone: string): string | null {
  return instantOfLocal(local, timeZone)?.toISOString() ?? null;
}

/** "2019-09-16 14:05:30 Asia/Shanghai": an instant on the site's clock, with the zone named. */
export function siteTime(iso: string, timeZone: string, precision: "minute" | "second" = "minute"): string {
  return `${localDateTime(new Date(iso), timeZone, precision).replace("T", " ")} ${timeZone}`;
}

/** The site's calendar date of an instant ("2019-09-16"), not the UTC date. */
export const siteDate = (iso: string, timeZone: string) => localDate(new Date(iso), timeZone);
