/**
 * The site's clock now for a datetime-local input, and a reading back to an instant: entry is on the
 * site's clock (src/domain/study-day.ts), not the device's, so a tablet in another zone records
 * the time the ward read.
 */
import { siteInputToInstant, siteNowInput } from "../../ui/site-time.ts";

export const localDateTimeNow = (timeZone: string) => siteNowInput(timeZone);

/** "2026-03-02T08:15" on the site's clock → RFC 3339 in UTC; the server wants an explicit offset. */
export function toInstant(local: string, timeZone: string): string {
  // An incomplete reading goes as typed, so the server names the field in its refusal.
  return siteInputToInstant(local, timeZone) ?? local;
}
