/**
 * Dates, numbers and study days as the reader's language writes them, through `Intl` with the
 * app's current language (i18n/index.ts). The one place the screens format values: a screen
 * calls these instead of `toLocaleString` or slicing ISO strings, so a change of language or of
 * time zone is made here once.
 *
 * English keeps ISO dates (2019-09-16: unambiguous across sites, what the clinic reads); Chinese
 * writes 2019/09/16 as `Intl` does for zh-CN.
 */
import { currentLanguage, i18n } from "../i18n/index.ts";

/** The `Intl` locale for the app's language: en-CA is English with ISO-ordered dates. */
export function intlLocale(): string {
  return currentLanguage() === "zh-CN" ? "zh-CN" : "en-CA";
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

const DAY: Intl.DateTimeFormatOptions = { year: "numeric", month: "2-digit", day: "2-digit" };

/** A calendar date ("2019-09-16", or the date part of an ISO instant) in the reader's language. */
export function isoDate(value: string | null | undefined): string {
  if (!value) return "—";
  const day = value.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return value;
  // The date itself, not an instant: formatted in UTC so no zone moves it a day.
  return dateTimeFormat(intlLocale(), { ...DAY, timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

/** A number in the reader's language (grouping, decimal sign), with at most `digits` decimals. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: digits }).format(value);
}

/** Study day with its sign: day 0 is the infusion, "D−3" three days before. */
export function studyDay(day: number | null | undefined): string {
  if (day === null || day === undefined) return "—";
  return day < 0 ? i18n.t("format.studyDayBefore", { days: -day }) : i18n.t("format.studyDay", { day });
}

/**
 * An instant as the site reads it, to the minute, with the zone named (the same instant is shown
 * the same way on every device): "2026-12-04 09:15 Asia/Shanghai".
 */
export function instantAt(iso: string, timeZone: string): string {
  const parts = dateTimeFormat("en-CA", {
    timeZone,
    ...DAY,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const sep = currentLanguage() === "zh-CN" ? "/" : "-";
  return `${get("year")}${sep}${get("month")}${sep}${get("day")} ${get("hour")}:${get("minute")} ${timeZone}`;
}
