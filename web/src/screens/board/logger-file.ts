/**
 * A temperature logger's export read into the readings the API takes (POST
 * /api/v1/product-units/{id}/logger-readings). Loggers export a table of time and °C; the
 * columns may be split by commas, semicolons or tabs (with a decimal comma then), and a header
 * line may come first. Times with a zone (Z or ±hh:mm) are taken as they are; times without one
 * are the logger's clock, which is set to the site's, so they are read on the site's clock (as
 * every time entered in the app). Judging the readings — range, excursions, quarantine — is the
 * server's (src/domain/custody.ts); this only reads the file.
 */
import { siteInputToInstant } from "../../ui/site-time.ts";

export interface Reading {
  at: string;
  celsius: number;
}

export type LoggerFile =
  | { ok: true; readings: Reading[] }
  | { ok: false; problem: "empty" }
  | { ok: false; problem: "bad-line"; line: number; text: string };

const ZONED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2})?)$/;

function instant(text: string, timeZone: string): string | null {
  const s = text.trim().replace(/^"|"$/g, "");
  if (ZONED.test(s)) {
    const t = Date.parse(s.replace(" ", "T"));
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  const m = LOCAL.exec(s);
  return m ? siteInputToInstant(`${m[1]}T${m[2]}`, timeZone) : null;
}

function celsius(text: string, decimalComma: boolean): number | null {
  const s = text.trim().replace(/^"|"$/g, "");
  const n = decimalComma ? s.replace(",", ".") : s;
  return /^-?\d+(\.\d+)?$/.test(n) ? Number(n) : null;
}

export function readLoggerFile(text: string, timeZone: string): LoggerFile {
  const lines = text.split(/\r?\n/);
  const readings: Reading[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const sep = line.includes("\t") ? "\t" : line.includes(";") ? ";" : ",";
    const [time = "", temp = ""] = line.split(sep);
    const at = instant(time, timeZone);
    const c = celsius(temp, sep !== ",");
    if (at !== null && c !== null) {
      readings.push({ at, celsius: c });
      continue;
    }
    // Header lines (no date in them) may come before the first reading.
    if (readings.length === 0 && at === null && c === null && !/\d{4}-\d{2}-\d{2}/.test(line)) continue;
    return { ok: false, problem: "bad-line", line: i + 1, text: line.slice(0, 80) };
  }
  return readings.length === 0 ? { ok: false, problem: "empty" } : { ok: true, readings };
}
