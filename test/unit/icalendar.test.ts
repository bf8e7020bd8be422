/**
 * The visit calendar's iCalendar text (src/domain/icalendar.ts) against RFC 5545 by hand-worked
 * examples, and read back by an independent parser (Mozilla's ical.js, as calendar clients do).
 */
import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { allDayCalendarText, escapeText, foldLine } from "../../src/domain/icalendar.ts";

const octets = (s: string) => Buffer.byteLength(s, "utf8");
const unfold = (s: string) => s.replace(/\r\n /g, "");

describe("RFC 5545 §3.1 line folding", () => {
  it("leaves a line of 75 octets alone and folds one of 76 after the 75th", () => {
    const x75 = "X".repeat(75);
    expect(foldLine(x75)).toBe(x75);
    expect(foldLine(`${x75}Y`)).toBe(`${x75}\r\n Y`);
  });

  it("gives continuation lines 74 octets after their leading space", () => {
    const line = `${"a".repeat(75)}${"b".repeat(74)}${"c".repeat(3)}`;
    expect(foldLine(line)).toBe(`${"a".repeat(75)}\r\n ${"b".repeat(74)}\r\n ccc`);
  });

  it("never splits a UTF-8 sequence: 22 CJK characters after SUMMARY: (74 octets), 24 on a continuation line (73)", () => {
    // "SUMMARY:" is 8 octets; each 随 is 3: 8 + 22 × 3 = 74, a 23rd would make 77 > 75.
    const line = `SUMMARY:${"随".repeat(60)}`;
    const folded = foldLine(line).split("\r\n");
    expect(folded[0]).toBe(`SUMMARY:${"随".repeat(22)}`);
    // the space and 24 characters: 1 + 72 = 73 octets, a 25th would make 76
    expect(folded[1]).toBe(` ${"随".repeat(24)}`);
    expect(folded[2]).toBe(` ${"随".repeat(14)}`);
    expect(folded.every((l) => octets(l) <= 75)).toBe(true);
  });

  it("keeps a 4-octet character (a surrogate pair) whole", () => {
    const line = `${"a".repeat(73)}😀b`;
    // 73 + 4 = 77 > 75: the emoji starts the next line whole
    expect(foldLine(line)).toBe(`${"a".repeat(73)}\r\n 😀b`);
    // é is 2 octets: 37 make 74, a 38th 76; the 3 left and the space make 7
    const twoOctets = foldLine("é".repeat(40));
    expect(twoOctets.split("\r\n").map(octets)).toEqual([74, 7]);
  });

  it("unfolds to the original line", () => {
    const line = `DESCRIPTION:${"窗口 2026-12-01 至 2026-12-08；".repeat(9)}`;
    expect(unfold(foldLine(line))).toBe(line);
  });
});

describe("RFC 5545 §3.3.11 TEXT", () => {
  it("escapes backslash, semicolon and comma, and writes a line break as \\n", () => {
    expect(escapeText("Day 28; bone marrow, PET\\CT\r\nfasting")).toBe(
      "Day 28\\; bone marrow\\, PET\\\\CT\\nfasting",
    );
  });
});

describe("an all-day feed", () => {
  const text = allDayCalendarText({
    name: "vein2vein visits · SZ",
    productId: "-//vein2vein//visits//EN",
    events: [
      {
        uid: "01a2435a-6105-734e-88ee-09516c504eb6@vein2vein",
        firstDay: "2019-10-11",
        lastDay: "2019-10-17",
        summary: "SZ-0001 · D28 (Day 28; 第 28 天随访, PET-CT)",
        description: "Visit window 2019-10-11 to 2019-10-17; planned 2019-10-14 (study day 28).",
        stamp: new Date("2019-09-01T10:00:00.500Z"),
      },
      {
        uid: "second@vein2vein",
        firstDay: "2019-12-31",
        lastDay: "2019-12-31",
        summary: "SZ-0002 · M3",
        description: "one day",
        stamp: new Date("2019-12-01T00:00:00Z"),
      },
    ],
  });

  it("is CRLF lines of at most 75 octets, with the required properties written as RFC 5545 shows them", () => {
    expect(text.endsWith("\r\n")).toBe(true);
    const lines = text.slice(0, -2).split("\r\n");
    expect(lines.every((l) => octets(l) <= 75 && !l.includes("\n"))).toBe(true);
    const unfolded = unfold(text).split("\r\n");
    expect(unfolded.slice(0, 6)).toEqual([
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//vein2vein//visits//EN",
      "METHOD:PUBLISH",
      "NAME:vein2vein visits · SZ",
      "X-WR-CALNAME:vein2vein visits · SZ",
    ]);
    // DTEND is exclusive (§3.6.1): the day after the window's last day, across a year end too.
    expect(unfolded).toContain("DTSTART;VALUE=DATE:20191011");
    expect(unfolded).toContain("DTEND;VALUE=DATE:20191018");
    expect(unfolded).toContain("DTEND;VALUE=DATE:20200101");
    // UTC date-time form (§3.3.5), seconds truncated.
    expect(unfolded).toContain("DTSTAMP:20190901T100000Z");
    expect(unfolded).toContain("SUMMARY:SZ-0001 · D28 (Day 28\\; 第 28 天随访\\, PET-CT)");
  });

  it("reads back in ical.js as the same events", () => {
    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue("prodid")).toBe("-//vein2vein//visits//EN");
    const events = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
    expect(events.map((e) => e.uid)).toEqual([
      "01a2435a-6105-734e-88ee-09516c504eb6@vein2vein",
      "second@vein2vein",
    ]);
    const [d28, one] = events;
    expect(d28!.summary).toBe("SZ-0001 · D28 (Day 28; 第 28 天随访, PET-CT)");
    expect(d28!.description).toBe(
      "Visit window 2019-10-11 to 2019-10-17; planned 2019-10-14 (study day 28).",
    );
    expect(d28!.startDate.isDate).toBe(true);
    expect(d28!.startDate.toString()).toBe("2019-10-11");
    expect(d28!.endDate.toString()).toBe("2019-10-18");
    expect(one!.endDate.toString()).toBe("2020-01-01");
    const stamp = events[0]!.component.getFirstPropertyValue("dtstamp") as ICAL.Time;
    expect(stamp.toJSDate().toISOString()).toBe("2019-09-01T10:00:00.000Z");
  });
});
