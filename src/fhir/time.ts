/**
 * FHIR dates and times. R4 dateTime and instant SHALL carry a time zone when they carry a time
 * (https://hl7.org/fhir/R4/datatypes.html#dateTime); we always write UTC ("Z"), the zone our
 * timestamps are stored in, so no reader has to guess the site's zone. Calendar dates (onset,
 * medication start) stay dates: R4 allows a date with no time, and inventing midnight in some
 * zone would move the day.
 */
export const fhirInstant = (at: Date): string => at.toISOString();

/** A calendar date as the database gives it ('YYYY-MM-DD'), checked so a bad row fails loudly. */
export function fhirDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not a calendar date: ${date}`);
  return date;
}

/** FHIR meta.lastUpdated and versionId from our row's version and update time. */
export const metaOf = (row: { version: number; updated_at: Date }) => ({
  versionId: String(row.version),
  lastUpdated: fhirInstant(row.updated_at),
});
