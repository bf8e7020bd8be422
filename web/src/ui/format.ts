/** Dates as the clinic reads them: 2019-09-16 (ISO, unambiguous across sites). */
export function isoDate(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : "—";
}

/** Study day with its sign: day 0 is the infusion, "D−3" three days before. */
export function studyDay(day: number | null | undefined): string {
  if (day === null || day === undefined) return "—";
  return day < 0 ? `D−${-day}` : `D${day}`;
}

/** Whole days between two ISO dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b.slice(0, 10)) - Date.parse(a.slice(0, 10))) / 86_400_000);
}
