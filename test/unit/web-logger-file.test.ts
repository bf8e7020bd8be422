/**
 * A temperature logger's file read into readings for the API (web/src/screens/board/logger-file.ts):
 * times without a zone are the site's clock (Shenzhen is UTC+8 all year), times with one are kept,
 * a header is skipped, a decimal comma is read with semicolon or tab columns, and a line that is
 * not a time and a temperature is named by its number so nothing half-read is sent.
 */
import { describe, expect, it } from "vitest";
import { readLoggerFile } from "../../web/src/screens/board/logger-file.ts";

const SZ = "Asia/Shanghai";

describe("reading a logger file", () => {
  it("reads local times on the site's clock and skips the header", () => {
    const file = "Time,Temperature (°C)\n2026-03-01 08:00:00,-151.2\n2026-03-01 08:05,-149.8\n";
    expect(readLoggerFile(file, SZ)).toEqual({
      ok: true,
      readings: [
        { at: "2026-03-01T00:00:00.000Z", celsius: -151.2 },
        { at: "2026-03-01T00:05:00.000Z", celsius: -149.8 },
      ],
    });
  });

  it("keeps a time that names its zone, and reads a decimal comma in semicolon or tab columns", () => {
    expect(readLoggerFile("2026-03-01T08:00:00+08:00;4,5\r\n2026-03-01T00:10:00Z;5", SZ)).toEqual({
      ok: true,
      readings: [
        { at: "2026-03-01T00:00:00.000Z", celsius: 4.5 },
        { at: "2026-03-01T00:10:00.000Z", celsius: 5 },
      ],
    });
    expect(readLoggerFile("2026-03-01 08:00\t3,9", SZ)).toEqual({
      ok: true,
      readings: [{ at: "2026-03-01T00:00:00.000Z", celsius: 3.9 }],
    });
  });

  it("names the first line that is not a time and a temperature, and refuses a file with no readings", () => {
    const file = "time,celsius\n2026-03-01 08:00,4.1\n2026-03-01 08:05,warm\n2026-03-01 08:10,4.0";
    expect(readLoggerFile(file, SZ)).toEqual({
      ok: false,
      problem: "bad-line",
      line: 3,
      text: "2026-03-01 08:05,warm",
    });
    // a date the calendar does not have is not read as some other day
    expect(readLoggerFile("2026-02-30 08:00,4.1", SZ)).toMatchObject({ ok: false, line: 1 });
    expect(readLoggerFile("time,celsius\n\n", SZ)).toEqual({ ok: false, problem: "empty" });
  });
});
