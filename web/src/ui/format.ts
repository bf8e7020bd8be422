/** Dates as the clinic reads them: 2019-09-16 (ISO, unambiguous across sites). */
export function isoDate(value: string | null | undefined): string {
  return value ? value.slice(0, 10) : "—";
}

/** Study day with its sign: day 0 is the infusion, "D−3" three days before. */
export function studyDay(day: number | null | undefined): string {
  if (day === null || day === undefined) return "—";
  return day < 0 ? `D−${-day}` : `D${day}`;
}

/**
 * An instant as the site reads it, to the minute, with the zone named (the same instant is shown
 * the same way on every device): "2026-12-04 09:15 Asia/Shanghai".
 */
export function instantAt(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")} ${timeZone}`;
}
