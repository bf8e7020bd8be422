/** Dates as the clinic reads them: 2019-09-16 (ISO, unambiguous across sites). */
export function isoDate(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : "—";
}

/** Study day with its sign: day 0 is the infusion, "D−3" three days before. */
export function studyDay(day: number | null | undefined): string {
  if (day === null || day === undefined) return "—";
  return day < 0 ? `D−${-day}` : `D${day}`;
}
