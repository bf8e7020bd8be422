/**
 * The paste-a-table parser of the web app's data entry (web/src/screens/entry/paste-table.ts):
 * spreadsheet rows become observations, each bad row says why, and nothing is guessed (a date
 * without a time, a number without a unit and a malformed LOINC code are refused).
 */
import { describe, expect, it } from "vitest";
import {
  decimalCommaProblem,
  parsePastedObservations,
  parseTime,
  splitRows,
} from "../../web/src/screens/entry/paste-table.ts";

const P = "01935c8e-0000-7000-8000-000000000001";

describe("splitRows", () => {
  it("uses tabs when a spreadsheet pasted them, else semicolons, else commas; blank lines dropped", () => {
    expect(splitRows("718-7\t12.1\tg/dL\n\n777-3\t150\t10*3/uL")).toEqual([
      ["718-7", "12.1", "g/dL"],
      ["777-3", "150", "10*3/uL"],
    ]);
    expect(splitRows("718-7;12,1;g/dL")).toEqual([["718-7", "12,1", "g/dL"]]);
    expect(splitRows("718-7, 12.1 ,g/dL")).toEqual([["718-7", "12.1", "g/dL"]]);
  });
});

describe("parseTime", () => {
  it("keeps an explicit offset and refuses a date without a time", () => {
    expect(parseTime("2019-09-16T10:30:00+08:00", "Europe/Berlin")).toBe("2019-09-16T02:30:00.000Z");
    expect(parseTime("2019-09-16 10:30Z", "Asia/Shanghai")).toBe("2019-09-16T10:30:00.000Z");
    expect(parseTime("2019-09-16", "Asia/Shanghai")).toBeNull();
    expect(parseTime("16/09/2019 10:30", "Asia/Shanghai")).toBeNull();
  });
  it("reads a time without an offset on the site's clock, not the device's (Shanghai is UTC+8)", () => {
    expect(parseTime("2019-09-16 10:30", "Asia/Shanghai")).toBe("2019-09-16T02:30:00.000Z");
    expect(parseTime("2019-09-16T07:15:20", "Asia/Shanghai")).toBe("2019-09-15T23:15:20.000Z");
  });
});

describe("parsePastedObservations", () => {
  it("turns default-order rows into observations: numbers with units, anything else as text", () => {
    const rows = parsePastedObservations(
      "718-7\t12.1\tg/dL\t2019-09-16T08:00:00Z\tHaemoglobin\n94309-2\tdetected\t\t2019-09-16T08:00:00Z",
      P,
      "Asia/Shanghai",
    );
    expect(rows.map((r) => r.errors)).toEqual([[], []]);
    expect(rows[0]!.observation).toEqual({
      patientId: P,
      code: "718-7",
      valueNumber: 12.1,
      unit: "g/dL",
      effectiveAt: "2019-09-16T08:00:00.000Z",
      display: "Haemoglobin",
    });
    expect(rows[1]!.observation).toMatchObject({ valueText: "detected" });
    expect(rows[1]!.observation).not.toHaveProperty("valueNumber");
  });

  it("maps columns by a header row in any order and numbers lines as pasted", () => {
    const rows = parsePastedObservations(
      "Date,Unit,Value,LOINC\n2019-09-16T08:00:00Z,10*3/uL,150,777-3",
      P,
      "Asia/Shanghai",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.line).toBe(2);
    expect(rows[0]!.observation).toMatchObject({ code: "777-3", valueNumber: 150, unit: "10*3/uL" });
  });

  it("says what is wrong with each bad row and builds no observation for it", () => {
    const rows = parsePastedObservations(
      [
        "7187\t12.1\tg/dL\t2019-09-16T08:00:00Z", // no hyphen before the check digit
        "718-7\t12.1\t\t2019-09-16T08:00:00Z", // number without unit
        "718-7\t12.1\tg/dL\t2019-09-16", // date only
        "718-7\t\tg/dL\t2019-09-16T08:00:00Z", // no value
        "718-7\t12.1\tg / dL\t2019-09-16T08:00:00Z", // unit with spaces
      ].join("\n"),
      P,
      "Asia/Shanghai",
    );
    expect(rows.map((r) => r.observation)).toEqual([null, null, null, null, null]);
    expect(rows[0]!.errors.join()).toMatch(/not a LOINC code/);
    expect(rows[1]!.errors.join()).toMatch(/needs a unit/);
    expect(rows[2]!.errors.join()).toMatch(/not a date and time/);
    expect(rows[3]!.errors.join()).toMatch(/no value/);
    expect(rows[4]!.errors.join()).toMatch(/has a space/);
  });

  it("refuses a decimal comma with the fix instead of sending it as text (decision 0023)", () => {
    // Copied from a spreadsheet in a decimal-comma locale: tab-separated, "11,5".
    const rows = parsePastedObservations(
      "718-7\t11,5\tg/dL\t2019-09-16T08:00:00Z\n718-7\t11.5\tg/dL\t2019-09-16T09:00:00Z",
      P,
      "Asia/Shanghai",
    );
    expect(rows[0]!.observation).toBeNull();
    expect(rows[0]!.errors).toEqual([expect.stringMatching(/decimal comma; write 11\.5/)]);
    expect(rows[1]!.observation).toMatchObject({ valueNumber: 11.5 });
    expect(decimalCommaProblem("1,500")).toMatch(
      /write 1\.5 if it is a decimal, 1500 if the comma separates thousands/,
    );
    expect(decimalCommaProblem("positive")).toBeNull();
  });
});
